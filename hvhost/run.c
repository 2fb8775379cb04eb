// SPDX-License-Identifier: GPL-2.0
/*
 * `hvhost run`: builds the host out of its parts, serves the guest until
 * QEMU hangs up or a signal asks us to stop, then takes it all down in
 * reverse order.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#include "core/ivshmem.h"
#include "core/mailbox.h"
#include "ctl.h"
#include "run.h"
#include "test_service.h"
#include "vmbus/vmbus.h"
#include "vsp/timesync.h"

struct doorbell {
	struct loop_source src;
	struct host *host;
	unsigned int vp;
};

struct host {
	struct guest_mem mem;
	struct hv hv;
	struct mailbox mb;
	struct loop loop;
	struct ivshmem_server ivs;
	struct ctl_cmds cmds;
	struct ctl_server ctl;
	struct vmbus_server *vmbus;
	struct storvsp *storvsp;
	struct loop_source storvsp_src;
	struct loop_source ivs_listen;
	struct loop_source ivs_client;
	struct loop_source sig;
	struct doorbell bells[HVEMU_MAX_VPS];
};

static bool raise_irq(void *opaque, unsigned int vp)
{
	return ivshmem_notify(opaque, vp);
}

/* Any doorbell makes us look at every slot: a lost wakeup costs nothing. */
static void doorbell_event(struct loop_source *src, uint32_t events)
{
	struct doorbell *d = container_of(src, struct doorbell, src);
	struct host *h = d->host;

	(void)events;
	ivshmem_doorbell_ack(&h->ivs, d->vp);
	h->hv.stats.doorbells++;
	hv_trace("doorbell vp=%u", d->vp);
	mailbox_process(&h->mb, &h->hv, d->vp);
	mailbox_scan(&h->mb, &h->hv);
	vmbus_server_poll(h->vmbus);
}

static void client_event(struct loop_source *src, uint32_t events)
{
	struct host *h = container_of(src, struct host, ivs_client);
	char buf[64];
	ssize_t n;

	/* QEMU never sends after setup; data is discarded, EOF ends the run. */
	n = recv(src->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n > 0 && !(events & (EPOLLHUP | EPOLLRDHUP | EPOLLERR)))
		return;
	if (n < 0 && errno == EAGAIN && !(events & (EPOLLHUP | EPOLLERR)))
		return;
	printf("hvhost: guest disconnected\n");
	fflush(stdout);
	loop_stop(&h->loop, 0);
}

static void listen_event(struct loop_source *src, uint32_t events)
{
	struct host *h = container_of(src, struct host, ivs_listen);
	int err;

	(void)events;
	err = ivshmem_accept(&h->ivs);
	if (err) {
		hv_trace("ivshmem: connection refused: %s", strerror(-err));
		return;
	}
	h->ivs_client.fd = h->ivs.client_fd;
	h->ivs_client.fn = client_event;
	loop_add(&h->loop, &h->ivs_client, EPOLLIN | EPOLLRDHUP);
	printf("hvhost: guest connected (%u vcpus)\n", h->hv.nr_vps);
	fflush(stdout);
}

static void signal_event(struct loop_source *src, uint32_t events)
{
	struct host *h = container_of(src, struct host, sig);
	struct signalfd_siginfo si;

	(void)events;
	if (read(src->fd, &si, sizeof(si)) == sizeof(si))
		hv_trace("signal %u: stopping", si.ssi_signo);
	loop_stop(&h->loop, 0);
}

static void storvsp_event(struct loop_source *src, uint32_t events)
{
	struct host *h = container_of(src, struct host, storvsp_src);

	(void)events;
	storvsp_process(h->storvsp);
}

static int add_sources(struct host *h)
{
	sigset_t set;
	unsigned int i;
	int err;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	h->sig.fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (h->sig.fd < 0)
		return -errno;
	h->sig.fn = signal_event;
	err = loop_add(&h->loop, &h->sig, EPOLLIN);
	h->ivs_listen.fd = h->ivs.listen_fd;
	h->ivs_listen.fn = listen_event;
	if (!err)
		err = loop_add(&h->loop, &h->ivs_listen, EPOLLIN);
	h->storvsp_src.fd = storvsp_fd(h->storvsp);
	h->storvsp_src.fn = storvsp_event;
	if (!err)
		err = loop_add(&h->loop, &h->storvsp_src, EPOLLIN);
	for (i = 0; !err && i < h->hv.nr_vps; i++) {
		h->bells[i] = (struct doorbell){
			.src = { .fd = h->ivs.host_efd[i], .fn = doorbell_event },
			.host = h, .vp = i,
		};
		err = loop_add(&h->loop, &h->bells[i].src, EPOLLIN);
	}
	return err;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "hvhost: %s: %s\n", what, strerror(-err));
	return err;
}

