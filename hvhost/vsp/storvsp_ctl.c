// SPDX-License-Identifier: GPL-2.0
/*
 * The `storage` control command: controllers and LUNs with their counters,
 * hot-add and hot-remove, fault injection, malformed answers, and the
 * host-side truth guest tests check (checksums, allocation, e2fsck).
 * Formats are in README.md; tests parse them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmbus/vmbus.h"
#include "vsp/storvsp.h"

#define MAX_DELAY_MS	60000

static bool parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end && *v <= max;
}

static struct stor_ctrl *find_ctrl(struct storvsp *sv, const char *s)
{
	uint64_t id;

	if (!parse_u64(s, STOR_MAX_CONTROLLERS - 1, &id))
		return NULL;
	return sv->ctrls[id] && !sv->ctrls[id]->removed ? sv->ctrls[id] : NULL;
}

static struct stor_lun *find_lun(struct storvsp *sv, const char *cs,
				 const char *ls)
{
	struct stor_ctrl *c = find_ctrl(sv, cs);
	uint64_t lun;

	if (!c || !parse_u64(ls, STOR_MAX_LUNS - 1, &lun))
		return NULL;
	return c->luns[lun];
}

static void print_ctrl(struct stor_ctrl *c, struct strbuf *out)
{
	unsigned int i, nch = 1, nopen = 0, nluns = 0, last = 0, inflight = 0;
	char v[8] = "none";

	for (i = 0; i <= STOR_MAX_SUBCHANNELS; i++) {
		nch += i && c->subs[i];
		if (c->chans[i]) {
			nopen++;
			inflight += c->chans[i]->inflight;
		}
		if (c->chan_requests[i] || c->subs[i])
			last = i;
	}
	for (i = 0; i < STOR_MAX_LUNS; i++)
		nluns += !!c->luns[i];
	if (c->version)
		snprintf(v, sizeof(v), "%u.%u", c->version >> 8,
			 c->version & 0xff);
	sb_printf(out, "controller=%u relid=%u state=%s version=%s "
		  "channels=%u open=%u initialized=%u luns=%u requests=%llu "
		  "inflight=%u errors=%llu dropped=%llu chan_requests=",
		  c->id, c->primary ? vsp_relid(c->primary) : 0,
		  c->removed ? "removed" : c->chans[0] ? "open" : "offered",
		  v, nch, nopen, c->state == STOR_READY, nluns,
		  (unsigned long long)c->requests, inflight,
		  (unsigned long long)c->errors,
		  (unsigned long long)c->dropped);
	for (i = 0; i <= last; i++)
		sb_printf(out, "%s%llu", i ? "," : "",
			  (unsigned long long)c->chan_requests[i]);
	if (c->ide)
		sb_printf(out, " class=ide target=%u\n", c->ide_target);
	else
		sb_printf(out, " class=scsi\n");
}

static void print_lun(struct stor_lun *l, struct strbuf *out)
{
	sb_printf(out, "controller=%u lun=%u path=%s size=%llu ro=%u unmap=%u "
		  "serial=%s vendor=%s model=%s reads=%llu writes=%llu "
		  "read_bytes=%llu write_bytes=%llu flushes=%llu unmaps=%llu "
		  "write_sames=%llu discard=%s errors=%llu inflight=%llu "
		  "fua=%u fua_writes=%llu\n",
		  l->controller, l->lun, l->path,
		  (unsigned long long)l->size, l->d.ro, l->d.unmap,
		  l->d.serial, l->d.vendor, l->d.model,
		  (unsigned long long)l->reads, (unsigned long long)l->writes,
		  (unsigned long long)l->read_bytes,
		  (unsigned long long)l->write_bytes,
		  (unsigned long long)l->flushes,
		  (unsigned long long)l->unmaps,
		  (unsigned long long)l->write_sames,
		  !l->d.unmap ? "none" : l->d.ws16 ? "ws16" : "unmap",
		  (unsigned long long)l->errors,
		  (unsigned long long)l->inflight, l->d.fua,
		  (unsigned long long)l->fua_writes);
}

static void list(struct storvsp *sv, struct strbuf *out)
{
	unsigned int i, j;
	struct stor_ctrl *c;

	for (i = 0; i < STOR_MAX_CONTROLLERS; i++) {
		c = sv->ctrls[i];
		if (!c)
			continue;
		print_ctrl(c, out);
		for (j = 0; j < STOR_MAX_LUNS; j++)
			if (c->luns[j])
				print_lun(c->luns[j], out);
	}
}

static const char *add_controller(struct storvsp *sv, int argc, char **argv,
				  struct strbuf *out)
{
	uint64_t id;
	int err;

	if (argc != 3 || !parse_u64(argv[2], STOR_MAX_CONTROLLERS - 1, &id))
		return "usage: storage add-controller C (0..15)";
	err = storvsp_add_controller(sv, (unsigned int)id);
	if (err == -EEXIST)
		return "controller exists";
	if (err)
		return "cannot add the controller";
	sb_printf(out, "controller=%u relid=%u\n", (unsigned int)id,
		  vsp_relid(sv->ctrls[id]->primary));
	return NULL;
}

static const char *add(struct storvsp *sv, int argc, char **argv,
		       struct strbuf *out)
{
	struct stor_disk_spec spec;
	struct stor_ctrl *c;
	uint64_t lun;
	unsigned int got;
	const char *err;

	if (argc != 5)
		return "usage: storage add C L path=FILE[,size=SIZE][,ro]...";
	c = find_ctrl(sv, argv[2]);
	if (!c)
		return "no such controller";
	if (!parse_u64(argv[3], STOR_MAX_LUNS - 1, &lun))
		return "bad lun (0..255)";
	err = stor_parse_spec(argv[4], &spec, true);
	if (err)
		return err;
	spec.controller = (int)c->id;
	spec.lun = (int)lun;
	spec.ide = c->ide;		/* the controller's class */
	spec.ide_target = c->ide_target;
	err = storvsp_add_disk(sv, &spec, &got);
	if (err)
		return err;
	sb_printf(out, "controller=%u lun=%u size=%llu enumerate=%s\n", c->id,
		  got, (unsigned long long)c->luns[got]->size,
		  stor_notify(c, HVP_VSTOR_OP_ENUMERATE_BUS, got) ?
		  "sent" : "not-open");
	return NULL;
}

