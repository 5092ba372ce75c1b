/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * UTC calendar fields from a time_t without glibc's time-zone machinery: gmtime_r() and
 * strftime() initialise it on first use, which reads /etc/localtime (seven system calls per
 * process) even though UTC needs no zone.
 */
#pragma once

#include <time.h>

/* The UTC calendar fields of t (tm_year, tm_mon, tm_mday, tm_hour, tm_min, tm_sec, tm_wday,
 * tm_yday), as gmtime_r() gives them, for any t from year 1 to year 9999 (others are
 * clamped). */
void utc_tm(time_t t, struct tm *ret);

/* "YYYY-MM-DDTHH:MM:SS" of t in UTC, NUL-terminated (buf of at least 20 bytes). */
void utc_stamp(time_t t, char buf[static 20]);
