#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Reboots the guest with the echo channel open: the kernel runs its reboot
# notifiers (kernel_restart -> kernel_restart_prepare), hvg_vmbus's sends
# UNLOAD; QEMU (-no-reboot) then exits. Nothing after this runs: init's
# hvg-done never comes, and host-check judges the run.
sleep 1		# 1-open.sh's results leave the UART first
reboot -f
sleep 60
echo "not ok 1 - reboot -f returned"
