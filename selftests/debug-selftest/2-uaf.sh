#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Detector proof, part 2: read freed memory and pass. KASAN must report it
# (with panic_on_warn the guest stops there).
modprobe hvg_debug_selftest || { echo "not ok 1 - load hvg_debug_selftest"; exit 1; }
echo uaf >/sys/kernel/debug/hvg_debug_selftest/trigger
echo "ok 1 - read a freed object (KASAN must report it)"
