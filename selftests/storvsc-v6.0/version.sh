#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hvhost StorVSP capped at vstor 6.0 (hvhost.args): see ../storvsc/version.inc.
. ../storvsc/version.inc
