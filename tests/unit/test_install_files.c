// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The installer's file helpers, linked with the install room alone (install, the netconf
 * parser, k8s, cni, util): that this links at all shows the installer needs none of the
 * plugin's verbs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "install/install_int.h"
#include "testutil.h"
#include "util/macro.h"
#include "util/fileio.h"

static char *base;

static int setup(void **state)
{
	(void)state;
	base = tu_scratch("install-test");
	return base ? 0 : -1;
}

static int teardown(void **state)
{
	int r;

	(void)state;
	r = tu_rm_rf(base);
	free(base);
	base = NULL;
	return r;
}

static size_t count_entries(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

static void test_write_atomic(void **state)
{
	_cleanup_free_ char *path = path_join(base, "f.conf"), *text = NULL;
	struct err e = { 0 };
	struct stat st;

	(void)state;
	assert_non_null(path);
	assert_int_equal(write_atomic(path, 0640, -1, "one\n", 4, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(write_atomic(path, 0600, -1, "two\n", 4, &e), 0);
	assert_int_equal(read_file_bounded(path, 0, 64, &text, NULL), 0);
	assert_string_equal(text, "two\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* No temporary file is left behind. */
	assert_int_equal(count_entries(base, TMP_PREFIX), 0);
}

static void test_remove_stale_temps(void **state)
{
	_cleanup_free_ char *stale = path_join(base, TMP_PREFIX "multus.abc123");
	_cleanup_free_ char *other = path_join(base, "keep.conf");
	int fd;

	(void)state;
	fd = open(stale, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	fd = open(other, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	remove_stale_temps(base);
	assert_int_equal(access(stale, F_OK), -1);
	assert_int_equal(access(other, F_OK), 0);
}

static void test_ensure_dir(void **state)
{
	_cleanup_free_ char *dir = path_join(base, "d"), *link = path_join(base, "l");
	struct err e = { 0 };
	struct stat st;

	(void)state;
	assert_int_equal(ensure_dir(dir, 0700, &e), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	/* An existing directory gets the mode back. */
	assert_int_equal(ensure_dir(dir, 0700, &e), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	/* Never through a symlink. */
	assert_int_equal(symlink(dir, link), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_true(ensure_dir(link, 0700, &e) < 0);
	assert_non_null(strstr(e.msg, link));
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(check_dir("CNI bin dir", dir, &e), 0);
	assert_true(check_dir("CNI bin dir", "/nonexistent/x", &e) < 0);
	assert_non_null(strstr(e.msg, "CNI bin dir /nonexistent/x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_atomic),
		cmocka_unit_test(test_remove_stale_temps),
		cmocka_unit_test(test_ensure_dir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
