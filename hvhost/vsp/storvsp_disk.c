// SPDX-License-Identifier: GPL-2.0
/*
 * StorVSP's disks: `--disk` / `storage add` specs, raw image files (created
 * sparse when absent), LUN references, and the host-side truth the guest
 * tests ask for (checksums, allocated bytes, e2fsck).
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "vsp/storvsp.h"

#define MAX_DISK_SIZE	(1ull << 44)	/* 16 TiB */
#define CHECKSUM_CHUNK	(1u << 20)

extern char **environ;

bool stor_parse_size(const char *s, uint64_t *val)
{
	unsigned int shift = 0;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*val = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	}
	if (*end || *val > (UINT64_MAX >> shift))
		return false;
	*val <<= shift;
	return true;
}

static bool parse_int(const char *s, int max, int *v)
{
	char *end;
	long l;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	l = strtol(s, &end, 0);
	if (errno || *end || l > max)
		return false;
	*v = (int)l;
	return true;
}

/* Printable ASCII without blanks, at most @max chars. */
static bool set_text(char *dst, const char *src, size_t max)
{
	size_t i, n = strlen(src);

	if (!n || n > max)
		return false;
	for (i = 0; i < n; i++)
		if (src[i] <= ' ' || src[i] > '~')
			return false;
	memcpy(dst, src, n + 1);
	return true;
}

static const char *parse_kv(char *key, char *val,
			    struct stor_disk_spec *spec, bool ctl_form)
{
	if (!strcmp(key, "path") && val && *val) {
		spec->path = val;
	} else if (!strcmp(key, "size") && val) {
		if (!stor_parse_size(val, &spec->size) ||
		    spec->size < STOR_BLOCK || spec->size > MAX_DISK_SIZE)
			return "bad size (512 .. 16T)";
	} else if (!strcmp(key, "controller") && val && !ctl_form) {
		if (!parse_int(val, STOR_MAX_CONTROLLERS - 1,
			       &spec->controller))
			return "bad controller (0..15)";
	} else if (!strcmp(key, "lun") && val && !ctl_form) {
		if (!parse_int(val, STOR_MAX_LUNS - 1, &spec->lun))
			return "bad lun (0..255)";
	} else if (!strcmp(key, "ro") && !val) {
		spec->ro = true;
	} else if (!strcmp(key, "nounmap") && !val) {
		spec->nounmap = true;
	} else if (!strcmp(key, "discard") && val) {
		if (strcmp(val, "unmap") && strcmp(val, "ws16"))
			return "bad discard (unmap or ws16)";
		spec->discard_ws16 = !strcmp(val, "ws16");
	} else if (!strcmp(key, "ide")) {
		int t = 0;

		if (val && !parse_int(val, STOR_IDE_MAX_TARGET, &t))
			return "bad ide target (0..1)";
		spec->ide = true;
		spec->ide_target = (uint8_t)t;
	} else if (!strcmp(key, "nofua") && !val) {
		spec->nofua = true;
	} else if (!strcmp(key, "serial") && val) {
		if (!set_text(spec->serial, val, 20))
			return "bad serial (1..20 printable chars)";
	} else if (!strcmp(key, "vendor") && val) {
		if (!set_text(spec->vendor, val, 8))
			return "bad vendor (1..8 printable chars)";
	} else if (!strcmp(key, "model") && val) {
		if (!set_text(spec->model, val, 16))
			return "bad model (1..16 printable chars)";
	} else {
		return "unknown disk option";
	}
	return NULL;
}

