// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atomic_write: contents and mode; the target replaced, never written in place (a hard link
 * to the old file keeps the old bytes); the temporary file is new, exclusive, in the target's
 * directory and named with the prefix; a failed write leaves the target and no temporary file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/atomic.h"
#include "util/fileio.h"
#include "util/macro.h"

static char *dir;

static int setup(void **state)
{
	(void)state;
	dir = strdup("/tmp/multus-atomic-test.XXXXXX");
	return dir && mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	(void)state;
	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			(void)unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	rmdir(dir);
	free(dir);
	dir = NULL;
	return 0;
}

static char *path_in(const char *name)
{
	char *p = NULL;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

static char *slurp(const char *path)
{
	char *buf = NULL;

	assert_int_equal(read_file_bounded(path, 0, 1 << 20, &buf, NULL), 0);
	return buf;
}

static size_t count_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

static void test_write_and_replace(void **state)
{
	char *path = path_in("a.json"), *old = path_in("old-link"), *text;
	struct stat st;

	(void)state;
	assert_int_equal(atomic_write(path, NULL, 0644, ATOMIC_FSYNC | ATOMIC_FSYNC_DIR, "one", 3),
			 0);
	text = slurp(path);
	assert_string_equal(text, "one");
	free(text);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(count_entries(), 1);

	/* Replaced, not rewritten: a second name of the old file still has the old bytes. */
	assert_int_equal(link(path, old), 0);
	assert_int_equal(atomic_write(path, NULL, 0600, 0, "two!", 4), 0);
	text = slurp(path);
	assert_string_equal(text, "two!");
	free(text);
	text = slurp(old);
	assert_string_equal(text, "one");
	free(text);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(count_entries(), 2);

	/* Empty contents are contents too. */
	assert_int_equal(atomic_write(path, NULL, 0600, 0, "", 0), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 0);
	free(path);
	free(old);
}

struct seen {
	char tmp[4096];
	struct stat st;
	int flags;
};

static int record(int fd, void *userdata)
{
	struct seen *s = userdata;
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, s->tmp, sizeof(s->tmp) - 1);
	if (n < 0)
		return -errno;
	s->tmp[n] = '\0';
	s->flags = fcntl(fd, F_GETFD);
	if (fstat(fd, &s->st) < 0)
		return -errno;
	return write(fd, "x", 1) == 1 ? 0 : -EIO;
}

/* Exactly `mode` whatever the umask: mkostemp's 0600 is used as is only when it is `mode`. */
static void test_mode_despite_umask(void **state)
{
	char *path = path_in("m.json");
	mode_t old = umask(0277);
	struct stat st;

	(void)state;
	assert_int_equal(atomic_write(path, NULL, 0600, 0, "x", 1), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	umask(0);
	assert_int_equal(atomic_write(path, NULL, 0600, 0, "y", 1), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(atomic_write(path, NULL, 0640, 0, "z", 1), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	umask(old);
	free(path);
}

static void test_temporary_file(void **state)
{
	char *path = path_in("b.conf"), *prefix = NULL;
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(atomic_write_fill(path, ".pfx.", 0644, 0, record, &s), 0);
	/* In the target's directory, with the prefix and the target's name, and random. */
	assert_true(asprintf(&prefix, "%s/.pfx.b.conf.", dir) > 0);
	if (strncmp(s.tmp, prefix, strlen(prefix)) != 0)
		fail_msg("temporary file %s is not %s*", s.tmp, prefix);
	assert_int_equal(strlen(s.tmp), strlen(prefix) + 6);
	/* A new file of its own, close-on-exec, and gone after the rename. */
	assert_true(S_ISREG(s.st.st_mode));
	assert_int_equal(s.st.st_nlink, 1);
	assert_int_equal(s.st.st_size, 0);
	assert_true(s.flags & FD_CLOEXEC);
	assert_int_equal(access(s.tmp, F_OK), -1);
	assert_int_equal(count_entries(), 1);
	free(prefix);
	free(path);
}

static int fail_fill(int fd, void *userdata)
{
	(void)userdata;
	if (write(fd, "partial", 7) != 7)
		return -EIO;
	return -ENOSPC;
}

static void test_failure_keeps_target(void **state)
{
	char *path = path_in("c.json"), *text, *nodir = NULL;

	(void)state;
	assert_int_equal(atomic_write(path, NULL, 0600, 0, "kept", 4), 0);
	assert_int_equal(atomic_write_fill(path, NULL, 0600, ATOMIC_FSYNC, fail_fill, NULL),
			 -ENOSPC);
	text = slurp(path);
	assert_string_equal(text, "kept");
	free(text);
	assert_int_equal(count_entries(), 1); /* no temporary file left */

	/* A missing directory, and a target that is a directory. */
	assert_true(asprintf(&nodir, "%s/nope/x.json", dir) > 0);
	assert_int_equal(atomic_write(nodir, NULL, 0600, 0, "x", 1), -ENOENT);
	free(nodir);
	assert_true(asprintf(&nodir, "%s/", dir) > 0);
	assert_int_equal(atomic_write(nodir, NULL, 0600, 0, "x", 1), -EISDIR);
	free(nodir);
	assert_int_equal(count_entries(), 1);
	free(path);
}

/* atomic_stage / atomic_commit / atomic_abort: nothing of the new contents shows under the
 * target's name until the commit; an abort leaves the target as it was and no temp file. */
static void test_staged(void **state)
{
	_cleanup_free_ char *path = path_in("entry"), *sub = path_in("entry/x"), *got = NULL;
	struct atomic_file f = ATOMIC_FILE_NULL;

	(void)state;
	assert_int_equal(atomic_commit(&f), 0); /* nothing staged: nothing done */
	atomic_abort(&f);
	assert_int_equal(atomic_write(path, NULL, 0600, 0, "old", 3), 0);
	assert_int_equal(atomic_stage(path, NULL, 0600, ATOMIC_FSYNC, "new!", 4, &f), 0);
	assert_true(atomic_staged(&f));
	assert_int_equal(count_entries(), 2);
	got = slurp(path);
	assert_string_equal(got, "old");
	free(got);
	assert_int_equal(atomic_commit(&f), 0);
	assert_false(atomic_staged(&f));
	assert_int_equal(atomic_commit(&f), 0); /* ended: a second commit is a no-op */
	got = slurp(path);
	assert_string_equal(got, "new!");
	free(got);
	assert_int_equal(count_entries(), 1);

	assert_int_equal(atomic_stage(path, NULL, 0600, 0, "never", 5, &f), 0);
	atomic_abort(&f);
	assert_false(atomic_staged(&f));
	got = slurp(path);
	assert_string_equal(got, "new!");
	free(got);
	got = NULL;
	assert_int_equal(count_entries(), 1);

	/* A commit that cannot rename (the target became a directory): an error, and the
	 * temporary file goes. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(atomic_stage(path, NULL, 0600, 0, "x", 1, &f), 0);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_true(atomic_commit(&f) < 0);
	assert_false(atomic_staged(&f));
	assert_int_equal(count_entries(), 1);
	assert_int_equal(rmdir(sub), 0);
	assert_int_equal(rmdir(path), 0);
	/* A stage that cannot create its file: an error, nothing staged. */
	assert_int_equal(atomic_stage(sub, NULL, 0600, 0, "x", 1, &f), -ENOENT);
	assert_false(atomic_staged(&f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_and_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode_despite_umask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_temporary_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_keeps_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_staged, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
