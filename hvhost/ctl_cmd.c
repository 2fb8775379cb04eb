// SPDX-License-Identifier: GPL-2.0
/* The control commands every hvhost has (see ctl_cmd.h, README.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_cmd.h"

int ctl_register(struct ctl_cmds *cmds, const struct ctl_command *cmd)
{
	unsigned int i;

	for (i = 0; i < cmds->nr; i++)
		if (!strcmp(cmds->v[i].name, cmd->name))
			return -EEXIST;
	if (cmds->nr == CTL_MAX_CMDS)
		return -ENOSPC;
	cmds->v[cmds->nr++] = *cmd;
	return 0;
}

/* Parses a decimal or 0x-prefixed number no larger than @max. */
static bool parse_uint(const char *s, unsigned long max, unsigned long *val)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*val = strtoul(s, &end, 0);
	return !errno && !*end && *val <= max;
}

static const char *cmd_ping(void *opaque, int argc, char **argv,
			    struct strbuf *out)
{
	(void)opaque, (void)argc, (void)argv;
	sb_printf(out, "pong\n");
	return NULL;
}

static const char *cmd_help(void *opaque, int argc, char **argv,
			    struct strbuf *out)
{
	struct ctl_cmds *cmds = opaque;
	unsigned int i;

	(void)argc, (void)argv;
	for (i = 0; i < cmds->nr; i++)
		sb_printf(out, "%s%s%s - %s\n", cmds->v[i].name,
			  cmds->v[i].args ? " " : "",
			  cmds->v[i].args ? cmds->v[i].args : "",
			  cmds->v[i].help);
	return NULL;
}

static void print_vp(struct strbuf *out, const struct hv *hv, unsigned int i,
		     const struct synic_vp *v)
{
	unsigned int s;

	sb_printf(out, "vp=%u guest_os_id=0x%llx hypercall=0x%llx "
		  "scontrol=0x%llx simp=0x%llx siefp=0x%llx", i,
		  (unsigned long long)hv->guest_os_id,
		  (unsigned long long)hv->hypercall,
		  (unsigned long long)v->scontrol,
		  (unsigned long long)v->simp,
		  (unsigned long long)v->siefp);
	for (s = 0; s < HVP_SINT_COUNT; s++)
		sb_printf(out, " sint%u=0x%llx", s,
			  (unsigned long long)v->sint[s].msr);
	sb_printf(out, " queued=%u\n", synic_vp_queued(v));
}

static const char *cmd_synic(void *opaque, int argc, char **argv,
			     struct strbuf *out)
{
	struct hv *hv = opaque;
	unsigned int i;

	(void)argc, (void)argv;
	for (i = 0; i < hv->nr_vps; i++)
		print_vp(out, hv, i, &hv->synic.vps[i]);
	return NULL;
}

static const char *cmd_stats(void *opaque, int argc, char **argv,
			     struct strbuf *out)
{
	struct hv *hv = opaque;

	(void)argc, (void)argv;
#define PRINT_STAT(name) \
	sb_printf(out, #name "=%llu\n", (unsigned long long)hv->stats.name);
	HV_STATS(PRINT_STAT)
#undef PRINT_STAT
	return NULL;
}

static const char *cmd_sint(void *opaque, int argc, char **argv,
			    struct strbuf *out)
{
	struct hv *hv = opaque;
	const struct synic_sint *si;
	unsigned long vp, sint;

	if (argc != 3)
		return "usage: sint VP SINT";
	if (!parse_uint(argv[1], hv->nr_vps - 1, &vp))
		return "no such vp";
	if (!parse_uint(argv[2], HVP_SINT_COUNT - 1, &sint))
		return "no such sint";
	si = &hv->synic.vps[vp].sint[sint];
	sb_printf(out, "vp=%lu sint=%lu value=0x%llx queued=%u delivered=%llu "
		  "interrupts=%llu\n", vp, sint, (unsigned long long)si->msr,
		  si->queued, (unsigned long long)si->delivered,
		  (unsigned long long)si->interrupts);
	return NULL;
}

int ctl_cmds_init(struct ctl_cmds *cmds, struct hv *hv)
{
	const struct ctl_command builtin[] = {
		{ "ping", NULL, "answer pong", cmd_ping, NULL },
		{ "help", NULL, "list the commands", cmd_help, cmds },
		{ "synic", NULL, "SynIC MSRs and queued messages of every VP",
		  cmd_synic, hv },
		{ "stats", NULL, "partition counters, key=value", cmd_stats,
		  hv },
		{ "sint", "VP SINT", "one SINT: MSR value and counters",
		  cmd_sint, hv },
	};
	unsigned int i;
	int err;

	cmds->nr = 0;
	for (i = 0; i < ARRAY_SIZE(builtin); i++) {
		err = ctl_register(cmds, &builtin[i]);
		if (err)
			return err;
	}
	return 0;
}

static int split(char *line, char **argv)
{
	int argc = 0;
	char *tok, *save;

	for (tok = strtok_r(line, " \t\r\n", &save); tok;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (argc == CTL_MAX_ARGS)
			return -1;
		argv[argc++] = tok;
	}
	return argc;
}

static const struct ctl_command *lookup(struct ctl_cmds *cmds,
					const char *name)
{
	unsigned int i;

	for (i = 0; i < cmds->nr; i++)
		if (!strcmp(cmds->v[i].name, name))
			return &cmds->v[i];
	return NULL;
}

/* Appends the response to @line to @out; a blank line gets none. */
void ctl_execute(struct ctl_cmds *cmds, char *line, struct strbuf *out)
{
	char *argv[CTL_MAX_ARGS];
	const struct ctl_command *cmd;
	struct strbuf res = { 0 };
	const char *err;
	int argc;

	argc = split(line, argv);
	if (!argc)
		return;
	if (argc < 0) {
		err = "too many arguments";
	} else if (!(cmd = lookup(cmds, argv[0]))) {
		err = "unknown command (try help)";
	} else {
		hv_trace("ctl: %s", argv[0]);
		err = cmd->fn(cmd->opaque, argc, argv, &res);
		if (!err && res.oom)
			err = "out of memory";
	}
	if (err)
		sb_printf(out, "error: %s\n", err);
	else if (res.len)
		sb_append(out, res.buf, res.len);
	sb_printf(out, ".\n");
	sb_free(&res);
}
