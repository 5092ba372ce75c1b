// SPDX-License-Identifier: GPL-2.0-or-later
/* Address and prefix text: both families, the edges of prefix lengths, and junk. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "netlink/nl.h"

static void test_addr_parse(void **state)
{
	const uint8_t v4[4] = { 10, 1, 2, 3 };
	const uint8_t v6[16] = { 0xfd, 0x00, [15] = 1 };
	uint8_t a[16];
	int family = 0;

	assert_int_equal(nl_addr_parse("10.1.2.3", &family, a), 0);
	assert_int_equal(family, AF_INET);
	assert_memory_equal(a, v4, 4);
	assert_int_equal(a[4], 0); /* the rest zeroed */
	assert_int_equal(nl_addr_parse("fd00::1", &family, a), 0);
	assert_int_equal(family, AF_INET6);
	assert_memory_equal(a, v6, 16);
	assert_int_equal(nl_addr_parse("::ffff:1.2.3.4", &family, a), 0);
	assert_int_equal(family, AF_INET6);
}

static void test_addr_parse_bad(void **state)
{
	static const char *const bad[] = {
		"",	    "10.1.2",  "10.1.2.256", "10.1.2.3 ", " 10.1.2.3",	"10.1.2.3/24",
		"fd00:::1", "fd00::g", "1.2.3.4.5",  "localhost", "0x0a010203", "fd00::1%eth0",
	};
	uint8_t a[16] = { 0x55 };
	int family = 77;
	size_t i;

	for (i = 0; i < ELEMENTSOF(bad); i++)
		assert_int_equal(nl_addr_parse(bad[i], &family, a), -EINVAL);
	assert_int_equal(nl_addr_parse(NULL, &family, a), -EINVAL);
	/* nothing written on failure */
	assert_int_equal(family, 77);
	assert_int_equal(a[0], 0x55);
}

static void test_prefix_parse(void **state)
{
	uint8_t a[16], len = 0;
	int family;

	assert_int_equal(nl_prefix_parse("10.1.2.3/24", &family, a, &len), 0);
	assert_int_equal(family, AF_INET);
	assert_int_equal(len, 24);
	assert_int_equal(a[3], 3);
	assert_int_equal(nl_prefix_parse("0.0.0.0/0", &family, a, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(nl_prefix_parse("10.0.0.1/32", &family, a, &len), 0);
	assert_int_equal(len, 32);
	assert_int_equal(nl_prefix_parse("fd00::1/64", &family, a, &len), 0);
	assert_int_equal(family, AF_INET6);
	assert_int_equal(len, 64);
	assert_int_equal(nl_prefix_parse("::/0", &family, a, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(nl_prefix_parse("fd00::1/128", &family, a, &len), 0);
	assert_int_equal(len, 128);
}

static void test_prefix_parse_bad(void **state)
{
	static const char *const bad[] = {
		"10.1.2.3",	 "10.1.2.3/",
		"10.1.2.3/-1",	 "10.1.2.3/+8",
		"10.1.2.3/ 8",	 "10.1.2.3/8 ",
		"10.1.2.3/08",	 "10.1.2.3/0x8",
		"10.1.2.3/24/1", "/24",
		"fd00::1/1280",	 "fd00::1/abc",
		"nonsense/8",	 "0000:0000:0000:0000:0000:0000:0000:0000:0000/8",
	};
	uint8_t a[16], len = 99;
	int family = 77;
	size_t i;

	for (i = 0; i < ELEMENTSOF(bad); i++)
		assert_int_equal(nl_prefix_parse(bad[i], &family, a, &len), -EINVAL);
	/* a valid number out of range for the family */
	assert_int_equal(nl_prefix_parse("10.1.2.3/33", &family, a, &len), -ERANGE);
	assert_int_equal(nl_prefix_parse("fd00::1/129", &family, a, &len), -ERANGE);
	assert_int_equal(nl_prefix_parse("10.1.2.3/128", &family, a, &len), -ERANGE);
	assert_int_equal(nl_prefix_parse(NULL, &family, a, &len), -EINVAL);
	assert_int_equal(family, 77);
	assert_int_equal(len, 99);
}

static void test_addr_fmt(void **state)
{
	const uint8_t v4[16] = { 192, 168, 0, 1 };
	const uint8_t v6[16] = { 0xfd, 0x00, [15] = 1 };
	char buf[INET6_ADDRSTRLEN], small[8];

	assert_string_equal(nl_addr_fmt(AF_INET, v4, buf, sizeof(buf)), "192.168.0.1");
	assert_string_equal(nl_addr_fmt(AF_INET6, v6, buf, sizeof(buf)), "fd00::1");
	/* failure: NULL, and the buffer left empty, never garbage */
	assert_null(nl_addr_fmt(AF_INET, v4, small, sizeof(small)));
	assert_string_equal(small, "");
	assert_null(nl_addr_fmt(AF_PACKET, v4, buf, sizeof(buf)));
	assert_string_equal(buf, "");
	assert_null(nl_addr_fmt(AF_INET, v4, NULL, 0));
}

static void test_roundtrip(void **state)
{
	static const char *const good[] = { "10.9.0.1", "255.255.255.255", "::", "fe80::1",
					    "2001:db8::ff00:42:8329" };
	char buf[INET6_ADDRSTRLEN];
	uint8_t a[16];
	int family;
	size_t i;

	for (i = 0; i < ELEMENTSOF(good); i++) {
		assert_int_equal(nl_addr_parse(good[i], &family, a), 0);
		assert_string_equal(nl_addr_fmt(family, a, buf, sizeof(buf)), good[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_parse),   cmocka_unit_test(test_addr_parse_bad),
		cmocka_unit_test(test_prefix_parse), cmocka_unit_test(test_prefix_parse_bad),
		cmocka_unit_test(test_addr_fmt),     cmocka_unit_test(test_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
