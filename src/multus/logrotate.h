/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The log file under log.c: opened, written a line at a time, rotated (logrotate.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Opens (creates, 0600) the log file for appending; -errno when it cannot. */
int logfile_open(const char *path);
bool logfile_active(void);
/* One line, one write(); rotates first when the line would take the file past maxSize. */
void logfile_write(const char *line, size_t n);
void logfile_close(void);
