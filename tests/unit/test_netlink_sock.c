// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The socket against the real kernel, read-only: every namespace has "lo", so getting and
 * listing it needs no root and changes nothing. Requests that must fail (a link index that
 * does not exist) check that errors come back acked with a message. Writes that succeed are
 * tested in tests/netns/t_netlink_ops.sh, inside a throwaway namespace.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <linux/if.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "netlink/nft_int.h"
#include "netlink/rtnl.h"
#include "netns/netns.h"

#define NO_SUCH_INDEX 0x7ffffff0

static void test_open_cloexec(void **state)
{
	_cleanup_nl_ struct nl_sock *s = NULL;
	struct err e = { 0 };
	uint32_t a, b;

	assert_int_equal(nl_open(&s, &e), 0);
	assert_true(fcntl(mnl_socket_get_fd(s->mnl), F_GETFD) & FD_CLOEXEC);
	/* sequence numbers skip 0 on wrap */
	s->seq = UINT32_MAX - 1;
	a = nl_next_seq(s);
	b = nl_next_seq(s);
	assert_int_equal(a, UINT32_MAX);
	assert_int_equal(b, 1);
	nl_closep(NULL);
	nl_close(NULL);
}

/* rtnetlink and nfnetlink sockets come from one open: close-on-exec, extended acks and the
 * same receive timeout on both. */
static void test_open_buses(void **state)
{
	static const int buses[] = { NETLINK_ROUTE, NETLINK_NETFILTER };

	for (size_t i = 0; i < ELEMENTSOF(buses); i++) {
		_cleanup_nl_ struct nl_sock *s = NULL;
		struct timeval tv = { 0 };
		socklen_t len = sizeof(tv);
		struct err e = { 0 };
		int fd, on = 0;
		uint32_t genid = 0;
		int rc;

		assert_int_equal(nl_sock_open(buses[i], &s, &e), 0);
		fd = mnl_socket_get_fd(s->mnl);
		assert_int_equal(s->bus, buses[i]);
		assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len), 0);
		assert_int_equal(tv.tv_sec, 30);
		len = sizeof(on);
		assert_int_equal(getsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, &len), 0);
		assert_int_equal(on, 1);
		len = sizeof(on);
		on = 0;
		assert_int_equal(getsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, &len), 0);
		assert_int_equal(on, 1);
		assert_true(s->portid != 0);
		if (buses[i] != NETLINK_NETFILTER)
			continue;
		/* A read-only request over the shared request path: nfnetlink wants
		 * CAP_NET_ADMIN for any message, so without root the kernel's EPERM comes back
		 * acked, and the socket stays usable. */
		rc = nft_get_genid(s, &genid, &e);
		if (geteuid() == 0) {
			assert_int_equal(rc, 0);
		} else {
			assert_int_equal(rc, -EPERM);
			assert_non_null(strstr(e.msg, "generation id"));
		}
	}
}

static void test_get_lo(void **state)
{
	_cleanup_nl_ struct nl_sock *s = NULL;
	struct err e = { 0 };
	struct nl_link lo, again;

	assert_int_equal(nl_open(&s, &e), 0);
	assert_int_equal(nl_link_get_by_name(s, "lo", &lo, &e), 0);
	assert_string_equal(lo.name, "lo");
	assert_true(lo.flags & IFF_LOOPBACK);
	assert_true(lo.index > 0);
	assert_int_equal(nl_link_get_by_index(s, lo.index, &again, &e), 0);
	assert_string_equal(again.name, "lo");
	assert_int_equal(again.mtu, lo.mtu);
}

static void test_list(void **state)
{
	_cleanup_nl_ struct nl_sock *s = NULL;
	_cleanup_free_ struct nl_link *links = NULL;
	_cleanup_free_ struct nl_addr *addrs = NULL;
	_cleanup_free_ struct nl_route *routes = NULL;
	struct err e = { 0 };
	size_t n = 0, i, found = 0;

	assert_int_equal(nl_open(&s, &e), 0);
	assert_int_equal(nl_link_list(s, &links, &n, &e), 0);
	assert_true(n >= 1);
	for (i = 0; i < n; i++)
		found += streq(links[i].name, "lo");
	assert_int_equal(found, 1);
	assert_int_equal(nl_addr_list(s, AF_UNSPEC, &addrs, &n, &e), 0);
	for (i = 0; i < n; i++)
		assert_true(addrs[i].family == AF_INET || addrs[i].family == AF_INET6);
	assert_int_equal(nl_route_list(s, AF_UNSPEC, &routes, &n, &e), 0);
	for (i = 0; i < n; i++)
		assert_true(routes[i].family == AF_INET || routes[i].family == AF_INET6);
	assert_int_equal(nl_addr_list(s, AF_PACKET, &addrs, &n, &e), -EAFNOSUPPORT);
}

static void test_errors(void **state)
{
	_cleanup_nl_ struct nl_sock *s = NULL;
	struct err e = { 0 };
	struct nl_link l = { .index = 42 };
	struct nl_route r = { .family = AF_INET, .dst_len = 40 };
	int rc;

	assert_int_equal(nl_open(&s, &e), 0);
	assert_int_equal(nl_link_get_by_name(s, "no-such-link0", &l, &e), -ENODEV);
	assert_non_null(strstr(e.msg, "no-such-link0"));
	assert_int_equal(nl_link_get_by_index(s, NO_SUCH_INDEX, &l, &e), -ENODEV);
	assert_int_equal(l.index, 42);
	/* bad arguments never reach the kernel */
	assert_int_equal(nl_link_get_by_name(s, "sixteen-chars-xx", &l, &e), -EINVAL);
	assert_int_equal(nl_link_get_by_name(s, "", &l, &e), -EINVAL);
	assert_int_equal(nl_link_rename(s, 1, "", &e), -EINVAL);
	assert_int_equal(nl_link_set_up(s, 0, true, &e), -EINVAL);
	assert_int_equal(nl_route_add(s, &r, &e), -EINVAL);
	/* changes to a link that does not exist: EPERM without root, ENODEV with it */
	err_clear(&e);
	rc = nl_link_rename(s, NO_SUCH_INDEX, "x", &e);
	assert_true(rc == -EPERM || rc == -ENODEV);
	assert_non_null(strstr(e.msg, "renaming link"));
	rc = nl_link_delete(s, NO_SUCH_INDEX, &e);
	assert_true(rc == -EPERM || rc == -ENODEV);
	/* the socket is still in step after errors */
	assert_int_equal(nl_link_get_by_name(s, "lo", &l, &e), 0);
}

static void test_open_in_self(void **state)
{
	_cleanup_nl_ struct nl_sock *s = NULL;
	_cleanup_close_ int cur = -1;
	_cleanup_close_ int after = -1;
	struct err e = { 0 };
	struct nl_link lo;

	if (geteuid() != 0) {
		skip();
		return;
	}
	assert_int_equal(netns_open_current(&cur, &e), 0);
	assert_int_equal(nl_open_in(cur, &s, &e), 0);
	assert_int_equal(netns_open_current(&after, &e), 0);
	assert_int_equal(netns_same(cur, after), 1);
	assert_int_equal(nl_link_get_by_name(s, "lo", &lo, &e), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_cloexec), cmocka_unit_test(test_open_buses),
		cmocka_unit_test(test_get_lo),	     cmocka_unit_test(test_list),
		cmocka_unit_test(test_errors),	     cmocka_unit_test(test_open_in_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
