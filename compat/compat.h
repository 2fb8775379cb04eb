/* SPDX-License-Identifier: GPL-2.0 */
/*
 * All kernel-version knowledge of the suite lives here (force-included into
 * every object) and in feature probes; driver files carry no version
 * checks. The suite targets Debian 12's 6.1 kernel.
 */
#ifndef HVG_COMPAT_H
#define HVG_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "hvguest needs Linux 6.1 or newer"
#endif

#endif /* HVG_COMPAT_H */
