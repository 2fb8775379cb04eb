// SPDX-License-Identifier: GPL-2.0
/*
 * Control commands of the VMBus server: `vmbus [SUBCOMMAND ...]`, and
 * `NAME SUBCOMMAND RELID ...` for each VSP with a ctl hook (`echo burst`).
 * Formats are in README.md; tests parse them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmbus/inject.h"
#include "vmbus/server.h"

static bool parse_relid(const char *s, uint32_t *relid)
{
	unsigned long v;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || !v || v >= HVP_VMBUS_MAX_RELIDS)
		return false;
	*relid = (uint32_t)v;
	return true;
}

static void print_state(struct vmbus_server *srv, struct strbuf *out)
{
	unsigned int nch = 0, nopen = 0, ng = 0;
	struct vsp_channel *ch;
	struct gpadl *g;
	char v[16] = "none", max[16];

	for (ch = srv->channels; ch; ch = ch->next) {
		nch++;
		nopen += ch->state == CHAN_OPEN;
	}
	for (g = srv->gpadls; g; g = g->next)
		ng++;
	if (srv->state == VMBUS_CONNECTED)
		vmbus_version_str(srv->version, v, sizeof(v));
	vmbus_version_str(srv->max_version, max, sizeof(max));
	sb_printf(out, "state=%s version=%s max_version=%s target_vp=%u "
		  "sint=%u offers_requested=%u channels=%u open=%u gpadls=%u "
		  "backlog=%u interrupt_page=0x%llx monitor_page1=0x%llx "
		  "monitor_page2=0x%llx\n",
		  srv->state == VMBUS_CONNECTED ? "connected" : "disconnected",
		  v, max, srv->target_vp, srv->msg_sint,
		  srv->offers_requested, nch, nopen, ng, srv->backlog,
		  (unsigned long long)srv->interrupt_page,
		  (unsigned long long)srv->monitor_page1,
		  (unsigned long long)srv->monitor_page2);
}

static void print_channel(struct vmbus_server *srv, struct vsp_channel *ch,
			  struct strbuf *out)
{
	struct hvp_guid inst;
	char cls[40], ins[40];
	const char *state = ch->rescinded ? "rescinded" :
			    ch->state == CHAN_OPEN ? "open" : "offered";
	char mid[8] = "none";

	/* As offered: none when the guest gave no monitor pages. */
	if (ch->mon_offered)
		snprintf(mid, sizeof(mid), "%d", ch->monitor_id);

	guid_str(&ch->vsp->class_id, cls, sizeof(cls));
	chan_instance(ch, &inst);
	guid_str(&inst, ins, sizeof(ins));
	sb_printf(out, "relid=%u class=%s instance=%s state=%s sub=%u "
		  "gpadls=%u rx_packets=%llu tx_packets=%llu vsp=%s "
		  "offered=%u vp=%u conn_id=0x%x rx_bytes=%llu tx_bytes=%llu "
		  "signals_in=%llu signals_out=%llu bad_packets=%llu "
		  "opens=%llu monitor_id=%s monitor_triggers=%llu\n",
		  ch->relid, cls, ins, state, ch->sub_index,
		  gpadl_count(srv, ch->relid),
		  (unsigned long long)ch->rx_packets,
		  (unsigned long long)ch->tx_packets, ch->vsp->name,
		  ch->offered, ch->target_vp, ch->conn_id,
		  (unsigned long long)ch->rx_bytes,
		  (unsigned long long)ch->tx_bytes,
		  (unsigned long long)ch->signals_in,
		  (unsigned long long)ch->signals_out,
		  (unsigned long long)ch->bad_packets,
		  (unsigned long long)ch->opens, mid,
		  (unsigned long long)ch->monitor_triggers);
}

static void print_gpadls(struct vmbus_server *srv, struct strbuf *out)
{
	struct gpadl *g;
	uint64_t bytes;
	uint32_t i;

	for (g = srv->gpadls; g; g = g->next) {
		for (bytes = 0, i = 0; i < g->nr_ranges; i++)
			bytes += g->ranges[i].byte_count;
		sb_printf(out, "handle=0x%x relid=%u state=%s ranges=%u "
			  "pages=%u bytes=%llu refs=%u\n", g->handle, g->relid,
			  gpadl_state_name(g->state), g->nr_ranges, g->nr_pfns,
			  (unsigned long long)bytes, g->refs);
	}
}

