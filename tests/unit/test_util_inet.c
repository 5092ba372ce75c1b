// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The one parser of addresses, CIDRs and MACs: tables of what it takes (with the bytes it
 * must give) and what it refuses, the edges of prefix lengths, and the printers read back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/socket.h>

#include "util/inet.h"
#include "util/macro.h"

static void test_ip_good(void **state)
{
	static const struct {
		const char *text;
		int family;
		uint8_t addr[16];
	} good[] = {
		{ "10.1.2.3", AF_INET, { 10, 1, 2, 3 } },
		{ "0.0.0.0", AF_INET, { 0 } },
		{ "255.255.255.255", AF_INET, { 255, 255, 255, 255 } },
		{ "fd00::1", AF_INET6, { 0xfd, 0x00, [15] = 1 } },
		{ "FD00::1", AF_INET6, { 0xfd, 0x00, [15] = 1 } },
		{ "fd00:0:0:0:0:0:0:1", AF_INET6, { 0xfd, 0x00, [15] = 1 } },
		{ "::", AF_INET6, { 0 } },
		{ "::1", AF_INET6, { [15] = 1 } },
		{ "::ffff:1.2.3.4", AF_INET6, { [10] = 0xff, 0xff, 1, 2, 3, 4 } },
	};

	for (size_t i = 0; i < ELEMENTSOF(good); i++) {
		uint8_t a[16];
		int family = 0;

		memset(a, 0x55, sizeof(a));
		assert_int_equal(ip_addr_parse(good[i].text, &family, a), 0);
		assert_int_equal(family, good[i].family);
		/* all 16 bytes written: the tail of an IPv4 address is zero */
		assert_memory_equal(a, good[i].addr, 16);
	}
}

static void test_ip_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"10.1.2",
		"10.1.2.256",
		"10.1.2.3 ",
		" 10.1.2.3",
		"10.1.2.3\n",
		"10.1.2.3/24",
		"010.1.2.3",
		"10.01.2.3",
		"0x0a.1.2.3",
		"0x0a010203",
		"167837955",
		"10.1.2.-3",
		"+10.1.2.3",
		"1.2.3.4.5",
		"localhost",
		"fd00:::1",
		"fd00::g",
		"fd00::1::2",
		"fd00:00000::1",
		"1:2:3:4:5:6:7:8:9",
		"fd00::1%eth0",
		"fe80::1%1",
		"[fd00::1]",
		"fd00::1/64",
		"::ffff:1.2.3",
	};
	uint8_t a[16] = { 0x55 };
	int family = 77;

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		if (ip_addr_parse(bad[i], &family, a) != -EINVAL)
			fail_msg("took \"%s\"", bad[i]);
	}
	assert_int_equal(ip_addr_parse(NULL, &family, a), -EINVAL);
	/* nothing written on failure */
	assert_int_equal(family, 77);
	assert_int_equal(a[0], 0x55);
}

static void test_cidr_good(void **state)
{
	static const struct {
		const char *text;
		int family;
		uint8_t addr[16];
		uint8_t len;
	} good[] = {
		/* host bits set: what CNI results and "ips" requests carry */
		{ "10.0.0.2/24", AF_INET, { 10, 0, 0, 2 }, 24 },
		{ "10.1.2.3/8", AF_INET, { 10, 1, 2, 3 }, 8 },
		{ "0.0.0.0/0", AF_INET, { 0 }, 0 },
		{ "10.0.0.1/32", AF_INET, { 10, 0, 0, 1 }, 32 },
		{ "fd00::1/64", AF_INET6, { 0xfd, 0x00, [15] = 1 }, 64 },
		{ "::/0", AF_INET6, { 0 }, 0 },
		{ "fd00::1/128", AF_INET6, { 0xfd, 0x00, [15] = 1 }, 128 },
		{ "::ffff:10.0.0.2/120", AF_INET6, { [10] = 0xff, 0xff, 10, 0, 0, 2 }, 120 },
		{ "0000:0000:0000:0000:0000:ffff:255.255.255.255/96",
		  AF_INET6,
		  { [10] = 0xff, 0xff, 255, 255, 255, 255 },
		  96 },
	};

	for (size_t i = 0; i < ELEMENTSOF(good); i++) {
		uint8_t a[16], len = 99;
		int family = 0;

		memset(a, 0x55, sizeof(a));
		assert_int_equal(ip_cidr_parse(good[i].text, &family, a, &len), 0);
		assert_int_equal(family, good[i].family);
		assert_int_equal(len, good[i].len);
		assert_memory_equal(a, good[i].addr, 16);
	}
}