const char *stor_parse_spec(char *s, struct stor_disk_spec *spec,
			    bool ctl_form)
{
	char *tok, *save = NULL, *val;
	const char *err;

	memset(spec, 0, sizeof(*spec));
	spec->lun = -1;
	for (tok = strtok_r(s, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		val = strchr(tok, '=');
		if (val)
			*val++ = '\0';
		err = parse_kv(tok, val, spec, ctl_form);
		if (err)
			return err;
	}
	if (!spec->path)
		return "path=FILE missing";
	return NULL;
}

static uint64_t fnv64(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ull;
	return h;
}

static void fill_identity(struct stor_lun *l, const struct stor_disk_spec *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	if (*s->serial)
		memcpy(l->d.serial, s->serial, sizeof(l->d.serial));
	else
		snprintf(l->d.serial, sizeof(l->d.serial), "hvg-%u-%u",
			 l->controller, l->lun);
	snprintf(l->d.vendor, sizeof(l->d.vendor), "%s",
		 *s->vendor ? s->vendor : "Msft");
	snprintf(l->d.model, sizeof(l->d.model), "%s",
		 *s->model ? s->model : "VirtualDisk");
	h = fnv64(h, &l->controller, sizeof(l->controller));
	h = fnv64(h, &l->lun, sizeof(l->lun));
	h = fnv64(h, l->d.serial, strlen(l->d.serial));
	l->d.naa = 6ull << 60 | (h & ((1ull << 60) - 1));
}

/* Opens or creates the image; @size 0 keeps an existing file's length. */
static const char *open_image(const struct stor_disk_spec *s, int *fdp,
			      uint64_t *sizep)
{
	struct stat st;
	int fd;

	fd = open(s->path, (s->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && !s->ro && s->size)
		fd = open(s->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
			  0644);
	if (fd < 0)
		return errno == ENOENT ? "no such image (and no size= to "
			"create it)" : "cannot open the image";
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return "the image is not a regular file";
	}
	*sizep = (uint64_t)st.st_size;
	if (s->size > *sizep) {
		if (s->ro || ftruncate(fd, (off_t)s->size)) {
			close(fd);
			return s->ro ? "read-only image smaller than size=" :
				"cannot extend the image";
		}
		*sizep = s->size;
	}
	if (*sizep < STOR_BLOCK) {
		close(fd);
		return "image smaller than one block";
	}
	*fdp = fd;
	return NULL;
}

const char *stor_lun_open(const struct stor_disk_spec *spec,
			  uint32_t max_xfer, struct stor_lun **out)
{
	struct stor_lun *l = calloc(1, sizeof(*l));
	const char *err;

	if (!l)
		return "out of memory";
	l->path = strdup(spec->path);
	if (!l->path) {
		free(l);
		return "out of memory";
	}
	err = open_image(spec, &l->fd, &l->size);
	if (err) {
		free(l->path);
		free(l);
		return err;
	}
	l->controller = (unsigned int)spec->controller;
	l->lun = (unsigned int)spec->lun;
	l->refs = 1;
	l->d.blocks = l->size / STOR_BLOCK;
	l->d.max_xfer = max_xfer;
	l->d.ro = spec->ro;
	l->d.unmap = !spec->nounmap && !spec->ro;
	l->d.ws16 = spec->discard_ws16;
	l->d.fua = !spec->nofua;
	fill_identity(l, spec);
	*out = l;
	return NULL;
}

void stor_lun_get(struct stor_lun *l)
{
	l->refs++;
}

void stor_lun_put(struct stor_lun *l)
{
	if (!l || --l->refs)
		return;
	close(l->fd);
	free(l->path);
	free(l);
}

int stor_lun_checksum(struct stor_lun *l, uint64_t off, uint64_t len,
		      char hex[65])
{
	struct stor_sha256 s;
	uint8_t md[32], *buf;
	uint64_t done = 0;
	ssize_t n;
	int i;

	if (off > l->size || len > l->size - off)
		return -ERANGE;
	buf = malloc(CHECKSUM_CHUNK);
	if (!buf)
		return -ENOMEM;
	stor_sha256_init(&s);
	while (done < len) {
		size_t want = len - done < CHECKSUM_CHUNK ?
			      (size_t)(len - done) : CHECKSUM_CHUNK;

		n = pread(l->fd, buf, want, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return -errno;
		}
		if (!n)		/* past EOF of a sparse tail: zeros */
			memset(buf, 0, want), n = (ssize_t)want;
		stor_sha256_update(&s, buf, (size_t)n);
		done += (uint64_t)n;
	}
	free(buf);
	stor_sha256_final(&s, md);
	for (i = 0; i < 32; i++)
		snprintf(hex + i * 2, 3, "%02x", md[i]);
	return 0;
}

int stor_lun_allocated(struct stor_lun *l, uint64_t *bytes)
{
	struct stat st;

	if (fstat(l->fd, &st))
		return -errno;
	*bytes = (uint64_t)st.st_blocks * 512;
	return 0;
}

/* e2fsck -fn IMAGE, its stdout and stderr into @out. */
int stor_lun_fsck(struct stor_lun *l, struct strbuf *out, int *status)
{
	char *argv[] = { "e2fsck", "-fn", l->path, NULL };
	posix_spawn_file_actions_t fa;
	char buf[4096];
	int pipefd[2], err, ws;
	pid_t pid;
	ssize_t n;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	err = posix_spawnp(&pid, "e2fsck", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (err) {
		close(pipefd[0]);
		return -err;
	}
	while ((n = read(pipefd[0], buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		sb_append(out, buf, (size_t)n);
	}
	close(pipefd[0]);
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return -errno;
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return 0;
}
