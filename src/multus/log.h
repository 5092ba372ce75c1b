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
void log_set_container(const char *id);
void log_msg(enum log_level level, const char *fmt, ...) _printf_(2, 3);
void log_close(void);

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_verbose(...) log_msg(LOG_LEVEL_VERBOSE, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
