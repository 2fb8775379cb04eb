/* SPDX-License-Identifier: GPL-2.0 */
/*
 * StorVSP: the host half of the vstor protocol (<hvproto/vstor.h>). A
 * controller is one SCSI-class VMBus device with a primary channel and the
 * subchannels the guest asks for; its LUNs are raw image files.
 *
 *   storvsp.c        the controllers, the vstor protocol on their channels
 *   storvsp_scsi.c   SCSI command emulation: a pure function layer
 *   storvsp_io.c     the I/O engine: a worker thread per open channel
 *   storvsp_disk.c   images and LUNs, --disk specs, host-side truth
 *   storvsp_ctl.c    the `storage` control command
 *
 * Threads: everything runs on hvhost's event loop except the channel
 * workers, which only do the syscalls of a request (preadv/pwritev into
 * guest pages, fdatasync, fallocate) and hand it back through sv->done and
 * the eventfd. Workers read a LUN's fd and geometry (fixed while a request
 * holds a reference) and its `removed` flag (atomic); the loop owns every
 * counter, reference and list except the two queues under their locks.
 */
#ifndef HVHOST_VSP_STORVSP_H
#define HVHOST_VSP_STORVSP_H

#include <pthread.h>
#include <sys/uio.h>

#include <hvproto/vstor.h>

#include "ctl_cmd.h"
#include "vsp/vsp.h"

struct vmbus_server;

#define STOR_MAX_CONTROLLERS	16
#define STOR_MAX_LUNS		256
#define STOR_IDE_MAX_TARGET	1	/* master, slave */
#define STOR_MAX_SUBCHANNELS	64
#define STOR_MAX_RANGES		64
#define STOR_MAX_INFLIGHT	1024	/* per channel */
#define STOR_MAX_MEDIUM_ERRORS	16
#define STOR_BLOCK		512u
#define STOR_UNMAP_MAX_DESC	256
#define STOR_DEFAULT_MAX_XFER	(2u << 20)

/* vstor status for a refused control request (NTSTATUS UNSUCCESSFUL) */
#define STOR_STATUS_FAIL	0xc0000001u

/* SAM status and sense keys */
#define SAM_GOOD		0x00
#define SAM_CHECK_CONDITION	0x02
#define SENSE_NO_SENSE		0x0
#define SENSE_MEDIUM_ERROR	0x3
#define SENSE_ILLEGAL_REQUEST	0x5
#define SENSE_DATA_PROTECT	0x7
#define SCSI_SENSE_LEN		18

/* What the emulation knows of a disk. */
struct scsi_disk {
	uint64_t blocks;		/* of STOR_BLOCK bytes */
	uint32_t max_xfer;		/* bytes per command */
	bool ro;
	bool unmap;			/* thin provisioning advertised */
	bool ws16;			/* ... by WRITE SAME(16) only */
	bool fua;			/* DPOFUA in MODE SENSE */
	uint64_t naa;			/* NAA-6 identifier */
	char vendor[9], model[17], serial[21];
};

enum scsi_action {
	SCSI_DONE,		/* answered: status, sense, data[] */
	SCSI_READ,		/* lba, nblocks into the data-in buffer */
	SCSI_WRITE,		/* lba, nblocks from the data-out buffer */
	SCSI_FLUSH,
	SCSI_UNMAP,		/* the parameter list names the extents */
	SCSI_WS_UNMAP,		/* WRITE SAME(16) UNMAP: one extent */
};

struct scsi_extent {
	uint64_t lba;
	uint32_t nblocks;
};

#define SCSI_DATA_MAX	2560	/* REPORT LUNS of 256 LUNs, with header */

/* A decoded command; SCSI_DONE ones carry their data-in bytes. */
struct scsi_cmd {
	enum scsi_action action;
	uint8_t status;			/* SAM status */
	uint8_t sense_len;
	uint8_t sense[SCSI_SENSE_LEN];
	bool data_out;			/* the command moves data to the disk */
	bool fua;
	uint64_t lba;
	uint32_t nblocks;
	uint32_t data_len;		/* SCSI_DONE: bytes of data[] to return */
	uint8_t data[SCSI_DATA_MAX];
};

/* storvsp_scsi.c: no I/O, no globals; unit-tested directly. */
void scsi_set_sense(struct scsi_cmd *c, uint8_t key, uint8_t asc,
		    uint8_t ascq);
void scsi_set_medium_error(struct scsi_cmd *c, bool write, uint64_t lba);
/*
 * Decodes @cdb for disk @d: a transfer of @xfer bytes was offered (the
 * request's data_transfer_length). Anything wrong ends in SCSI_DONE with
 * CHECK CONDITION and sense.
 */