static const char *remove_lun(struct storvsp *sv, int argc, char **argv,
			      struct strbuf *out)
{
	struct stor_ctrl *c;
	struct stor_lun *l;
	uint64_t inflight;

	if (argc != 4)
		return "usage: storage remove C L";
	c = find_ctrl(sv, argv[2]);
	l = find_lun(sv, argv[2], argv[3]);
	if (!l)
		return "no such lun";
	inflight = l->inflight;
	__atomic_store_n(&l->removed, true, __ATOMIC_RELEASE);
	c->luns[l->lun] = NULL;
	sb_printf(out, "controller=%u lun=%u removed inflight=%llu "
		  "remove_device=%s\n", c->id, l->lun,
		  (unsigned long long)inflight,
		  stor_notify(c, HVP_VSTOR_OP_REMOVE_DEVICE, l->lun) ?
		  "sent" : "not-open");
	stor_lun_put(l);
	return NULL;
}

static void print_faults(struct storvsp *sv, struct strbuf *out)
{
	unsigned int i;

	sb_printf(out, "delay_ms=%u drop_next=%llu oom_next=%llu oom_sent=%llu "
		  "medium_errors=",
		  __atomic_load_n(&sv->delay_ms, __ATOMIC_RELAXED),
		  (unsigned long long)sv->drop_next,
		  (unsigned long long)sv->oom_next,
		  (unsigned long long)sv->oom_sent);
	for (i = 0; i < sv->nr_medium; i++)
		sb_printf(out, "%s%u:%u:%llu+%llu", i ? "," : "",
			  sv->medium[i].controller, sv->medium[i].lun,
			  (unsigned long long)sv->medium[i].lba,
			  (unsigned long long)sv->medium[i].count);
	sb_printf(out, "%s\n", sv->nr_medium ? "" : "-");
}