static void test_cidr_bad(void **state)
{
	static const char *const bad[] = {
		"10.0.0.2/024",
		"10.0.0.2/+24",
		"10.0.0.2/-24",
		"10.0.0.2/-0",
		" 10.0.0.2/24",
		"10.0.0.2 /24",
		"10.0.0.2/ 24",
		"10.0.0.2/24 ",
		"10.0.0.2/24\n",
		"1.2.3.4/",
		"1.2.3.4",
		"/24",
		"/",
		"",
		"10.0.0.2/00",
		"10.0.0.2/0x8",
		"10.0.0.2/8.0",
		"10.0.0.2/24/1",
		"10.0.0.2//24",
		"10.0.0.2/1000",
		"10.0.0.2/255.255.255.0",
		"010.0.0.2/24",
		"10.0.0/24",
		"fd00::1/1280",
		"fd00::1/abc",
		"fd00::1/064",
		"fe80::1%eth0/64",
		"[fd00::1]/64",
		"nonsense/8",
		"0000:0000:0000:0000:0000:0000:0000:0000:0000/8",
		"00000000000000000000000000000000000000000000000000000000000000000::1/64",
	};
	uint8_t a[16] = { 0x55 }, len = 99;
	int family = 77;

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		if (ip_cidr_parse(bad[i], &family, a, &len) != -EINVAL)
			fail_msg("took \"%s\"", bad[i]);
	}
	/* a well-formed number out of range for the family */
	assert_int_equal(ip_cidr_parse("10.0.0.2/33", &family, a, &len), -ERANGE);
	assert_int_equal(ip_cidr_parse("10.1.2.3/128", &family, a, &len), -ERANGE);
	assert_int_equal(ip_cidr_parse("::1/129", &family, a, &len), -ERANGE);
	assert_int_equal(ip_cidr_parse("fd00::1/999", &family, a, &len), -ERANGE);
	assert_int_equal(ip_cidr_parse(NULL, &family, a, &len), -EINVAL);
	assert_int_equal(family, 77);
	assert_int_equal(len, 99);
	assert_int_equal(a[0], 0x55);
}

