// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * utc_tm and utc_stamp: the same fields as gmtime_r for day and year edges (epoch, leap days,
 * century years, 2038, negative times) and for a sweep of times a few hours apart over 600
 * years; out-of-range times are clamped to year 1 and year 9999.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/utctime.h"

static void same_as_gmtime(time_t t)
{
	struct tm want, got;
	char buf[20], wbuf[40];

	assert_non_null(gmtime_r(&t, &want));
	utc_tm(t, &got);
	if (got.tm_year != want.tm_year || got.tm_mon != want.tm_mon ||
	    got.tm_mday != want.tm_mday || got.tm_hour != want.tm_hour ||
	    got.tm_min != want.tm_min || got.tm_sec != want.tm_sec || got.tm_wday != want.tm_wday ||
	    got.tm_yday != want.tm_yday)
		fail_msg("t=%lld: got %d-%d-%d %d:%d:%d wday %d yday %d", (long long)t, got.tm_year,
			 got.tm_mon, got.tm_mday, got.tm_hour, got.tm_min, got.tm_sec, got.tm_wday,
			 got.tm_yday);
	utc_stamp(t, buf);
	/* strftime's %Y does not pad years before 1000; ours are four digits (ISO 8601). */
	snprintf(wbuf, sizeof(wbuf), "%04d-%02d-%02dT%02d:%02d:%02d", want.tm_year + 1900,
		 want.tm_mon + 1, want.tm_mday, want.tm_hour, want.tm_min, want.tm_sec);
	assert_string_equal(buf, wbuf);
	if (want.tm_year + 1900 >= 1000) {
		strftime(wbuf, sizeof(wbuf), "%Y-%m-%dT%H:%M:%S", &want);
		assert_string_equal(buf, wbuf);
	}
}

static void test_edges(void **state)
{
	static const long long ts[] = {
		0,
		-1,
		59,
		60,
		86399,
		86400,
		-86400,
		-86401,
		951782400,
		951868799,
		951868800, // 2000-02-29
		4107542400,
		4107456000,
		2147483647,
		2147483648,
		1798675200, // 2100, 2038,
			    // 2027
		-2208988800,
		-2203891200,
		253402300799,
		-62135596800,
		1764581584,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++)
		same_as_gmtime((time_t)ts[i]);
}

static void test_sweep(void **state)
{
	(void)state;
	/* 1800 to 2400, every 7 hours 13 minutes 17 seconds. */
	for (long long t = -5364662400LL; t < 13569465600LL; t += 7 * 3600 + 13 * 60 + 17)
		same_as_gmtime((time_t)t);
}

static void test_clamped(void **state)
{
	char buf[20];

	(void)state;
	utc_stamp((time_t)-62135596801LL, buf);
	assert_string_equal(buf, "0001-01-01T00:00:00");
	utc_stamp((time_t)253402300800LL, buf);
	assert_string_equal(buf, "9999-12-31T23:59:59");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_clamped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
