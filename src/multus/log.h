/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Log lines `TIMESTAMP LEVEL [containerID] message` to stderr and, when set, a log file.
 * Only the command layer (multus/) logs; lower rooms return errors.
 */
#pragma once

#include <stdbool.h>

#include "util/macro.h"

enum log_level {
	LOG_LEVEL_PANIC,
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_INFO,
	LOG_LEVEL_VERBOSE,
	LOG_LEVEL_DEBUG,
};

/* "panic" ... "debug" (and "warn"), any case; -EINVAL otherwise. */
int log_level_parse(const char *text, enum log_level *ret);
const char *log_level_name(enum log_level l);

void log_setup(enum log_level level, const char *file, bool to_stderr);

/* Rotation of the log file (netconf logOptions), safe with many processes writing it. */
struct log_rotate {
	unsigned long long max_bytes; /* rotate before a line takes a non-empty file past this;
				       * 0: never rotate */
	unsigned max_age_days; /* backups older than this are removed; 0: whatever their age */
	unsigned max_backups; /* at most this many backups are kept; 0: all */
	bool compress; /* backups are gzip'd to NAME-TIMESTAMP.EXT.gz */
};
#define LOG_MIB (1024ULL * 1024ULL)
/* Upstream's (lumberjack as multus sets it up, even without logOptions): 100 MB, 5 days,
 * 5 backups, compressed. */
#define LOG_ROTATE_UPSTREAM                                                                        \
	((struct log_rotate){                                                                      \
	    .max_bytes = 100 * LOG_MIB, .max_age_days = 5, .max_backups = 5, .compress = true })
/* Applies from the next line on; NULL: no rotation. */
void log_set_rotate(const struct log_rotate *rot);
/* The backup name of the log `path` at `unix_ms`, as lumberjack makes it, in UTC:
 * /var/log/multus.log -> /var/log/multus-2006-01-02T15-04-05.000.log (malloc'd). */
char *log_backup_name(const char *path, long long unix_ms);
/* Is `entry`, a name in the log's directory, one of its backups (plain or .gz)? 1 with its
 * time and kind, 0 when not. */
int log_backup_parse(const char *path, const char *entry, long long *ret_ms, bool *ret_gz);
void log_set_container(const char *id);
void log_msg(enum log_level level, const char *fmt, ...) _printf_(2, 3);
void log_close(void);

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_verbose(...) log_msg(LOG_LEVEL_VERBOSE, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
