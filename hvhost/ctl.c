// SPDX-License-Identifier: GPL-2.0
/* The control socket server (see ctl.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "core/unixsock.h"
#include "ctl.h"

struct ctl_client {
	struct loop_source src;
	struct ctl_server *srv;
	struct ctl_client *next;
	char in[CTL_LINE_MAX];
	size_t in_len;
	bool discarding;	/* skipping the rest of an overlong line */
	struct strbuf out;
};

static void client_free(struct ctl_client *c)
{
	struct ctl_client **pp;

	for (pp = &c->srv->clients; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	loop_del(c->srv->loop, &c->src);
	close(c->src.fd);
	sb_free(&c->out);
	free(c);
}

/* Writes what the socket takes; false if the client is gone. */
static bool client_flush(struct ctl_client *c)
{
	ssize_t n;

	while (c->out.len) {
		n = send(c->src.fd, c->out.buf, c->out.len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0)
			return false;
		sb_consume(&c->out, (size_t)n);
	}
	loop_mod(c->srv->loop, &c->src,
		 EPOLLIN | (c->out.len ? EPOLLOUT : 0));
	return true;
}

static void client_line(struct ctl_client *c, char *line)
{
	if (c->out.len > CTL_OUT_MAX)
		return;
	ctl_execute(c->srv->cmds, line, &c->out);
}

/* Runs every complete line in the input buffer. */
static void client_parse(struct ctl_client *c)
{
	char *start = c->in, *nl;
	size_t left = c->in_len;

	while ((nl = memchr(start, '\n', left))) {
		*nl = '\0';
		if (!c->discarding)
			client_line(c, start);
		c->discarding = false;
		left -= (size_t)(nl + 1 - start);
		start = nl + 1;
	}
	memmove(c->in, start, left);
	c->in_len = left;
	if (c->in_len == sizeof(c->in)) {
		if (!c->discarding)
			sb_printf(&c->out, "error: line too long\n.\n");
		c->discarding = true;
		c->in_len = 0;
	}
}

static bool client_read(struct ctl_client *c)
{
	ssize_t n;

	n = recv(c->src.fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0) {
		/* A last line without its newline still counts. */
		if (c->in_len && c->in_len < sizeof(c->in) && !c->discarding) {
			c->in[c->in_len] = '\0';
			client_line(c, c->in);
		}
		client_flush(c);
		return false;
	}
	c->in_len += (size_t)n;
	client_parse(c);
	return true;
}

static void client_event(struct loop_source *src, uint32_t events)
{
	struct ctl_client *c = container_of(src, struct ctl_client, src);

	if ((events & EPOLLIN) && !client_read(c))
		goto gone;
	if (!client_flush(c))
		goto gone;
	if ((events & (EPOLLERR | EPOLLHUP)) && !(events & EPOLLIN))
		goto gone;
	return;
gone:
	client_free(c);
}

static void server_accept(struct loop_source *src, uint32_t events)
{
	struct ctl_server *srv = container_of(src, struct ctl_server, src);
	struct ctl_client *c;
	int fd;

	(void)events;
	fd = accept4(srv->src.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->src.fd = fd;
	c->src.fn = client_event;
	c->srv = srv;
	if (loop_add(srv->loop, &c->src, EPOLLIN)) {
		close(fd);
		free(c);
		return;
	}
	c->next = srv->clients;
	srv->clients = c;
	hv_trace("ctl: client connected");
}

int ctl_server_init(struct ctl_server *srv, struct loop *loop,
		    struct ctl_cmds *cmds, const char *path)
{
	int err;

	memset(srv, 0, sizeof(*srv));
	if (strlen(path) >= sizeof(srv->path))
		return -ENAMETOOLONG;
	strcpy(srv->path, path);
	srv->loop = loop;
	srv->cmds = cmds;
	srv->src.fn = server_accept;
	srv->src.fd = unix_listen(path);
	if (srv->src.fd < 0)
		return srv->src.fd;
	err = loop_add(loop, &srv->src, EPOLLIN);
	if (err) {
		close(srv->src.fd);
		unlink(path);
		srv->src.fd = -1;
	}
	return err;
}

void ctl_server_uninit(struct ctl_server *srv)
{
	while (srv->clients)
		client_free(srv->clients);
	if (srv->src.fd >= 0) {
		loop_del(srv->loop, &srv->src);
		close(srv->src.fd);
		unlink(srv->path);
	}
	srv->src.fd = -1;
}

unsigned int ctl_server_nr_clients(const struct ctl_server *srv)
{
	const struct ctl_client *c;
	unsigned int n = 0;

	for (c = srv->clients; c; c = c->next)
		n++;
	return n;
}