static int add_devices(struct host *h, const struct run_opts *o)
{
	unsigned int i;
	int err = 0;

	h->vmbus = vmbus_server_create(&h->hv, o->vmbus_max_version);
	if (!h->vmbus)
		return -ENOMEM;
	err = vmbus_server_set_loop(h->vmbus, &h->loop);
	if (err)
		return err;
	if (!o->nr_devices) {
		err = vmbus_add_device(h->vmbus, vsp_find("echo"), NULL);
		return err ? err : vmbus_add_device(h->vmbus,
						    vsp_find("timesync"), NULL);
	}
	for (i = 0; !err && i < o->nr_devices; i++) {
		struct vmbus_dev_opts d;

		/* Checked by the option parser. */
		vmbus_parse_device(o->devices[i], &d);
		err = vmbus_add_device_opts(h->vmbus, &d, NULL);
	}
	return err;
}

/* SCSI controllers in ascending number, then their disks. */
static int add_storage(struct host *h, const struct run_opts *o)
{
	struct storvsp *sv;
	const char *why;
	unsigned int c, i, lun;
	int err;

	sv = h->storvsp = storvsp_create(h->vmbus);
	if (!sv)
		return -ENOMEM;
	if (o->storage_max_version)
		sv->max_version = o->storage_max_version;
	if (o->storage_channels >= 0)
		sv->max_channels = (uint16_t)o->storage_channels;
	if (o->storage_max_xfer)
		sv->max_xfer = o->storage_max_xfer;
	for (c = 0; c < STOR_MAX_CONTROLLERS; c++) {
		for (i = 0; i < o->nr_disks; i++)
			if (o->disks[i].controller == (int)c)
				break;
		if (i == o->nr_disks)
			continue;
		err = o->disks[i].ide ?
		      storvsp_add_ide_controller(sv, c,
						 o->disks[i].ide_target) :
		      storvsp_add_controller(sv, c);
		if (err)
			return err;
	}
	for (i = 0; i < o->nr_disks; i++) {
		why = storvsp_add_disk(sv, &o->disks[i], &lun);
		if (why) {
			fprintf(stderr, "hvhost: --disk %s: %s\n",
				o->disks[i].path, why);
			return -EINVAL;
		}
	}
	return 0;
}

static int host_serve(struct host *h, const struct run_opts *o)
{
	int err;

	err = test_service_init(&h->hv);
	if (err)
		return fail("test service", err);
	mailbox_set_test(&h->mb, test_service_request, NULL);
	err = timesync_host_init(&h->loop);
	if (!err) {
		timesync_set_version(o->timesync_version);
		err = timesync_set_interval(o->timesync_interval_ns);
	}
	if (err)
		return fail("timesync", err);
	err = add_devices(h, o);
	if (err)
		return fail("vmbus", err);
	err = add_storage(h, o);
	if (err)
		return fail("storage", err);
	err = ivshmem_server_init(&h->ivs, o->ivshmem_socket, h->mb.fd,
				  o->vcpus);
	if (err)
		return fail(o->ivshmem_socket, err);
	synic_set_irq(&h->hv.synic, raise_irq, &h->ivs);
	err = ctl_cmds_init(&h->cmds, &h->hv);
	if (!err)
		err = vmbus_ctl_register(h->vmbus, &h->cmds);
	if (!err)
		err = storvsp_ctl_register(h->storvsp, &h->cmds);
	if (!err)
		err = timesync_ctl_register(&h->cmds);
	if (!err)
		err = ctl_server_init(&h->ctl, &h->loop, &h->cmds,
				      o->ctl_socket);
	if (err) {
		fail(o->ctl_socket, err);
		goto out_ivs;
	}
	err = add_sources(h);
	if (err)
		fail("event loop", err);
	else
		err = loop_run(&h->loop);
	if (h->sig.fd >= 0)
		close(h->sig.fd);
	ctl_server_uninit(&h->ctl);
out_ivs:
	synic_set_irq(&h->hv.synic, NULL, NULL);
	ivshmem_server_uninit(&h->ivs);
	return err;
}

int host_run(const struct run_opts *o)
{
	struct host *h = calloc(1, sizeof(*h));
	int err;

	if (!h)
		return fail("host", -ENOMEM);
	h->sig.fd = -1;
	err = gm_map_file(&h->mem, o->ram_file, o->ram_size);
	if (err) {
		fail(o->ram_file, err);
		goto err_free;
	}
	err = mailbox_create(&h->mb, o->vcpus, o->abi_version, o->ram_size);
	if (err) {
		fail("control region", err);
		goto err_mem;
	}
	err = hv_init(&h->hv, &h->mem, o->vcpus);
	if (err) {
		fail("partition", err);
		goto err_mb;
	}
	err = loop_init(&h->loop);
	if (err) {
		fail("event loop", err);
		goto err_hv;
	}
	err = host_serve(h, o);
	vmbus_server_destroy(h->vmbus);
	storvsp_destroy(h->storvsp);
	timesync_host_uninit();
	loop_uninit(&h->loop);
err_hv:
	hv_uninit(&h->hv);
err_mb:
	mailbox_destroy(&h->mb);
err_mem:
	gm_uninit(&h->mem);
err_free:
	free(h);
	return err;
}
