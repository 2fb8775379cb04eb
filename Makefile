# SPDX-License-Identifier: GPL-2.0
#
# hvguest top-level Makefile. Kernel objects are built by Kbuild; this file
# is the user's interface (README.md, DESIGN.md section 7).
#
#   make                 build every module against KDIR, and hvhost
#   make run [CMD='...'] boot a guest against hvhost with the suite loaded
#   make check           every test: static, unit, guest lanes on both kernels
#   make style | sparse | w1    one static check
#   make bench           the benchmarks (tools/bench.sh), tables with baselines
#
# Variables: KDIR (default: the installed Debian kernel's headers),
#            LANE=emu|real, KERNEL=stock|debug, TESTS='hvcall ...'.
# KERNEL=debug builds (once, cached: tools/debug-kernel.sh) the debug guest
# kernel and builds the modules against it in $(BUILD)/debug/src, a copy of
# the tree, so the stock objects are left alone.

KVER ?= $(shell tools/kver.sh 2>/dev/null)
KDIR ?= /lib/modules/$(KVER)/build
LANE ?= emu
KERNEL ?= stock
BUILD ?= $(CURDIR)/build
export KVER KDIR LANE KERNEL BUILD

KCONFIG := CONFIG_HVG=m CONFIG_HVG_HVCALL=m CONFIG_HVG_VMBUS=m CONFIG_HVG_SELFTESTS=m \
	CONFIG_HVG_TIMESYNC=m CONFIG_HVG_STORVSC=m
KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR) $(KCONFIG)
DEBUG_SRC = $(BUILD)/debug/src
# What `make check` runs on: both kernels unless KERNEL is given.
CHECK_KERNEL = $(if $(filter file,$(origin KERNEL)),all,$(KERNEL))

.PHONY: all modules modules-stock modules-debug hvhost clean deps run check \
	style sparse w1 unit bench

all: modules hvhost

modules: modules-$(if $(filter debug,$(KERNEL)),debug,stock)

modules-stock:
	@test -n "$(KVER)" -o "$(origin KDIR)" = command-line || \
		{ echo "no kernel headers: run tools/deps.sh"; exit 1; }
	$(KMAKE) modules

modules-debug:
	@tools/debug-kernel.sh >/dev/null
	mkdir -p $(DEBUG_SRC)
	tar -cf - --exclude=./build --exclude=./.git --exclude=./hvhost \
		--exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='*.a' --exclude=modules.order \
		--exclude=Module.symvers . | tar -xf - -C $(DEBUG_SRC)
	$(MAKE) -C $$(tools/debug-kernel.sh --dir)/linux M=$(DEBUG_SRC) $(KCONFIG) modules

hvhost:
	$(MAKE) -C hvhost

deps:
	tools/deps.sh

run: deps
	$(MAKE) all
	selftests/qemu/run.sh $(if $(value CMD),--cmd '$(subst ','\'',$(value CMD))')

check: deps
	$(MAKE) all KERNEL=stock
	LANE=$(if $(filter file,$(origin LANE)),all,$(LANE)) KERNEL=$(CHECK_KERNEL) \
		selftests/run-tests.sh

style:
	tools/static-check.sh style

sparse:
	tools/static-check.sh sparse

w1:
	tools/static-check.sh w1

# User-space unit tests (TAP): hvhost, and the ring core where it exists.
UNIT_DIRS := hvhost $(wildcard vmbus/tests)
unit:
	@rc=0; for d in $(UNIT_DIRS); do \
		$(MAKE) -s --no-print-directory -C $$d check || rc=1; done; exit $$rc

# Benchmarks: each section of tools/bench.sh builds what it measures.
bench:
	tools/bench.sh

clean:
	-$(KMAKE) clean
	$(MAKE) -C hvhost clean
	rm -rf $(BUILD)
