// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_hvcall_test: test triggers for hvg_hvcall. Writing a test name to
 * /sys/kernel/debug/hvg_hvcall_test/run runs it; reading gives "pass" or
 * "fail: reason" for the last test run. The echo and event tests talk to
 * the host's test service named by the "host" parameter.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "test.h"

static char *host = "auto";
module_param(host, charp, 0444);
MODULE_PARM_DESC(host, "test service: auto (default), emu, testdev or none");

struct t_case {
	const char *name;
	int (*fn)(char *reason);
};

static const struct t_case cases[] = {
	{ "regs", t_regs },
	{ "echo", t_echo },
	{ "event", t_event },
	{ "masked", t_masked },
	{ "postval", t_postval },
};

/* run_lock serialises test runs and protects result. */
static DEFINE_MUTEX(run_lock);
static char result[T_REASON_LEN + 8] = "none\n";
static struct dentry *dir;

static void run_case(const struct t_case *c)
{
	char reason[T_REASON_LEN] = "";

	if (c->fn(reason))
		snprintf(result, sizeof(result), "fail: %s\n", reason);
	else
		strscpy(result, "pass\n", sizeof(result));
	pr_info("hvg_hvcall_test: %s: %s", c->name, result);
}

static ssize_t run_write(struct file *f, const char __user *ubuf,
			 size_t len, loff_t *ppos)
{
	char name[32];
	unsigned int i;

	if (len == 0 || len >= sizeof(name))
		return -EINVAL;
	if (copy_from_user(name, ubuf, len))
		return -EFAULT;
	name[len] = '\0';
	strim(name);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (strcmp(name, cases[i].name))
			continue;
		mutex_lock(&run_lock);
		run_case(&cases[i]);
		mutex_unlock(&run_lock);
		return len;
	}
	return -ENOENT;
}

static ssize_t run_read(struct file *f, char __user *ubuf, size_t len,
			loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&run_lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, result, strlen(result));
	mutex_unlock(&run_lock);
	return ret;
}

static const struct file_operations run_fops = {
	.owner = THIS_MODULE,
	.write = run_write,
	.read = run_read,
	.llseek = default_llseek,
};

static int __init t_init(void)
{
	int ret;

	init_waitqueue_head(&t_state.wq);
	ret = t_host_init(host);
	if (ret) {
		pr_err("hvg_hvcall_test: host=%s: %d\n", host, ret);
		return ret;
	}
	dir = debugfs_create_dir("hvg_hvcall_test", NULL);
	debugfs_create_file("run", 0600, dir, NULL, &run_fops);
	return 0;
}

static void __exit t_exit(void)
{
	debugfs_remove_recursive(dir);
	t_host_exit();
}

module_init(t_init);
module_exit(t_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvguest: test triggers for hvg_hvcall (test-only)");
