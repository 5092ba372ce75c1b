// SPDX-License-Identifier: GPL-2.0-or-later
/* CNI version strings: "X.Y.Z" parsing, ordering and the set multus speaks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "cni/version.h"

static void test_parse_valid(void **state)
{
	(void)state;
	assert_int_equal(cni_version_parse("0.1.0"), 100);
	assert_int_equal(cni_version_parse("0.2.0"), 200);
	assert_int_equal(cni_version_parse("0.3.0"), 300);
	assert_int_equal(cni_version_parse("0.3.1"), 301);
	assert_int_equal(cni_version_parse("0.4.0"), 400);
	assert_int_equal(cni_version_parse("1.0.0"), 10000);
	assert_int_equal(cni_version_parse("1.1.0"), 10100);
	assert_int_equal(cni_version_parse("0.0.0"), 0);
	assert_int_equal(cni_version_parse("99.99.99"), 999999);
	/* Two digits per component: a leading zero is still a number. */
	assert_int_equal(cni_version_parse("01.02.03"), 10203);
}

static void test_parse_invalid(void **state)
{
	static const char *const bad[] = {
		"",	     "1",	"1.0",	   "1.0.",    "1..0",	 ".1.0",   "1.0.0.",
		"1.0.0.0",   "v1.0.0",	"1.0.0 ",  " 1.0.0",  "1.0.0\n", "-1.0.0", "1.-1.0",
		"1.0.-0",    "100.0.0", "0.100.0", "0.0.100", "001.0.0", "a.b.c",  "1.0.x",
		"1.0.0-rc1", "+1.0.0",	"1,0,0",   "0x1.0.0",
	};

	(void)state;
	assert_int_equal(cni_version_parse(NULL), -EINVAL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (cni_version_parse(bad[i]) != -EINVAL)
			fail_msg("\"%s\" parsed as %d", bad[i], cni_version_parse(bad[i]));
	}
}

static void test_supported(void **state)
{
	static const char *const yes[] = { "0.1.0", "0.2.0", "0.3.0", "0.3.1",
					   "0.4.0", "1.0.0", "1.1.0" };
	static const char *const no[] = { "0.0.0", "0.1.1", "0.2.1", "0.3.2", "0.5.0",	"1.0.1",
					  "1.2.0", "2.0.0", "1.1",   "",      "01.1.0", "0.1.0 " };
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(cni_version_supported(yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (cni_version_supported(no[i]))
			fail_msg("\"%s\" is supported", no[i]);
	assert_false(cni_version_supported(NULL));

	/* The table: oldest first, NULL-terminated, the newest is CNI_VERSION_LATEST. */
	while (cni_supported_versions[n])
		n++;
	assert_int_equal(n, 7);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(cni_supported_versions[i], yes[i]);
	for (size_t i = 1; i < n; i++)
		assert_true(
		    cni_version_cmp(cni_supported_versions[i - 1], cni_supported_versions[i]) < 0);
	assert_string_equal(cni_supported_versions[n - 1], CNI_VERSION_LATEST);
	assert_string_equal(CNI_VERSION_LATEST, "1.1.0");
	/* The text for people lists the same versions in the same order. */
	{
		char text[128] = "";

		for (size_t i = 0; i < n; i++) {
			if (i)
				strcat(text, ", ");
			strcat(text, cni_supported_versions[i]);
		}
		assert_string_equal(text, CNI_SUPPORTED_VERSIONS_TEXT);
	}
}

static void test_cmp(void **state)
{
	(void)state;
	assert_true(cni_version_cmp("0.3.0", "0.3.1") < 0);
	assert_true(cni_version_cmp("0.3.1", "0.3.0") > 0);
	assert_true(cni_version_cmp("0.4.0", "1.0.0") < 0);
	assert_true(cni_version_cmp("1.0.0", "1.1.0") < 0);
	assert_true(cni_version_cmp("0.10.0", "0.9.0") > 0); /* numeric, not lexical */
	assert_true(cni_version_cmp("0.1.0", "0.2.0") < 0);
	assert_int_equal(cni_version_cmp("1.1.0", "1.1.0"), 0);
	assert_int_equal(cni_version_cmp("01.1.0", "1.1.0"), 0);
	/* Unparsable sorts below every version, 0.0.0 included, and equal to each other. */
	assert_true(cni_version_cmp("junk", "0.0.0") < 0);
	assert_true(cni_version_cmp("0.0.0", "junk") > 0);
	assert_true(cni_version_cmp(NULL, "0.1.0") < 0);
	assert_true(cni_version_cmp("1.1.0", "") > 0);
	assert_int_equal(cni_version_cmp("junk", NULL), 0);
	assert_int_equal(cni_version_cmp("", "1.0"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_supported),
		cmocka_unit_test(test_cmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