static const char *add(struct vmbus_server *srv, int argc, char **argv,
		       struct strbuf *out)
{
	struct vmbus_dev_opts o = { .monitor_id = VMBUS_MONITOR_NONE };
	uint32_t relid;
	int err;

	if (argc != 3 && argc != 4)
		return "usage: vmbus add NAME [monitored|monitor-id=N]";
	o.vsp = vsp_find(argv[2]);
	if (!o.vsp)
		return "no such device type";
	if (argc == 4 && !vmbus_parse_device_opt(argv[3], &o.monitor_id))
		return "usage: vmbus add NAME [monitored|monitor-id=0..255]";
	err = vmbus_add_device_opts(srv, &o, &relid);
	if (err == -EBUSY)
		return "monitor id in use";
	if (err)
		return err == -ENOSPC ? "no free relid or monitor id" :
		       "out of memory";
	sb_printf(out, "relid=%u\n", relid);
	return NULL;
}

static const char *add_sub(struct vmbus_server *srv, int argc, char **argv,
			   struct strbuf *out)
{
	struct vsp_channel *primary, *ch;
	uint32_t relid;
	int err;

	if (argc != 3 || !parse_relid(argv[2], &relid))
		return "usage: vmbus add-subchannel RELID";
	primary = chan_find(srv, relid);
	if (!primary || primary->rescinded)
		return "no such channel";
	if (primary->primary)
		return "not a primary channel";
	err = chan_create(srv, primary->vsp, primary, &ch);
	if (err)
		return err == -ENOSPC ? "no free relid" : "out of memory";
	if (srv->state == VMBUS_CONNECTED && srv->offers_requested)
		chan_offer(ch);
	sb_printf(out, "relid=%u sub=%u\n", ch->relid, ch->sub_index);
	return NULL;
}

static const char *rescind(struct vmbus_server *srv, int argc, char **argv,
			   struct strbuf *out)
{
	struct vsp_channel *ch;
	uint32_t relid;

	if (argc != 3 || !parse_relid(argv[2], &relid))
		return "usage: vmbus rescind RELID";
	ch = chan_find(srv, relid);
	if (!ch)
		return "no such channel";
	if (ch->rescinded)
		return "already rescinded";
	chan_rescind(ch);
	sb_printf(out, "relid=%u rescinded\n", relid);
	return NULL;
}

static const char *max_version(struct vmbus_server *srv, int argc,
			       char **argv, struct strbuf *out)
{
	uint32_t v;

	if (argc != 3)
		return "usage: vmbus max-version X.Y";
	if (!vmbus_parse_version(argv[2], &v))
		return "unknown version (2.4 3.0 4.0 4.1 5.0 5.1 5.2 5.3)";
	srv->max_version = v;
	sb_printf(out, "max_version=%s\n", argv[2]);
	return NULL;
}

/* vmbus mute [TYPE [N] | clear]: the host swallows guest messages */
static const char *mute(struct vmbus_server *srv, int argc, char **argv,
			struct strbuf *out)
{
	const char *usage = "usage: vmbus mute [TYPE [N]|clear] "
			    "(TYPE: a guest message name or number)";
	unsigned long cnt = 1;
	uint32_t type;
	char *end;

	if (argc == 3 && !strcmp(argv[2], "clear")) {
		memset(srv->mute, 0, sizeof(srv->mute));
		sb_printf(out, "mute cleared\n");
		return NULL;
	}
	if (argc == 2) {
		for (type = 0; type < HVP_VMBUS_MSG_COUNT; type++)
			if (srv->mute[type])
				sb_printf(out, "type=%u name=%s left=%u\n", type,
					  vmbus_msg_name(type),
					  srv->mute[type]);
		return NULL;
	}
	if (argc != 3 && argc != 4)
		return usage;
	if (!vmbus_parse_guest_msg(argv[2], &type))
		return usage;
	if (argc == 4) {
		errno = 0;
		cnt = strtoul(argv[3], &end, 10);
		if (errno || *end || argv[3][0] < '0' || argv[3][0] > '9' ||
		    !cnt || cnt > UINT32_MAX)
			return usage;
	}
	srv->mute[type] = (uint32_t)cnt;
	sb_printf(out, "type=%u name=%s left=%u\n", type,
		  vmbus_msg_name(type), srv->mute[type]);
	return NULL;
}

