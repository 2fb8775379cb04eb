// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_hvcall: TLFS hypercalls and the SynIC over the "hyperv" or "emu"
 * backend. This file is only the init ladder.
 */
#include <linux/module.h>
#include "backend.h"

static int __init hvg_hvcall_init(void)
{
	int ret;

	ret = hvg_platform_init();
	if (ret)
		return ret;
	ret = hvg_hypercall_init();
	if (ret)
		goto err_platform;
	ret = hvg_synic_init();
	if (ret)
		goto err_hypercall;
	return 0;

err_hypercall:
	hvg_hypercall_exit();
err_platform:
	hvg_platform_exit();
	return ret;
}

static void __exit hvg_hvcall_exit(void)
{
	hvg_synic_exit();
	hvg_hypercall_exit();
	hvg_platform_exit();
}

module_init(hvg_hvcall_init);
module_exit(hvg_hvcall_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvguest: TLFS hypercalls and SynIC (backends hyperv, emu)");
