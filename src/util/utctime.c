// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/utctime.h"

/* Days from 1970-01-01 to year-month-day 0001-01-01 and 9999-12-31, both inclusive. */
#define DAYS_MIN (-719162LL)
#define DAYS_MAX 2932896LL

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

void utc_tm(time_t t, struct tm *ret)
{
	int64_t s = (int64_t)t, days = s / 86400, rem = s % 86400;
	int64_t z, era, doe, yoe, y, doy, mp;
	unsigned m, d;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	if (days < DAYS_MIN) {
		days = DAYS_MIN;
		rem = 0;
	} else if (days > DAYS_MAX) {
		days = DAYS_MAX;
		rem = 86399;
	}
	/* The civil calendar from a day count (400-year eras of 146097 days, March first). */
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	if (m <= 2)
		y++;

	memset(ret, 0, sizeof(*ret));
	ret->tm_year = (int)(y - 1900);
	ret->tm_mon = (int)m - 1;
	ret->tm_mday = (int)d;
	ret->tm_hour = (int)(rem / 3600);
	ret->tm_min = (int)(rem / 60 % 60);
	ret->tm_sec = (int)(rem % 60);
	/* 1970-01-01 was a Thursday. */
	ret->tm_wday = (int)(((days % 7) + 11) % 7);
	{
		static const int before[12] = { 0,   31,  59,  90,  120, 151,
						181, 212, 243, 273, 304, 334 };

		ret->tm_yday = before[m - 1] + (int)d - 1 + (m > 2 && is_leap(y));
	}
}

void utc_stamp(time_t t, char buf[static 20])
{
	struct tm tm;

	utc_tm(t, &tm);
	snprintf(buf, 20, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}
