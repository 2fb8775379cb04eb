// SPDX-License-Identifier: GPL-2.0
/* The control protocol: commands, formats, errors, and the socket server. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "core/unixsock.h"
#include "ctl.h"
#include "fixture.h"
#include "tests/tap.h"	/* vmbus/tests/tap.h, shared with the ring tests */

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static const char *run(struct ctl_cmds *cmds, const char *req,
		       struct strbuf *out)
{
	char line[256];

	snprintf(line, sizeof(line), "%s", req);
	sb_reset(out);
	ctl_execute(cmds, line, out);
	return out->buf ? out->buf : "";
}

static bool ctl_commands(void)
{
	struct strbuf out = { 0 };
	struct ctl_cmds cmds;
	struct fixture fx;
	const char *r;

	CHECK(fx_init(&fx, 2) && fx_enable(&fx, 1));
	CHECK(fx_sint(&fx, 1, 2, false));
	CHECK_EQ(fx_post(&fx, 1, HVEMU_TEST_ECHO_CONN(1, 2), 1, 8, 0), 0);
	CHECK_EQ(fx_post(&fx, 1, HVEMU_TEST_ECHO_CONN(1, 2), 1, 8, 0), 0);
	CHECK_EQ(ctl_cmds_init(&cmds, &fx.hv), 0);
	CHECK(!strcmp(run(&cmds, "ping", &out), "pong\n.\n"));
	CHECK(!strcmp(run(&cmds, "  ping \r", &out), "pong\n.\n"));
	CHECK(!strcmp(run(&cmds, "", &out), ""));
	CHECK(!strcmp(run(&cmds, "\r", &out), ""));
	CHECK(!strcmp(run(&cmds, "frob", &out),
		      "error: unknown command (try help)\n.\n"));
	CHECK(!strcmp(run(&cmds, "sint 2 0", &out), "error: no such vp\n.\n"));
	CHECK(!strcmp(run(&cmds, "sint 0 16", &out), "error: no such sint\n.\n"));
	CHECK(!strncmp(run(&cmds, "sint 1", &out), "error: usage", 12));
	CHECK(!strcmp(run(&cmds, "sint 1 2", &out),
		      "vp=1 sint=2 value=0x30 queued=1 delivered=1 interrupts=1\n.\n"));
	r = run(&cmds, "synic", &out);
	CHECK(starts(r, "vp=0 guest_os_id=0x8100000000010000 hypercall=0x5001 scontrol=0x0 "
		       "simp=0x0 siefp=0x0 sint0=0x10000 sint1=0x10000 "));
	r = strchr(r, '\n') + 1;
	CHECK(starts(r, "vp=1 guest_os_id=0x8100000000010000 hypercall=0x5001 "
		       "scontrol=0x1 simp=0x12001 siefp=0x13001 sint0=0x10000 "
		       "sint1=0x10000 sint2=0x30 sint3=0x10000 "));
	CHECK(strstr(r, " sint15=0x10000 queued=1\n.\n"));
	r = run(&cmds, "stats", &out);
	CHECK(strstr(r, "\npost_message=2\n"));
	CHECK(strstr(r, "\nmessages_delivered=1\n"));
	CHECK(strstr(r, "\nmessages_pending_set=1\n"));
	CHECK(strstr(r, "\ninterrupts=1\n"));
	CHECK(!strcmp(r + strlen(r) - 3, "\n.\n"));
	r = run(&cmds, "help", &out);
	CHECK(strstr(r, "sint VP SINT - "));
	r = run(&cmds, "a b c d e f g h i j k l m n o p q", &out);
	CHECK(!strcmp(r, "error: too many arguments\n.\n"));
	sb_free(&out);
	fx_uninit(&fx);
	return true;
}

static bool read_until(int fd, struct loop *loop, const char *want,
		       char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int i;

	buf[0] = '\0';
	for (i = 0; i < 100 && !strstr(buf, want); i++) {
		loop_run_once(loop, 10);
		n = recv(fd, buf + len, size - len - 1, MSG_DONTWAIT);
		if (n > 0) {
			len += (size_t)n;
			buf[len] = '\0';
		}
	}
	return strstr(buf, want);
}

static bool ctl_socket(void)
{
	struct ctl_server srv;
	struct ctl_cmds cmds;
	struct fixture fx;
	struct loop loop;
	char path[64], buf[4096], big[CTL_LINE_MAX + 10];
	int a, b;

	snprintf(path, sizeof(path), "/tmp/hvhost-ctl-%d.sock", (int)getpid());
	CHECK(fx_init(&fx, 1));
	CHECK_EQ(loop_init(&loop), 0);
	CHECK_EQ(ctl_cmds_init(&cmds, &fx.hv), 0);
	CHECK_EQ(ctl_server_init(&srv, &loop, &cmds, path), 0);
	a = unix_connect(path);
	b = unix_connect(path);
	CHECK(a >= 0 && b >= 0);
	/* Two clients at once; CRLF and blank lines, split writes. */
	CHECK(send(a, "pi", 2, 0) == 2);
	CHECK(send(b, "\r\n\nping\r\n", 9, 0) == 9);
	CHECK(read_until(b, &loop, ".\n", buf, sizeof(buf)));
	CHECK(!strcmp(buf, "pong\n.\n"));
	CHECK(send(a, "ng\nsint 0 1\n", 12, 0) == 12);
	CHECK(read_until(a, &loop, "interrupts=0\n.\n", buf, sizeof(buf)));
	CHECK(!strcmp(buf, "pong\n.\nvp=0 sint=1 value=0x10000 queued=0 "
		      "delivered=0 interrupts=0\n.\n"));
	/* An overlong line is refused, and the client still works after. */
	memset(big, 'x', sizeof(big));
	CHECK(send(a, big, sizeof(big), 0) == (ssize_t)sizeof(big));
	CHECK(send(a, "\nping\n", 6, 0) == 6);
	CHECK(read_until(a, &loop, "pong\n.\n", buf, sizeof(buf)));
	CHECK(!strcmp(buf, "error: line too long\n.\npong\n.\n"));
	close(b);
	CHECK(!read_until(a, &loop, "never", buf, sizeof(buf)));
	CHECK_EQ(ctl_server_nr_clients(&srv), 1);
	ctl_server_uninit(&srv);
	close(a);
	CHECK(access(path, F_OK) != 0);
	loop_uninit(&loop);
	fx_uninit(&fx);
	return true;
}

TAP_SUITE(ctl_tests,
	{ "ctl: commands and their output formats", ctl_commands },
	{ "ctl: socket server, several clients, CRLF, long lines", ctl_socket });