static const char *cmd_vmbus(void *opaque, int argc, char **argv,
			     struct strbuf *out)
{
	struct vmbus_server *srv = opaque;
	struct vsp_channel *ch;
	const char *sub = argc > 1 ? argv[1] : "";

	vmbus_server_poll(srv);
	if (argc == 1) {
		print_state(srv, out);
	} else if (!strcmp(sub, "channels") && argc == 2) {
		for (ch = srv->channels; ch; ch = ch->next)
			print_channel(srv, ch, out);
	} else if (!strcmp(sub, "gpadls") && argc == 2) {
		print_gpadls(srv, out);
	} else if (!strcmp(sub, "stats") && argc == 2) {
#define PRINT_STAT(name) \
	sb_printf(out, #name "=%llu\n", (unsigned long long)srv->stats.name);
		VMBUS_STATS(PRINT_STAT)
#undef PRINT_STAT
	} else if (!strcmp(sub, "add")) {
		return add(srv, argc, argv, out);
	} else if (!strcmp(sub, "add-subchannel")) {
		return add_sub(srv, argc, argv, out);
	} else if (!strcmp(sub, "rescind")) {
		return rescind(srv, argc, argv, out);
	} else if (!strcmp(sub, "max-version")) {
		return max_version(srv, argc, argv, out);
	} else if (!strcmp(sub, "mute")) {
		return mute(srv, argc, argv, out);
	} else if (!strcmp(sub, "inject")) {
		return vmbus_inject_ctl(srv, argc - 2, argv + 2, out);
	} else {
		return "usage: vmbus [channels|gpadls|stats|add NAME [OPT]|"
		       "add-subchannel RELID|rescind RELID|max-version X.Y|"
		       "mute [TYPE [N]|clear]|inject list|inject [-n COUNT] CASE [ARGS...]]";
	}
	return NULL;
}

static const char *cmd_vsp(void *opaque, int argc, char **argv,
			   struct strbuf *out)
{
	struct vmbus_vsp_ctl *vc = opaque;
	struct vsp_channel *ch;
	uint32_t relid;

	if (argc < 3 || !parse_relid(argv[2], &relid))
		return "usage: NAME SUBCOMMAND RELID [ARGS...] (see help)";
	ch = chan_find(vc->srv, relid);
	if (!ch || ch->vsp != vc->vsp)
		return "no such channel of this device type";
	return vc->vsp->ctl(ch, argc, argv, out);
}

int vmbus_ctl_register(struct vmbus_server *srv, struct ctl_cmds *cmds)
{
	const struct ctl_command cmd = {
		"vmbus", "[channels|gpadls|stats|add NAME [monitored|"
		"monitor-id=N]|add-subchannel RELID|"
		"rescind RELID|max-version X.Y|mute [TYPE [N]|clear]|"
		"inject list|inject [-n COUNT] CASE [ARGS...]]",
		"VMBus server state, channels, GPADLs, hot-add, rescind, "
		"unanswered messages, fault injection",
		cmd_vmbus, srv,
	};
	const struct vsp_ops *vsp;
	unsigned int i, n = 0;
	int err;

	err = ctl_register(cmds, &cmd);
	for (i = 0; !err && (vsp = vsp_at(i)); i++) {
		if (!vsp->ctl)
			continue;
		if (n == VMBUS_MAX_VSP_CTLS)
			return -ENOSPC;
		srv->vsp_ctls[n] = (struct vmbus_vsp_ctl){ srv, vsp };
		err = ctl_register(cmds, &(struct ctl_command){
			vsp->name, vsp->ctl_help, "a device's test commands",
			cmd_vsp, &srv->vsp_ctls[n] });
		n++;
	}
	return err;
}
