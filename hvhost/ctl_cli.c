// SPDX-License-Identifier: GPL-2.0
/*
 * `hvhost ctl SOCKET COMMAND [ARGS...]`: sends one request, prints the
 * response lines without the closing ".", exits 1 on an error response and
 * 2 when the host cannot be reached or does not answer in time.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "core/strbuf.h"
#include "core/unixsock.h"
#include "ctl.h"

#define CTL_CLI_TIMEOUT_MS	10000

static int send_request(int fd, int argc, char **argv)
{
	struct strbuf req = { 0 };
	size_t off = 0;
	ssize_t n;
	int i, err = 0;

	for (i = 0; i < argc; i++)
		sb_printf(&req, "%s%s", i ? " " : "", argv[i]);
	sb_printf(&req, "\n");
	if (req.oom)
		err = -ENOMEM;
	while (!err && off < req.len) {
		n = send(fd, req.buf + off, req.len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			err = -errno;
		else
			off += (size_t)n;
	}
	sb_free(&req);
	return err;
}

/* Prints complete lines; returns 1 at ".", -1 on "error:", else 0. */
static int print_lines(struct strbuf *in, bool *failed)
{
	char *nl;
	size_t len;

	while ((nl = memchr(in->buf, '\n', in->len))) {
		len = (size_t)(nl - in->buf);
		if (len && in->buf[len - 1] == '\r')
			len--;
		if (len == 1 && in->buf[0] == '.')
			return 1;
		if (len >= 6 && !strncmp(in->buf, "error:", 6))
			*failed = true;
		fwrite(in->buf, 1, len, stdout);
		fputc('\n', stdout);
		sb_consume(in, (size_t)(nl + 1 - in->buf));
	}
	return 0;
}

static int read_response(int fd, bool *failed)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct strbuf in = { 0 };
	char buf[4096];
	ssize_t n;
	int done = 0;

	while (!done) {
		if (poll(&pfd, 1, CTL_CLI_TIMEOUT_MS) <= 0) {
			done = -ETIMEDOUT;
			break;
		}
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			done = -EPIPE;
			break;
		}
		sb_append(&in, buf, (size_t)n);
		if (in.oom)
			done = -ENOMEM;
		else
			done = print_lines(&in, failed);
	}
	sb_free(&in);
	return done < 0 ? done : 0;
}

int ctl_client_main(int argc, char **argv)
{
	bool failed = false;
	int fd, err;

	if (argc < 2) {
		fprintf(stderr, "usage: hvhost ctl SOCKET COMMAND [ARGS...]\n");
		return 2;
	}
	fd = unix_connect(argv[0]);
	if (fd < 0) {
		fprintf(stderr, "hvhost ctl: %s: %s\n", argv[0], strerror(-fd));
		return 2;
	}
	err = send_request(fd, argc - 1, argv + 1);
	if (!err)
		err = read_response(fd, &failed);
	close(fd);
	if (err) {
		fprintf(stderr, "hvhost ctl: %s\n", strerror(-err));
		return 2;
	}
	return failed ? 1 : 0;
}
