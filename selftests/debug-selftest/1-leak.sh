#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Detector proof, part 1: lose an allocation and pass. The leak must be found
# by the runner's own kmemleak scan after this script, not by this script.
# Run only by the detector proof (selftests/run-tests.sh), never by a lane.
modprobe hvg_debug_selftest || { echo "not ok 1 - load hvg_debug_selftest"; exit 1; }
echo leak >/sys/kernel/debug/hvg_debug_selftest/trigger
echo "ok 1 - leaked an allocation (kmemleak must report it)"