static void test_mac(void **state)
{
	static const struct {
		const char *text;
		int n;
		uint8_t mac[MAC_MAX_LEN];
	} good[] = {
		{ "0a:58:0a:f4:00:05", 6, { 0x0a, 0x58, 0x0a, 0xf4, 0x00, 0x05 } },
		{ "0A:58:0a:F4:00:05", 6, { 0x0a, 0x58, 0x0a, 0xf4, 0x00, 0x05 } },
		{ "ff:ff:ff:ff:ff:ff", 6, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
		{ "00:00:00:00:00:00", 6, { 0 } },
		{ "80:00:02:08:FE:80:00:00:00:00:00:00:00:02:c9:03:00:2e:50:41",
		  20,
		  { 0x80, 0x00, 0x02, 0x08, 0xfe, 0x80, [13] = 0x02, 0xc9, 0x03, 0x00, 0x2e, 0x50,
		    0x41 } },
		/* What Go's net.ParseMAC takes, so upstream's annotations: '-' and '.' forms and
		 * EUI-64, one separator throughout. */
		{ "0a-58-0a-f4-00-05", 6, { 0x0a, 0x58, 0x0a, 0xf4, 0x00, 0x05 } },
		{ "02-00-00-00-00-01", 6, { 0x02, 0, 0, 0, 0, 0x01 } },
		{ "0a58.0AF4.0005", 6, { 0x0a, 0x58, 0x0a, 0xf4, 0x00, 0x05 } },
		{ "0200.0000.0001", 6, { 0x02, 0, 0, 0, 0, 0x01 } },
		{ "02:00:5e:10:00:00:00:01", 8, { 0x02, 0x00, 0x5e, 0x10, 0, 0, 0, 0x01 } },
		{ "02-00-5e-10-00-00-00-01", 8, { 0x02, 0x00, 0x5e, 0x10, 0, 0, 0, 0x01 } },
		{ "0200.5e10.0000.0001", 8, { 0x02, 0x00, 0x5e, 0x10, 0, 0, 0, 0x01 } },
		{ "80-00-02-08-fe-80-00-00-00-00-00-00-00-02-c9-03-00-2e-50-41",
		  20,
		  { 0x80, 0x00, 0x02, 0x08, 0xfe, 0x80, [13] = 0x02, 0xc9, 0x03, 0x00, 0x2e, 0x50,
		    0x41 } },
		{ "8000.0208.fe80.0000.0000.0000.0002.c903.002e.5041",
		  20,
		  { 0x80, 0x00, 0x02, 0x08, 0xfe, 0x80, [13] = 0x02, 0xc9, 0x03, 0x00, 0x2e, 0x50,
		    0x41 } },
	};
	static const char *const bad[] = {
		"",
		"0a:58:0a:f4:00",
		"0a:58:0a:f4:00:05:06",
		"0a:58:0a:f4:00:05:",
		":0a:58:0a:f4:00:05",
		"0a:58:0a:f4:00:5",
		"0a:58:0a:f4:0:05",
		"0a:58:0a:f4:00:005",
		"0a:58-0a:f4:00:05",
		"0a-58-0a-f4-00:05",
		"0a-58-0a-f4-00-05-",
		"0a-58-0a-f4-00",
		"0a-58-0a-f4-0-05",
		"0a.58.0a.f4.00.05",
		"0a58:0af4:0005",
		"0a58-0af4-0005",
		"0a58.0af4-0005",
		"0a58.0af4.0005.",
		".0a58.0af4.0005",
		"0a58.0af4",
		"0a58.0af4.00",
		"0a58.0af4.000",
		"0a58.0af4.00005",
		"0a5.80af4.0005",
		"0a58.0af4.0005.0000.0000", /* 10 octets */
		"0a580af40005", /* bare hex: Go's ParseMAC refuses it too */
		"0a58.0af4.000g",
		"0a-58-0a-f4-00-0G",
		"0a:58:0a:f4:00:0g",
		"0a:58:0a:f4:00:05 ",
		" 0a:58:0a:f4:00:05",
		"0a::58:0a:f4:00:05",
		"0a_58_0a_f4_00_05",
		"+a:58:0a:f4:00:05",
		"02:00:5e:10:00:00:00", /* 7 */
		"02:00:5e:10:00:00:00:01:02", /* 9 */
		"80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:2e:50",
		"80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:2e:50:41:42",
	};
	uint8_t m[MAC_MAX_LEN];

	for (size_t i = 0; i < ELEMENTSOF(good); i++) {
		memset(m, 0x55, sizeof(m));
		assert_int_equal(mac_addr_parse(good[i].text, m), good[i].n);
		assert_memory_equal(m, good[i].mac, (size_t)good[i].n);
	}
	memset(m, 0x55, sizeof(m));
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		if (mac_addr_parse(bad[i], m) != -EINVAL)
			fail_msg("took \"%s\"", bad[i]);
	}
	assert_int_equal(mac_addr_parse(NULL, m), -EINVAL);
	for (size_t i = 0; i < sizeof(m); i++)
		assert_int_equal(m[i], 0x55);
}

