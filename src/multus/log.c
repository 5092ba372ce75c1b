// SPDX-License-Identifier: GPL-2.0-or-later
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "multus/log.h"
#include "multus/logrotate.h"
#include "util/utctime.h"

static const char *const level_names[] = {
	[LOG_LEVEL_PANIC] = "panic",	 [LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARNING] = "warning", [LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_VERBOSE] = "verbose", [LOG_LEVEL_DEBUG] = "debug",
};

int log_level_parse(const char *text, enum log_level *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(level_names); i++)
		if (strcasecmp(text, level_names[i]) == 0) {
			*ret = (enum log_level)i;
			return 0;
		}
	if (strcasecmp(text, "warn") == 0) {
		*ret = LOG_LEVEL_WARNING;
		return 0;
	}
	return -EINVAL;
}

const char *log_level_name(enum log_level l)
{
	return l < ELEMENTSOF(level_names) ? level_names[l] : "?";
}

static struct {
	enum log_level level;
	bool to_stderr;
	char container[72];
} log_state = { .level = LOG_LEVEL_INFO, .to_stderr = true };

void log_setup(enum log_level level, const char *file, bool to_stderr)
{
	log_state.level = level;
	log_state.to_stderr = to_stderr;
	logfile_close();
	if (file && file[0]) {
		int r = logfile_open(file);

		if (r < 0)
			log_warning("cannot open log file %s: %s", file, strerror(-r));
	}
}

void log_set_container(const char *id)
{
	snprintf(log_state.container, sizeof(log_state.container), "%s", id ? id : "");
}

void log_close(void)
{
	logfile_close();
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char line[4096], ts[40];
	struct timespec now;
	va_list ap;
	int n, m;

	if (level > log_state.level)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	/* Not gmtime_r/strftime: their first call reads /etc/localtime, which UTC never needs. */
	utc_stamp(now.tv_sec, ts);
	n = snprintf(line, sizeof(line), "%s.%06ldZ %s [%s] ", ts, now.tv_nsec / 1000,
		     log_level_name(level), log_state.container);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	n = (m < 0) ? n : (n + m >= (int)sizeof(line) - 1 ? (int)sizeof(line) - 2 : n + m);
	/* One line per message: a delegate's multi-line stderr stays one record. */
	for (int i = 0; i < n; i++)
		if (line[i] == '\n')
			line[i] = ' ';
	line[n++] = '\n';
	/* One write each: lines from concurrent invocations do not interleave. */
	if (log_state.to_stderr && write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* nothing sensible to do */
	}
	logfile_write(line, (size_t)n);
}
