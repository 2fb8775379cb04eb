// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_timesync_probe: the guest's wall clock against the host's, for
 * timesync.sh. The host time comes from hvhost (its test service's
 * HVEMU_TEST_REQ_TIMESYNC_TIME: the clock the timesync device sends, with
 * the control socket's shift and drift), never from the guest. Reading
 * /sys/kernel/debug/hvg_timesync_probe/probe makes PROBE_TRIES probes, each
 * one mailbox round trip bracketed by two reads of CLOCK_REALTIME with
 * local interrupts off, and prints the narrowest, key=value per line:
 *   host_ns     host time, Unix ns
 *   guest_ns    CLOCK_REALTIME in the middle of the bracket
 *   offset_ns   guest_ns - host_ns
 *   bracket_ns  width of the bracket: the host read lies inside it, so
 *               offset_ns is exact to +- bracket_ns / 2
 *   real_mono_ns  CLOCK_REALTIME - CLOCK_MONOTONIC: a step of the wall
 *               clock changes it by the step, time passing does not
 *   tries       probes made
 * or "error=ERRNO" when hvhost could not be asked. Reading .../refused
 * sends two requests hvhost must refuse (an unknown request code; the time
 * request with a non-zero argument) and prints their errnos.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/timekeeping.h>
#include <hvg/hvcall.h>
#include <hvproto/emu_abi.h>
#include <hvproto/ic.h>

#define PROBE_TRIES	16
/* A host time outside 1970..2262 cannot be Unix ns in an s64. */
#define PROBE_MAX_1601	(HVP_TS_EPOCH_DELTA + (u64)S64_MAX / 100)

struct probe {
	s64 host_ns;
	s64 guest_ns;
	s64 bracket_ns;
	s64 real_mono_ns;
};

/* One bracketed probe; 0, or why hvhost could not be asked. */
static int probe_once(struct probe *p)
{
	unsigned long flags;
	s64 t0, t1;
	u64 host;
	int ret;

	local_irq_save(flags);
	t0 = ktime_get_real_ns();
	ret = hvg_emu_test_request(HVEMU_TEST_REQ_TIMESYNC_TIME, 0, &host);
	t1 = ktime_get_real_ns();
	p->real_mono_ns = ktime_mono_to_real(0);
	local_irq_restore(flags);
	if (ret)
		return ret;
	/* Untrusted: a value no Unix ns can hold is a broken host. */
	if (host < HVP_TS_EPOCH_DELTA || host > PROBE_MAX_1601)
		return -ERANGE;
	p->host_ns = (s64)(host - HVP_TS_EPOCH_DELTA) * 100;
	p->guest_ns = t0 + (t1 - t0) / 2;
	p->bracket_ns = t1 - t0;
	return 0;
}

static int probe_show(struct seq_file *m, void *unused)
{
	struct probe best = { .bracket_ns = S64_MAX }, p;
	unsigned int i;
	int ret;

	for (i = 0; i < PROBE_TRIES; i++) {
		ret = probe_once(&p);
		if (ret) {
			seq_printf(m, "error=%d\n", ret);
			return 0;
		}
		if (p.bracket_ns < best.bracket_ns)
			best = p;
	}
	seq_printf(m, "host_ns=%lld\nguest_ns=%lld\noffset_ns=%lld\n",
		   best.host_ns, best.guest_ns, best.guest_ns - best.host_ns);
	seq_printf(m, "bracket_ns=%lld\nreal_mono_ns=%lld\ntries=%u\n",
		   best.bracket_ns, best.real_mono_ns, PROBE_TRIES);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(probe);

static int refused_show(struct seq_file *m, void *unused)
{
	u64 val = 1;
	int ret;

	ret = hvg_emu_test_request(0xdead, 0, &val);
	seq_printf(m, "unknown_request=%d result=%llu\n", ret, val);
	val = 1;
	ret = hvg_emu_test_request(HVEMU_TEST_REQ_TIMESYNC_TIME, 8, &val);
	seq_printf(m, "nonzero_arg=%d result=%llu\n", ret, val);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(refused);

static struct dentry *dir;

static int __init probe_init(void)
{
	dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("probe", 0400, dir, NULL, &probe_fops);
	debugfs_create_file("refused", 0400, dir, NULL, &refused_fops);
	return 0;
}

static void __exit probe_exit(void)
{
	debugfs_remove_recursive(dir);
}

module_init(probe_init);
module_exit(probe_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvguest: guest clock against hvhost's timesync clock (test-only)");