void scsi_decode(const struct scsi_disk *d, const uint8_t *cdb,
		 unsigned int cdb_len, uint32_t xfer, struct scsi_cmd *c);
/* REPORT LUNS for the @nr LUN numbers in @luns (ascending). */
void scsi_report_luns(const uint8_t *cdb, unsigned int cdb_len,
		      const uint16_t *luns, unsigned int nr,
		      struct scsi_cmd *c);
/* INQUIRY to a LUN that does not exist: peripheral qualifier 3. */
void scsi_inquiry_no_lun(const uint8_t *cdb, unsigned int cdb_len,
			 struct scsi_cmd *c);
/*
 * The extents of an UNMAP parameter list (@p, @len bytes): their number,
 * or -1 with sense set in @c.
 */
int scsi_unmap_extents(const struct scsi_disk *d, const uint8_t *p,
		       uint32_t len, struct scsi_extent *e, unsigned int max,
		       struct scsi_cmd *c);

struct stor_lun {
	struct scsi_disk d;
	char *path;
	int fd;
	uint64_t size;			/* bytes of the image */
	unsigned int controller, lun;
	unsigned int refs;		/* the table's, and one per request */
	bool removed;			/* atomic: workers look at it */
	uint64_t reads, writes, read_bytes, write_bytes, flushes, unmaps;
	uint64_t write_sames;		/* WRITE SAME(16) UNMAPs */
	uint64_t fua_writes;		/* WRITEs with FUA */
	uint64_t errors, inflight;
};

struct storvsp;
struct stor_ctrl;
struct stor_chan;

/* One EXECUTE_SRB in flight. */
struct stor_req {
	struct stor_req *next;
	struct stor_chan *sc;
	struct stor_lun *lun;		/* referenced, or NULL */
	uint64_t trans_id;
	struct hvp_vstor_packet pkt;	/* the request; becomes the answer */
	struct scsi_cmd cmd;
	uint32_t xfer;			/* data_transfer_length asked */
	uint32_t moved;			/* bytes moved */
	int err;			/* worker: 0 or -errno of the I/O */
	/* Worker: CLOCK_MONOTONIC ns it took the request and gave it back. */
	uint64_t t_start, t_end;
	unsigned int nr_iov;
	struct iovec *iov;		/* the guest's pages, in order */
	unsigned int nr_ext;
	struct scsi_extent *ext;	/* UNMAP extents */
	/* What goes back: an injected bad answer and/or the real one. */
	bool send_bad, send_good;
	uint32_t bad_len;
	struct hvp_vstor_packet bad;
};

/* An open channel of a controller (its vsp priv). */
struct stor_chan {
	struct stor_ctrl *c;
	struct vsp_channel *ch;
	uint16_t index;			/* slot: 0 primary, 1.. sub-channels */
	unsigned int inflight;		/* requests not yet answered */
	struct stor_req *txq, *txq_tail;	/* answers waiting for room */
	/* The worker and its queue; lock protects queue and stop. */
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct stor_req *queue, *queue_tail;
	bool stop;
};

enum stor_state {
	STOR_NEW,		/* channel opened, BEGIN_INITIALIZATION awaited */
	STOR_BEGUN,		/* QUERY_PROTOCOL_VERSION awaited */
	STOR_VERSIONED,		/* QUERY_PROPERTIES awaited */
	STOR_PROPERTIES,	/* END_INITIALIZATION awaited */
	STOR_READY,		/* I/O and CREATE_SUB_CHANNELS */
};

enum stor_inject {
	INJ_NONE,
	INJ_SHORT,
	INJ_BAD_OPERATION,
	INJ_HUGE_LENGTH,
	INJ_SENSE_LENGTH,
	INJ_BAD_STATUS,
};

struct stor_ctrl {
	struct storvsp *sv;
	struct stor_ctrl *next_old;	/* removed ones, same number */
	unsigned int id;
	/*
	 * The IDE-accelerator class: one target, named in the instance GUID
	 * (bytes 4-5, as Hyper-V), LUN 0 only; its SRBs must address it.
	 */
	bool ide;
	uint8_t ide_target;
	struct vsp_channel *primary;	/* NULL once rescinded */
	struct vsp_channel *subs[STOR_MAX_SUBCHANNELS + 1];	/* by slot */
	struct stor_chan *chans[STOR_MAX_SUBCHANNELS + 1];	/* open ones */
	struct stor_lun *luns[STOR_MAX_LUNS];
	enum stor_state state;
	uint16_t version;		/* agreed, 0 if none */
	bool subs_requested;
	bool removed;
	enum stor_inject inject;	/* armed for the next EXECUTE_SRB */
	bool inject_follow;
	uint64_t requests, errors, dropped;
	uint64_t chan_requests[STOR_MAX_SUBCHANNELS + 1];
};