static void test_fmt(void **state)
{
	const uint8_t v4[16] = { 192, 168, 0, 1 };
	const uint8_t v6[16] = { 0xfd, 0x00, [15] = 1 };
	const uint8_t mac[MAC_MAX_LEN] = { 0x0a, 0x58, 0xAB, 0x00, 0xff, 0x05 };
	char buf[IP_CIDR_STRLEN], small[8], mbuf[MAC_STRLEN];

	assert_string_equal(ip_addr_fmt(AF_INET, v4, buf, sizeof(buf)), "192.168.0.1");
	assert_string_equal(ip_addr_fmt(AF_INET6, v6, buf, sizeof(buf)), "fd00::1");
	assert_string_equal(ip_cidr_fmt(AF_INET, v4, 24, buf, sizeof(buf)), "192.168.0.1/24");
	assert_string_equal(ip_cidr_fmt(AF_INET6, v6, 128, buf, sizeof(buf)), "fd00::1/128");
	assert_string_equal(mac_addr_fmt(mac, 6, mbuf, sizeof(mbuf)), "0a:58:ab:00:ff:05");
	/* failure: NULL, and the buffer left empty, never garbage */
	assert_null(ip_addr_fmt(AF_INET, v4, small, sizeof(small)));
	assert_string_equal(small, "");
	assert_null(ip_addr_fmt(AF_PACKET, v4, buf, sizeof(buf)));
	assert_string_equal(buf, "");
	assert_null(ip_addr_fmt(AF_INET, v4, NULL, 0));
	assert_null(ip_cidr_fmt(AF_INET, v4, 33, buf, sizeof(buf)));
	assert_string_equal(buf, "");
	assert_null(ip_cidr_fmt(AF_INET6, v6, 129, buf, sizeof(buf)));
	/* "192.168.0.1/24" needs 15 bytes: room for the address but not the length */
	assert_null(ip_cidr_fmt(AF_INET, v4, 24, buf, 14));
	assert_string_equal(buf, "");
	assert_non_null(ip_cidr_fmt(AF_INET, v4, 24, buf, 15));
	assert_null(mac_addr_fmt(mac, 6, mbuf, 17));
	assert_string_equal(mbuf, "");
	assert_non_null(mac_addr_fmt(mac, 6, mbuf, 18));
	assert_null(mac_addr_fmt(mac, 0, mbuf, sizeof(mbuf)));
	assert_null(mac_addr_fmt(mac, MAC_MAX_LEN + 1, mbuf, sizeof(mbuf)));
	assert_null(mac_addr_fmt(NULL, 6, mbuf, sizeof(mbuf)));
}

/* What the printers give, the parsers take back to the same bytes. */
static void test_roundtrip(void **state)
{
	static const char *const ips[] = { "10.9.0.1", "255.255.255.255",	 "::",
					   "fe80::1",  "2001:db8::ff00:42:8329", "::ffff:1.2.3.4" };
	static const char *const cidrs[] = { "10.0.0.2/24", "0.0.0.0/0", "fd00::1/64", "::/128" };
	static const char *const macs[] = {
		"0a:58:0a:f4:00:05",
		"80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:2e:50:41",
		"02:00:5e:10:00:00:00:01",
	};
	char buf[IP_CIDR_STRLEN], mbuf[MAC_STRLEN];
	uint8_t a[16], m[MAC_MAX_LEN], len;
	int family, n;

	for (size_t i = 0; i < ELEMENTSOF(ips); i++) {
		assert_int_equal(ip_addr_parse(ips[i], &family, a), 0);
		assert_string_equal(ip_addr_fmt(family, a, buf, sizeof(buf)), ips[i]);
	}
	for (size_t i = 0; i < ELEMENTSOF(cidrs); i++) {
		assert_int_equal(ip_cidr_parse(cidrs[i], &family, a, &len), 0);
		assert_string_equal(ip_cidr_fmt(family, a, len, buf, sizeof(buf)), cidrs[i]);
	}
	for (size_t i = 0; i < ELEMENTSOF(macs); i++) {
		n = mac_addr_parse(macs[i], m);
		assert_true(n > 0);
		assert_string_equal(mac_addr_fmt(m, (size_t)n, mbuf, sizeof(mbuf)), macs[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip_good),	  cmocka_unit_test(test_ip_bad),
		cmocka_unit_test(test_cidr_good), cmocka_unit_test(test_cidr_bad),
		cmocka_unit_test(test_mac),	  cmocka_unit_test(test_fmt),
		cmocka_unit_test(test_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
