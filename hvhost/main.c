// SPDX-License-Identifier: GPL-2.0
/* hvhost: an emulated Hyper-V host for the hvguest suite. See README.md. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hvproto/emu_abi.h>

#include "core/util.h"
#include "ctl.h"
#include "run.h"
#include "vmbus/vmbus.h"
#include "vsp/timesync.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvhost run --ivshmem-socket PATH --ram-file PATH "
		"--ram-size BYTES\n"
		"                  --vcpus N --ctl-socket PATH "
		"[--abi-version N] [-v]\n"
		"                  [--device NAME[,monitored]]... "
		"[--vmbus-max-version X.Y]\n"
		"                  [--disk path=FILE,size=SIZE[,controller=N]"
		"[,lun=N][,ro][,serial=S]\n"
		"                   [,vendor=V][,model=M][,nounmap][,nofua]"
		"[,discard=unmap|ws16][,ide[=T]]]...\n"
		"                  [--storage-max-version 5.1|6.0|6.2] "
		"[--storage-channels N] "
		"[--storage-max-transfer BYTES]\n"
		"                  [--timesync-version X.Y] "
		"[--timesync-interval SECONDS]\n"
		"       hvhost ctl CTL_SOCKET COMMAND [ARGS...]\n");
}

/* Bytes, with an optional K/M/G (binary) suffix. */
static bool parse_size(const char *s, uint64_t *val)
{
	unsigned int shift = 0;
	char *end;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	*val = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	}
	if (*end || *val > (UINT64_MAX >> shift))
		return false;
	*val <<= shift;
	return *val > 0;
}

static bool parse_u32(const char *s, uint32_t *val)
{
	uint64_t v;
	char *end;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > UINT32_MAX)
		return false;
	*val = (uint32_t)v;
	return true;
}

static bool parse_u32_size(const char *s, uint32_t *val)
{
	uint64_t v;

	if (!parse_size(s, &v) || v > UINT32_MAX)
		return false;
	*val = (uint32_t)v;
	return true;
}

static int parse_storage(int c, char *arg, struct run_opts *o)
{
	const char *err = NULL;
	uint32_t n;

	switch (c) {
	case 'D':
		if (o->nr_disks == RUN_MAX_DISKS)
			err = "too many disks";
		else
			err = stor_parse_spec(arg, &o->disks[o->nr_disks++],
					      false);
		break;
	case 'V':
		if (!strcmp(arg, "6.2"))
			o->storage_max_version = HVP_VSTOR_VERSION_WIN10;
		else if (!strcmp(arg, "6.0"))
			o->storage_max_version = HVP_VSTOR_VERSION_WIN8_1;
		else if (!strcmp(arg, "5.1"))
			o->storage_max_version = HVP_VSTOR_VERSION_WIN8;
		else
			err = "5.1, 6.0 or 6.2";
		break;
	case 'C':
		if (!parse_u32(arg, &n) || n > STOR_MAX_SUBCHANNELS)
			err = "0..64";
		else
			o->storage_channels = (int)n;
		break;
	default:
		if (!parse_u32_size(arg, &n) || n < 4096 || n > (8u << 20) ||
		    n % 4096)
			err = "4K..8M, a multiple of 4K";
		else
			o->storage_max_xfer = n;
		break;
	}
	if (err)
		fprintf(stderr, "hvhost run: bad storage option: %s\n", err);
	return err ? -EINVAL : 0;
}

static int parse_run(int argc, char **argv, struct run_opts *o)
{
	static const struct option opts[] = {
		{ "ivshmem-socket", required_argument, NULL, 'i' },
		{ "ram-file", required_argument, NULL, 'r' },
		{ "ram-size", required_argument, NULL, 's' },
		{ "vcpus", required_argument, NULL, 'n' },
		{ "ctl-socket", required_argument, NULL, 'c' },
		{ "abi-version", required_argument, NULL, 'a' },
		{ "device", required_argument, NULL, 'd' },
		{ "vmbus-max-version", required_argument, NULL, 'm' },
		{ "timesync-version", required_argument, NULL, 't' },
		{ "timesync-interval", required_argument, NULL, 'T' },
		{ "disk", required_argument, NULL, 'D' },
		{ "storage-max-version", required_argument, NULL, 'V' },
		{ "storage-channels", required_argument, NULL, 'C' },
		{ "storage-max-transfer", required_argument, NULL, 'X' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct vmbus_dev_opts dev;
	int64_t ns;
	int c;

	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case 'i': o->ivshmem_socket = optarg; break;
		case 'r': o->ram_file = optarg; break;
		case 'c': o->ctl_socket = optarg; break;
		case 'v': hvhost_verbose = 1; break;
		case 's':
			if (!parse_size(optarg, &o->ram_size))
				goto bad;
			break;
		case 'n':
			if (!parse_u32(optarg, &o->vcpus) || !o->vcpus ||
			    o->vcpus > HVEMU_MAX_VPS)
				goto bad;
			break;
		case 'a':
			if (!parse_u32(optarg, &o->abi_version))
				goto bad;
			break;
		case 'd':
			if (!vmbus_parse_device(optarg, &dev) ||
			    o->nr_devices == RUN_MAX_DEVICES)
				goto bad;
			o->devices[o->nr_devices++] = optarg;
			break;
		case 'm':
			if (!vmbus_parse_version(optarg, &o->vmbus_max_version))
				goto bad;
			break;
		case 't':
			if (!ts_parse_version(optarg, &o->timesync_version))
				goto bad;
			break;
		case 'T':
			if (!ts_parse_fixed(optarg, 9, false,
					    TS_MAX_INTERVAL_NS, &ns) ||
			    (ns && ns < TS_NSEC / 100))
				goto bad;
			o->timesync_interval_ns = (uint64_t)ns;
			break;
		case 'D': case 'V': case 'C': case 'X':
			if (parse_storage(c, optarg, o))
				return -EINVAL;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	if (optind != argc || !o->ivshmem_socket || !o->ram_file ||
	    !o->ctl_socket || !o->ram_size || !o->vcpus) {
		fprintf(stderr, "hvhost run: missing or extra arguments\n");
		return -EINVAL;
	}
	return 0;
bad:
	fprintf(stderr, "hvhost run: bad value '%s' (--ram-size BYTES[K|M|G], "
		"--vcpus 1..%d, --abi-version N,\n"
		"  --device echo|timesync[,monitored|,monitor-id=0..255],\n"
		"  --vmbus-max-version 2.4|3.0|4.0|4.1|5.0|5.1|5.2|5.3,\n"
		"  --timesync-version 1.0|3.0|4.0|all, "
		"--timesync-interval 0|0.01..86400)\n",
		optarg, HVEMU_MAX_VPS);
	return -EINVAL;
}

int main(int argc, char **argv)
{
	struct run_opts o = {
		.abi_version = HVEMU_ABI_VERSION,
		.vmbus_max_version = HVP_VMBUS_VERSION_WIN10_V5_3,
		.storage_channels = -1,
		.timesync_interval_ns = TS_DEFAULT_INTERVAL_NS,
	};

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "ctl"))
		return ctl_client_main(argc - 2, argv + 2);
	if (!strcmp(argv[1], "run")) {
		if (parse_run(argc - 1, argv + 1, &o)) {
			usage(stderr);
			return 2;
		}
		return host_run(&o) ? 1 : 0;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
