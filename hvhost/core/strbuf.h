/* SPDX-License-Identifier: GPL-2.0 */
/* A growable byte buffer for control-socket responses. */
#ifndef HVHOST_STRBUF_H
#define HVHOST_STRBUF_H

#include "util.h"

struct strbuf {
	char *buf;
	size_t len, cap;
	bool oom;	/* an append failed; the contents are incomplete */
};

void sb_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_append(struct strbuf *sb, const char *data, size_t len);
void sb_consume(struct strbuf *sb, size_t n);
void sb_reset(struct strbuf *sb);
void sb_free(struct strbuf *sb);

#endif /* HVHOST_STRBUF_H */
