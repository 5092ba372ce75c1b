// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The temp files `.ID.json.XXXXXX` that a multus killed mid-write leaves in cniDir: whoever
 * takes that container's lock next removes them when the dead writer's mark in the lock file
 * says it was writing (no live writer can hold one then: every writer holds the lock), and GC
 * finds the containers that have some, marked or not, even without an entry.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "multus/plan.h"
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

/* What a writer of an older multus killed mid-write leaves in its lock file. */
static void mark(const char *id)
{
	char name[128];
	char *p;

	snprintf(name, sizeof(name), "%s.lock", id);
	p = tu_write(dir, name, 0600, "w");
	assert_non_null(p);
	free(p);
}

/* Marked as this multus marks (the lock file's size 2, a hole) or as an older one did (byte
 * 0 'w'). */
static bool marked(const char *id)
{
	char path[512];
	_cleanup_free_ char *text = NULL;
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s.lock", dir, id);
	if (stat(path, &st) == 0 && st.st_size >= 2)
		return true;
	text = tu_read(path);
	return text && text[0] == 'w';
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
	mark("c1");
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
	/* The mark is cleared: the next locker lists nothing. */
	assert_false(marked("c1"));
	store_unlock(dir, "c1", fd, false);
	/* Without a mark the lock is all (no directory listing); an explicit sweep (GC) goes
	 * by the names alone. */
	assert_int_equal(store_lock(dir, "c2", &fd, &e), 0);
	assert_true(there(".c2.json.Xy98Zw"));
	store_sweep_temps(dir, "c2");
	assert_false(there(".c2.json.Xy98Zw"));
	store_unlock(dir, "c2", fd, false);
	/* Today's mark: a size, no data. Swept and cleared the same. */
	put(".c3.json.Ab12Cd");
	snprintf(path, sizeof(path), "%s/c3.lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 2), 0);
	close(fd);
	assert_int_equal(store_lock(dir, "c3", &fd, &e), 0);
	assert_false(there(".c3.json.Ab12Cd"));
	assert_false(marked("c3"));
	store_unlock(dir, "c3", fd, false);
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
	assert_int_equal(ftruncate(fd, 2), 0); /* writing, as save() marks it */
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
	/* We "die" with the mark set: the child, once it has the lock, sweeps. */
	close(fd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_false(there(".busy.json.Wr1tng"));
}

static size_t temps_of(const char *prefix)
{
	size_t n = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((de = readdir(d)))
		n += strncmp(de->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

/* A writer (a large, fsynced entry, over and over) killed the moment its temp file is there:
 * the next locker finds the mark and no temp file is left after it; a whole write leaves the
 * mark clear. */
static void test_killed_writer(void **state)
{
	struct plan *p = calloc(1, sizeof(*p));
	struct attachment *a;
	size_t big = 2 << 20, mid_write = 0;
	char *blob = malloc(big + 1);
	struct err e = { 0 };
	int fd = -1;

	(void)state;
	assert_non_null(p);
	assert_non_null(blob);
	memset(blob, 'x', big);
	blob[big] = '\0';
	p->container_id = strdup("victim");
	p->ifname = strdup("eth0");
	a = plan_add(p);
	assert_non_null(a);
	a->network = strdup("n");
	a->ifname = strdup("eth0");
	a->version = strdup("1.0.0");
	a->conf = json_pack("{s:s,s:s,s:s}", "name", "n", "type", "bridge", "blob", blob);
	a->master = true;
	free(blob);
	assert_int_equal(store_lock(dir, "victim", &fd, &e), 0);
	assert_int_equal(store_create(dir, p, &e), 0);
	assert_false(marked("victim"));
	store_unlock(dir, "victim", fd, false);
	for (int i = 0; i < 5; i++) {
		struct timespec t0, now, nap = { 0, 100 * 1000 };
		int status;
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0) {
			int cfd = -1;

			alarm(20);
			if (store_lock(dir, "victim", &cfd, NULL) < 0)
				_exit(2);
			for (;;)
				if (store_create(dir, p, NULL) < 0)
					_exit(3);
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		do {
			nanosleep(&nap, NULL);
			clock_gettime(CLOCK_MONOTONIC, &now);
		} while (!temps_of(".victim.json.") && now.tv_sec - t0.tv_sec < 10);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		mid_write += temps_of(".victim.json.") > 0;
		assert_int_equal(store_lock(dir, "victim", &fd, &e), 0);
		assert_int_equal(temps_of(".victim.json."), 0);
		assert_false(marked("victim"));
		store_unlock(dir, "victim", fd, false);
	}
	/* Kills that hit a write, or this tested nothing. */
	print_message("killed mid-write %zu of 5 times\n", mid_write);
	assert_true(mid_write > 0);
	plan_free(p);
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
		cmocka_unit_test_setup_teardown(test_killed_writer, make_dir, remove_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
