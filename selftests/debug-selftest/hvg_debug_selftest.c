// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_debug_selftest: a deliberately broken module, the proof that the debug
 * guest tier catches what it is for. Writing "leak" to
 * /sys/kernel/debug/hvg_debug_selftest/trigger loses an allocation (for
 * kmemleak); writing "uaf" reads a freed one (for KASAN). Only the detector
 * proof of selftests/run-tests.sh loads it, on the debug kernel.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kfence.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#define MARK "hvg_debug_selftest leak"

/*
 * KASAN does not watch the objects KFENCE samples (KFENCE reports those
 * itself): take an allocation KASAN sees, so the proof names KASAN.
 */
static void *watched_kmalloc(size_t size)
{
	void *p;
	int tries;

	for (tries = 0; tries < 16; tries++) {
		p = kmalloc(size, GFP_KERNEL);
		if (!p || !is_kfence_address(p))
			return p;
		kfree(p);
	}
	return NULL;
}

/*
 * Zero the stack below the caller, where leak() and kmalloc() left copies of
 * the pointer: kmemleak scans task stacks (also the cached ones of exited
 * tasks), and a stale copy there would hide the leak.
 */
static noinline void scrub_stack(int depth)
{
	char buf[768];

	memzero_explicit(buf, sizeof(buf));
	OPTIMIZER_HIDE_VAR(depth);
	if (depth > 0)
		scrub_stack(depth - 1);
}

static noinline int leak(void)
{
	char *p = watched_kmalloc(128);

	if (!p)
		return -ENOMEM;
	strscpy(p, MARK, 128);
	/* The only reference goes out of scope: kmemleak's next scan finds it. */
	OPTIMIZER_HIDE_VAR(p);
	pr_info("hvg_debug_selftest: leaked 128 bytes\n");
	return 0;
}

static noinline int use_after_free(void)
{
	char *p = watched_kmalloc(64);
	char c;

	if (!p)
		return -ENOMEM;
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	c = READ_ONCE(p[8]);
	pr_info("hvg_debug_selftest: read %d from a freed object\n", c);
	return 0;
}

static ssize_t trigger_write(struct file *f, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char cmd[16];
	int ret;

	if (len == 0 || len >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, len))
		return -EFAULT;
	cmd[len] = '\0';
	strim(cmd);
	if (!strcmp(cmd, "leak")) {
		ret = leak();
		scrub_stack(4);
	} else if (!strcmp(cmd, "uaf")) {
		ret = use_after_free();
	} else {
		ret = -EINVAL;
	}
	return ret ? ret : len;
}

static const struct file_operations trigger_fops = {
	.owner = THIS_MODULE,
	.write = trigger_write,
};

static struct dentry *dir;

static int __init hvg_debug_selftest_init(void)
{
	dir = debugfs_create_dir("hvg_debug_selftest", NULL);
	debugfs_create_file("trigger", 0200, dir, NULL, &trigger_fops);
	return 0;
}

static void __exit hvg_debug_selftest_exit(void)
{
	debugfs_remove_recursive(dir);
}

module_init(hvg_debug_selftest_init);
module_exit(hvg_debug_selftest_exit);
MODULE_DESCRIPTION("hvguest: deliberately broken module for the detector proof");
MODULE_LICENSE("GPL");
