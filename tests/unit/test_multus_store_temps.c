// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The temp files `.ID.json.XXXXXX` that a multus killed mid-write leaves in cniDir: whoever
 * takes that container's lock next removes them (no live writer can hold one then: every
 * writer holds the lock), and GC finds the containers that have some even without an entry.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "multus/store.h"
#include "testutil.h"

static char *dir;

static int make_dir(void **state)
{
	(void)state;
	dir = tu_scratch("store-temps");
	return dir ? 0 : -1;
}

static int remove_dir(void **state)
{
	int r;

	(void)state;
	r = tu_rm_rf(dir);
	free(dir);
	dir = NULL;
	return r;
}

static void put(const char *name)
{
	char *p = tu_write(dir, name, 0600, "{\"half\":");

	assert_non_null(p);
	free(p);
}

static bool there(const char *name)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return lstat(path, &st) == 0;
}

static void test_lock_sweeps_own_temps(void **state)
{
	/* Not c1's, or not a temp name mkostemp makes: left alone. */
	static const char *const kept[] = {
		".c2.json.Xy98Zw",  ".c1x.json.Ab12Cd", ".x.c1.json.Ab12Cd", ".c1.json.Ab12C",
		".c1.json.Ab12Cd7", ".c1.json.Ab-2Cd",	".c1.json",	     "c1.json.Ab12Cd",
		".c1.lock.Ab12Cd",  "c1.json",
	};
	struct err e = { 0 };
	char path[512];
	int fd = -1;

	(void)state;
	put(".c1.json.Ab12Cd");
	put(".c1.json.000000");
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		put(kept[i]);
	/* A directory of that name cannot be a writer's temp file either. */
	snprintf(path, sizeof(path), "%s/.c1.json.Dir123", dir);
	assert_int_equal(mkdir(path, 0700), 0);

	assert_int_equal(store_lock(dir, "c1", &fd, &e), 0);
	assert_false(there(".c1.json.Ab12Cd"));
	assert_false(there(".c1.json.000000"));
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if (!there(kept[i]))
			fail_msg("%s was removed", kept[i]);
	assert_true(there(".c1.json.Dir123"));
	store_unlock(dir, "c1", fd, false);
	/* An entry written under the lock is whole, and leaves no temp file. */
	assert_int_equal(store_lock(dir, "c2", &fd, &e), 0);
	assert_false(there(".c2.json.Xy98Zw"));
	store_unlock(dir, "c2", fd, false);
}

/* The sweep waits for the lock: a temp file of a container whose lock is held (a live
 * writer's) stays until the holder lets go. */
static void test_sweep_waits_for_the_holder(void **state)
{
	struct timespec ts = { 0, 300 * 1000 * 1000 };
	struct err e = { 0 };
	int fd = -1, status = 0;
	pid_t pid;

	(void)state;
	assert_int_equal(store_lock(dir, "busy", &fd, &e), 0);
	put(".busy.json.Wr1tng");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int cfd = -1;

		close(fd); /* shares the parent's lock */
		alarm(10);
		if (store_lock(dir, "busy", &cfd, NULL) < 0)
			_exit(2);
		store_unlock(dir, "busy", cfd, false);
		_exit(0);
	}
	nanosleep(&ts, NULL); /* the child is waiting for our lock now */
	assert_true(there(".busy.json.Wr1tng"));
	store_unlock(dir, "busy", fd, false);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_false(there(".busy.json.Wr1tng"));
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* GC's list: the containers with temp files, added once, after those already listed. */
static void test_temps_merge(void **state)
{
	char **ids = NULL, *missing = NULL;
	struct err e = { 0 };
	size_t n = 0;

	(void)state;
	assert_true(asprintf(&missing, "%s/none", dir) > 0);
	assert_int_equal(store_temps_merge(missing, &ids, &n, &e), 0);
	assert_int_equal(n, 0);
	free(missing);

	put("has.json");
	put(".has.json.Aa11Bb");
	put(".gone.json.Cc22Dd");
	put(".gone.json.Ee33Ff");
	put(".other.json.Gg44Hh");
	put(".-bad.json.Ii55Jj");
	put(".short.json.Kk66");
	assert_int_equal(store_list(dir, &ids, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_temps_merge(dir, &ids, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_string_equal(ids[0], "has");
	qsort(ids + 1, n - 1, sizeof(ids[0]), by_str);
	assert_string_equal(ids[1], "gone");
	assert_string_equal(ids[2], "other");
	store_ids_free(ids, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lock_sweeps_own_temps, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_sweep_waits_for_the_holder, make_dir,
						remove_dir),
		cmocka_unit_test_setup_teardown(test_temps_merge, make_dir, remove_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
