#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hvhost StorVSP capped at vstor 5.1 (hvhost.args): see ../storvsc/version.inc.
. ../storvsc/version.inc
