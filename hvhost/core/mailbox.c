// SPDX-License-Identifier: GPL-2.0
/*
 * The slot protocol of <hvproto/emu_abi.h>: a slot with req_seq != done_seq
 * carries one request; hvhost performs it for the slot's VP, writes status
 * and result, then publishes done_seq = req_seq. Everything in a slot is
 * guest-written and untrusted; a garbage slot costs at most one bad request.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <hvproto/tlfs.h>

#include "mailbox.h"

#define HOST_VERSION	"hvhost 0.1"

static void fill_header(struct hvemu_ctl_header *h, unsigned int nr_slots,
			uint32_t abi_version, uint64_t ram_size)
{
	h->abi_version = abi_version;
	h->header_size = HVEMU_HEADER_SIZE;
	h->nr_slots = nr_slots;
	h->slot_size = HVEMU_SLOT_SIZE;
	h->cpuid_features[0] = HVP_PRIV_SYNIC | HVP_PRIV_HYPERCALL |
			       HVP_PRIV_VP_INDEX | HVP_PRIV_TIME_REF_COUNT;
	h->cpuid_features[1] = HVP_PRIV_POST_MESSAGES | HVP_PRIV_SIGNAL_EVENTS;
	h->ram_size = ram_size;
	strncpy(h->host_version, HOST_VERSION, sizeof(h->host_version) - 1);
	/* Orders the header before the magic that tells the guest it is valid. */
	__atomic_store_n(&h->magic, HVEMU_MAGIC, __ATOMIC_RELEASE);
}

int mailbox_create(struct mailbox *mb, unsigned int nr_slots,
		   uint32_t abi_version, uint64_t ram_size)
{
	void *p;
	int err;

	mb->region = NULL;
	mb->nr_slots = 0;
	mb->test = NULL;
	mb->test_opaque = NULL;
	if (!nr_slots || nr_slots > HVEMU_MAX_VPS)
		return -EINVAL;
	mb->fd = memfd_create("hvhost-ctl", MFD_CLOEXEC);
	if (mb->fd < 0)
		return -errno;
	if (ftruncate(mb->fd, HVEMU_CTL_REGION_SIZE) < 0)
		goto err_close;
	p = mmap(NULL, HVEMU_CTL_REGION_SIZE, PROT_READ | PROT_WRITE,
		 MAP_SHARED, mb->fd, 0);
	if (p == MAP_FAILED)
		goto err_close;
	mb->region = p;
	mb->nr_slots = nr_slots;
	fill_header(p, nr_slots, abi_version, ram_size);
	return 0;

err_close:
	err = -errno;
	close(mb->fd);
	mb->fd = -1;
	return err;
}

void mailbox_destroy(struct mailbox *mb)
{
	if (mb->region)
		munmap(mb->region, HVEMU_CTL_REGION_SIZE);
	if (mb->fd >= 0)
		close(mb->fd);
	mb->region = NULL;
	mb->fd = -1;
}

void mailbox_set_test(struct mailbox *mb, mailbox_test_fn fn, void *opaque)
{
	mb->test = fn;
	mb->test_opaque = opaque;
}

struct hvemu_slot *mailbox_slot(struct mailbox *mb, unsigned int i)
{
	if (i >= mb->nr_slots)
		return NULL;
	return (struct hvemu_slot *)(mb->region + HVEMU_HEADER_SIZE +
				     (size_t)i * HVEMU_SLOT_SIZE);
}

static uint32_t do_op(struct mailbox *mb, struct hv *hv, unsigned int vp,
		      uint32_t op, const uint64_t *arg, uint64_t *result)
{
	uint32_t status;

	switch (op) {
	case HVEMU_OP_HYPERCALL:
		return hv_hypercall(hv, vp, arg[0], arg[1], arg[2], result);
	case HVEMU_OP_RDMSR:
		return hv_rdmsr(hv, vp, arg[0], result);
	case HVEMU_OP_WRMSR:
		return hv_wrmsr(hv, vp, arg[0], arg[1]);
	case HVEMU_OP_TEST:
		if (!mb->test)
			break;
		status = mb->test(mb->test_opaque, hv, vp, arg, result);
		if (status == HVEMU_STATUS_BAD_OP) {
			*result = 0;
			hv->stats.bad_requests++;
			hv_trace("slot %u: test request %llu refused", vp,
				 (unsigned long long)arg[0]);
		}
		return status;
	}
	hv->stats.bad_requests++;
	hv_trace("slot %u: bad op %u", vp, op);
	return HVEMU_STATUS_BAD_OP;
}

/* Performs slot @i's request if it has one; true if it did. */
bool mailbox_process(struct mailbox *mb, struct hv *hv, unsigned int i)
{
	struct hvemu_slot *slot = mailbox_slot(mb, i);
	uint64_t arg[3], result = 0;
	uint32_t req, op, status;
	unsigned int k;

	if (!slot || i >= hv->nr_vps)
		return false;
	/* Orders the guest's op and arg[] before our reads of them. */
	req = __atomic_load_n(&slot->req_seq, __ATOMIC_ACQUIRE);
	if (req == __atomic_load_n(&slot->done_seq, __ATOMIC_RELAXED))
		return false;
	op = __atomic_load_n(&slot->op, __ATOMIC_RELAXED);
	for (k = 0; k < 3; k++)
		arg[k] = __atomic_load_n(&slot->arg[k], __ATOMIC_RELAXED);
	hv->stats.mailbox_requests++;
	status = do_op(mb, hv, i, op, arg, &result);
	__atomic_store_n(&slot->status, status, __ATOMIC_RELAXED);
	__atomic_store_n(&slot->result, result, __ATOMIC_RELAXED);
	/* Orders status and result before the completion the guest waits on. */
	__atomic_store_n(&slot->done_seq, req, __ATOMIC_RELEASE);
	return true;
}

unsigned int mailbox_scan(struct mailbox *mb, struct hv *hv)
{
	unsigned int i, n = 0;

	for (i = 0; i < mb->nr_slots; i++)
		n += mailbox_process(mb, hv, i);
	return n;
}