static const char *medium(struct storvsp *sv, int argc, char **argv)
{
	struct stor_medium_error *m;
	struct stor_lun *l;
	uint64_t lba, count;

	if (argc != 7)
		return "usage: storage fault medium-error C L LBA COUNT";
	l = find_lun(sv, argv[3], argv[4]);
	if (!l)
		return "no such lun";
	if (!parse_u64(argv[5], UINT64_MAX, &lba) ||
	    !parse_u64(argv[6], UINT64_MAX - lba, &count) || !count)
		return "bad LBA or COUNT";
	if (sv->nr_medium == STOR_MAX_MEDIUM_ERRORS)
		return "too many medium errors (16)";
	m = &sv->medium[sv->nr_medium++];
	*m = (struct stor_medium_error){ l->controller, l->lun, lba, count };
	return NULL;
}

static const char *fault(struct storvsp *sv, int argc, char **argv,
			 struct strbuf *out)
{
	const char *sub = argc > 2 ? argv[2] : "";
	const char *err = NULL;
	uint64_t v;

	if (argc == 2) {
		;
	} else if (!strcmp(sub, "delay") && argc == 4) {
		if (!parse_u64(argv[3], MAX_DELAY_MS, &v))
			return "bad MS (0..60000)";
		__atomic_store_n(&sv->delay_ms, (unsigned int)v,
				 __ATOMIC_RELAXED);
	} else if (!strcmp(sub, "medium-error")) {
		err = medium(sv, argc, argv);
	} else if (!strcmp(sub, "drop-next") && argc == 4) {
		if (!parse_u64(argv[3], UINT32_MAX, &v))
			return "bad N";
		sv->drop_next = v;
	} else if (!strcmp(sub, "oom-next") && argc == 4) {
		if (!parse_u64(argv[3], UINT32_MAX, &v))
			return "bad N";
		sv->oom_next = v;
	} else if (!strcmp(sub, "clear") && argc == 3) {
		__atomic_store_n(&sv->delay_ms, 0, __ATOMIC_RELAXED);
		sv->drop_next = 0;
		sv->oom_next = 0;
		sv->nr_medium = 0;
	} else {
		return "usage: storage fault [delay MS|medium-error C L LBA "
		       "COUNT|drop-next N|oom-next N|clear]";
	}
	if (!err)
		print_faults(sv, out);
	return err;
}

static const char *inject(struct storvsp *sv, int argc, char **argv,
			  struct strbuf *out)
{
	struct stor_ctrl *c;
	enum stor_inject inj;
	const char *err;

	if ((argc != 4 && argc != 5) ||
	    (argc == 5 && strcmp(argv[4], "follow")))
		return "usage: storage inject C CASE [follow]";
	c = find_ctrl(sv, argv[2]);
	if (!c)
		return "no such controller";
	if (stor_inject_parse(argv[3], &inj)) {
		c->inject = inj;
		c->inject_follow = argc == 5;
		sb_printf(out, "controller=%u inject=%s armed\n", c->id,
			  argv[3]);
		return NULL;
	}
	err = stor_inject_now(c, argv[3]);
	if (err)
		return err;
	sb_printf(out, "controller=%u inject=%s sent\n", c->id, argv[3]);
	return NULL;
}

static const char *truth(struct storvsp *sv, int argc, char **argv,
			 struct strbuf *out)
{
	struct stor_lun *l = argc > 3 ? find_lun(sv, argv[2], argv[3]) : NULL;
	uint64_t off, len, bytes;
	char hex[65];
	int status;

