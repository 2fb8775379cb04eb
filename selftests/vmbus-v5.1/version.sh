#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hvhost capped at VMBus 5.1 (hvhost.args): see ../vmbus/version.inc.
. ../vmbus/version.inc
