// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Namespace handles without root: our own namespace by path and pid, refusals of other
 * files and of bad names. Entering needs CAP_SYS_ADMIN, so that part runs as root only
 * (into the namespace we are already in: nothing on the machine changes).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "netns/netns.h"

static void assert_cloexec(int fd)
{
	int flags = fcntl(fd, F_GETFD);

	assert_true(flags >= 0 && (flags & FD_CLOEXEC));
}

static void test_open_self(void **state)
{
	struct err e = { 0 };
	int fd = -1, cur = -1, bypid = -1;
	char pid[32];

	assert_int_equal(netns_open("/proc/self/ns/net", &fd, &e), 0);
	assert_cloexec(fd);
	assert_int_equal(netns_is_netns(fd), 1);
	assert_int_equal(netns_open_current(&cur, &e), 0);
	assert_cloexec(cur);
	assert_int_equal(netns_same(fd, cur), 1);

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	assert_int_equal(netns_open(pid, &bypid, &e), 0);
	assert_int_equal(netns_same(bypid, cur), 1);
	close(fd);
	close(cur);
	close(bypid);
}

static void test_open_not_netns(void **state)
{
	struct err e = { 0 };
	char file[] = "/tmp/test_netns_XXXXXX", fifo[64];
	int fd = 12345, tmp;

	/* another kind of namespace */
	assert_int_equal(netns_open("/proc/self/ns/mnt", &fd, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "not a network namespace"));
	/* a regular file, a directory, a FIFO (which must not block the open) */
	tmp = mkstemp(file);
	assert_true(tmp >= 0);
	assert_int_equal(netns_is_netns(tmp), 0);
	close(tmp);
	assert_int_equal(netns_open(file, &fd, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "not a network namespace"));
	unlink(file);
	assert_int_equal(netns_open("/", &fd, &e), -EINVAL);
	snprintf(fifo, sizeof(fifo), "/tmp/test_netns_fifo.%d", (int)getpid());
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(netns_open(fifo, &fd, &e), -EINVAL);
	unlink(fifo);
	assert_int_equal(fd, 12345);
	assert_int_equal(netns_is_netns(-1), -EBADF);
}

static void test_open_missing(void **state)
{
	struct err e = { 0 };
	int fd = 12345;

	assert_int_equal(netns_open("/nonexistent/netns", &fd, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "does not exist"));
	assert_int_equal(netns_open("no-such-netns-for-test", &fd, &e), -ENOENT);
	/* a pid that cannot exist (above the kernel's PID_MAX_LIMIT) */
	assert_int_equal(netns_open("2147483647", &fd, &e), -ENOENT);
	assert_int_equal(fd, 12345);
}

static void test_open_bad_names(void **state)
{
	static const char *const bad[] = { "", ".", "..", "a/b", "../x", "x/..", "a..b" };
	struct err e = { 0 };
	int fd = 12345;
	size_t i;

	for (i = 0; i < ELEMENTSOF(bad); i++) {
		err_clear(&e);
		assert_int_equal(netns_open(bad[i], &fd, &e), -EINVAL);
		assert_true(e.msg[0] != '\0');
	}
	assert_int_equal(netns_open(NULL, &fd, &e), -EINVAL);
	assert_int_equal(netns_open("99999999999999999999", &fd, NULL), -EINVAL);
	assert_int_equal(fd, 12345);
}

static void test_same(void **state)
{
	struct err e = { 0 };
	int a = -1, b;

	assert_int_equal(netns_open_current(&a, &e), 0);
	b = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	assert_true(b >= 0);
	assert_int_equal(netns_same(a, b), 0);
	assert_int_equal(netns_same(a, -1), -EBADF);
	close(a);
	close(b);
}

static void test_enter_return(void **state)
{
	struct err e = { 0 };
	int target = -1, saved = -1, now = -1;

	/* NULL and -1 are no-ops */
	netns_return(NULL);
	netns_return(&saved);
	if (geteuid() != 0) {
		skip();
		return;
	}
	assert_int_equal(netns_open_current(&target, &e), 0);
	assert_int_equal(netns_enter(target, &saved, &e), 0);
	assert_true(saved >= 0);
	assert_cloexec(saved);
	netns_return(&saved);
	assert_int_equal(saved, -1);
	assert_int_equal(netns_open_current(&now, &e), 0);
	assert_int_equal(netns_same(now, target), 1);
	/* entering something that is no namespace fails and changes nothing */
	assert_int_equal(netns_enter(-1, &saved, &e), -EBADF);
	assert_int_equal(saved, -1);
	close(target);
	close(now);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_self),    cmocka_unit_test(test_open_not_netns),
		cmocka_unit_test(test_open_missing), cmocka_unit_test(test_open_bad_names),
		cmocka_unit_test(test_same),	     cmocka_unit_test(test_enter_return),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