struct stor_medium_error {
	unsigned int controller, lun;
	uint64_t lba, count;
};

struct storvsp {
	struct vmbus_server *srv;
	struct stor_ctrl *ctrls[STOR_MAX_CONTROLLERS];
	uint16_t max_version;
	uint16_t max_channels;
	uint32_t max_xfer;
	/* Faults: the loop's, except delay_ms (atomic, workers read it). */
	unsigned int delay_ms;
	uint64_t drop_next;
	uint64_t oom_next;		/* SRBs to answer SRB status 0x30 */
	uint64_t oom_sent;		/* answered so */
	struct stor_medium_error medium[STOR_MAX_MEDIUM_ERRORS];
	unsigned int nr_medium;
	/* Finished requests from the workers, under done_lock. */
	int efd;
	pthread_mutex_t done_lock;
	struct stor_req *done, *done_tail;
};

struct stor_disk_spec {
	const char *path;
	uint64_t size;			/* 0: keep the file's */
	int controller;
	int lun;			/* -1: lowest free */
	bool ro, nounmap, nofua;
	bool discard_ws16;		/* discard=ws16 */
	bool ide;			/* on an IDE-class controller */
	uint8_t ide_target;		/* ide=T: its target (0..1) */
	char serial[21], vendor[9], model[17];
};

/* storvsp.c */
int storvsp_add_controller(struct storvsp *sv, unsigned int id);
/* An IDE-class controller whose one target is @target. */
int storvsp_add_ide_controller(struct storvsp *sv, unsigned int id,
			       uint8_t target);
/* Sends ENUMERATE_BUS / REMOVE_DEVICE; false if the primary is not open. */
bool stor_notify(struct stor_ctrl *c, uint32_t op, unsigned int lun);
void stor_complete(struct stor_req *r);
void stor_flush_txq(struct stor_chan *sc);
/* Sends a malformed packet (a `sent` inject case); false if unknown. */
const char *stor_inject_now(struct stor_ctrl *c, const char *name);
bool stor_inject_parse(const char *name, enum stor_inject *inj);

/* storvsp_io.c */
int stor_worker_start(struct stor_chan *sc);
/* Stops and joins the worker; returns the requests it never started. */
struct stor_req *stor_worker_stop(struct stor_chan *sc);
void stor_submit(struct stor_req *r);
void stor_req_free(struct stor_req *r);

/* storvsp_disk.c */
/* Parses "path=FILE,size=64M,..." (@ctl_form: no controller=/lun=). */
const char *stor_parse_spec(char *s, struct stor_disk_spec *spec,
			    bool ctl_form);
const char *stor_lun_open(const struct stor_disk_spec *spec,
			  uint32_t max_xfer, struct stor_lun **out);
void stor_lun_get(struct stor_lun *l);
void stor_lun_put(struct stor_lun *l);
int stor_lun_checksum(struct stor_lun *l, uint64_t off, uint64_t len,
		      char hex[65]);
int stor_lun_allocated(struct stor_lun *l, uint64_t *bytes);
int stor_lun_fsck(struct stor_lun *l, struct strbuf *out, int *status);
bool stor_parse_size(const char *s, uint64_t *val);

/* storvsp_sha256.c */
struct stor_sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	unsigned int fill;
};
void stor_sha256_init(struct stor_sha256 *s);
void stor_sha256_update(struct stor_sha256 *s, const void *p, size_t n);
void stor_sha256_final(struct stor_sha256 *s, uint8_t out[32]);

/* The public face: run.c and the tests. */
struct storvsp *storvsp_create(struct vmbus_server *srv);
void storvsp_destroy(struct storvsp *sv);
/* Adds a LUN (creating its controller if needed). */
const char *storvsp_add_disk(struct storvsp *sv,
			     const struct stor_disk_spec *spec,
			     unsigned int *lun);
/* The eventfd the loop watches; storvsp_process() when readable. */
int storvsp_fd(const struct storvsp *sv);
void storvsp_process(struct storvsp *sv);
int storvsp_ctl_register(struct storvsp *sv, struct ctl_cmds *cmds);
extern const struct vsp_ops storvsp_ops;
extern const struct vsp_ops storvsp_ide_ops;

#endif /* HVHOST_VSP_STORVSP_H */