	if (!l)
		return "no such lun";
	if (!strcmp(argv[1], "checksum")) {
		if (argc != 6 || !parse_u64(argv[4], UINT64_MAX, &off) ||
		    !parse_u64(argv[5], UINT64_MAX, &len))
			return "usage: storage checksum C L OFFSET LENGTH";
		if (stor_lun_checksum(l, off, len, hex))
			return "range outside the image, or read error";
		sb_printf(out, "sha256=%s offset=%llu length=%llu\n", hex,
			  (unsigned long long)off, (unsigned long long)len);
	} else if (!strcmp(argv[1], "allocated") && argc == 4) {
		if (stor_lun_allocated(l, &bytes))
			return "cannot stat the image";
		sb_printf(out, "allocated=%llu size=%llu\n",
			  (unsigned long long)bytes,
			  (unsigned long long)l->size);
	} else if (!strcmp(argv[1], "fsck") && argc == 4) {
		if (stor_lun_fsck(l, out, &status))
			return "cannot run e2fsck";
		if (out->len && out->buf[out->len - 1] != '\n')
			sb_printf(out, "\n");
		sb_printf(out, "fsck_status=%d\n", status);
	} else {
		return "usage: storage checksum|allocated|fsck C L ...";
	}
	return NULL;
}

static const char *config(struct storvsp *sv, int argc, char **argv,
			  struct strbuf *out)
{
	uint64_t n;

	if (argc != 3)
		return "usage: storage max-version X.Y | max-channels N";
	if (!strcmp(argv[1], "max-channels")) {
		if (!parse_u64(argv[2], STOR_MAX_SUBCHANNELS, &n))
			return "bad N (0..64)";
		sv->max_channels = (uint16_t)n;
		sb_printf(out, "max_channels=%u\n", sv->max_channels);
		return NULL;
	}
	if (!strcmp(argv[2], "6.2"))
		sv->max_version = HVP_VSTOR_VERSION_WIN10;
	else if (!strcmp(argv[2], "6.0"))
		sv->max_version = HVP_VSTOR_VERSION_WIN8_1;
	else if (!strcmp(argv[2], "5.1"))
		sv->max_version = HVP_VSTOR_VERSION_WIN8;
	else
		return "bad version (5.1 6.0 6.2)";
	sb_printf(out, "max_version=%s\n", argv[2]);
	return NULL;
}

static const char *cmd_storage(void *opaque, int argc, char **argv,
			       struct strbuf *out)
{
	struct storvsp *sv = opaque;
	const char *sub = argc > 1 ? argv[1] : "list";

	storvsp_process(sv);
	if (!strcmp(sub, "list") && argc <= 2)
		list(sv, out);
	else if (!strcmp(sub, "add-controller"))
		return add_controller(sv, argc, argv, out);
	else if (!strcmp(sub, "add"))
		return add(sv, argc, argv, out);
	else if (!strcmp(sub, "remove"))
		return remove_lun(sv, argc, argv, out);
	else if (!strcmp(sub, "fault"))
		return fault(sv, argc, argv, out);
	else if (!strcmp(sub, "inject"))
		return inject(sv, argc, argv, out);
	else if (!strcmp(sub, "checksum") || !strcmp(sub, "allocated") ||
		 !strcmp(sub, "fsck"))
		return truth(sv, argc, argv, out);
	else if (!strcmp(sub, "max-version") || !strcmp(sub, "max-channels"))
		return config(sv, argc, argv, out);
	else
		return "usage: storage [list|add-controller|add|remove|fault|"
		       "inject|checksum|allocated|fsck|max-version|"
		       "max-channels] ... (see help)";
	return NULL;
}

int storvsp_ctl_register(struct storvsp *sv, struct ctl_cmds *cmds)
{
	const struct ctl_command cmd = {
		"storage", "[list|add-controller C|add C L SPEC|remove C L|"
		"fault ...|inject C CASE [follow]|checksum C L OFF LEN|"
		"allocated C L|fsck C L|max-version X.Y|max-channels N]",
		"SCSI controllers and disks, hot-plug, faults, image truth",
		cmd_storage, sv,
	};

	return ctl_register(cmds, &cmd);
}
