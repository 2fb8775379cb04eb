// SPDX-License-Identifier: GPL-2.0
/* Diagnostics: every line on stderr, prefixed so it stands out in run logs. */
#include <stdarg.h>
#include <stdio.h>

#include "util.h"

int hvhost_verbose;

void hvhost_log(const char *fmt, ...)
{
	va_list ap;

	fputs("hvhost: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
