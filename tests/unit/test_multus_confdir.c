// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Finding a delegate config by network name in confDir (PRODUCT.md section 4): .conflist
 * over .conf over .json, files in name order, bad files skipped with a warning, and a name
 * that is only ever compared with a config's "name", never used as a path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cni/cni.h"
#include "testutil.h"
#include "multus/confdir.h"

#define assert_has(hay, needle)                                                                    \
	do {                                                                                       \
		if (!strstr((hay), (needle)))                                                      \
			fail_msg("\"%s\" not found in \"%s\"", (needle), (hay));                   \
	} while (0)

static char *base, *dir; /* base: mkdtemp; dir: base/net.d, the confDir */

static char *warnings[32];
static size_t n_warnings;

static void collect(const char *msg)
{
	if (n_warnings < 32)
		warnings[n_warnings++] = strdup(msg);
}

static void clear_warnings(void)
{
	for (size_t i = 0; i < n_warnings; i++)
		free(warnings[i]);
	n_warnings = 0;
}

static int setup(void **state)
{
	(void)state;
	base = strdup("/tmp/multus-confdir-test.XXXXXX");
	if (!base || !mkdtemp(base) || asprintf(&dir, "%s/net.d", base) < 0 || mkdir(dir, 0755))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	int r;

	(void)state;
	clear_warnings();
	/* Only ever our own mkdtemp directory. */
	if (!base || strncmp(base, "/tmp/multus-confdir-test.", 25) != 0)
		return -1;
	r = tu_rm_rf(base);
	free(base);
	free(dir);
	base = dir = NULL;
	return r == 0 ? 0 : -1;
}

static void put(const char *in, const char *name, const char *text)
{
	char *path = NULL;
	FILE *f;

	assert_true(asprintf(&path, "%s/%s", in, name) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

static void rm(const char *name)
{
	char *path = NULL;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	assert_int_equal(unlink(path), 0);
	free(path);
}

/* A plugin config named `net` with a marker `x` to tell the files apart. */
static void conf(const char *file, const char *net, const char *x)
{
	char *text = NULL;

	assert_true(asprintf(&text,
			     "{\"cniVersion\":\"1.0.0\",\"name\":\"%s\",\"type\":\"bridge\","
			     "\"x\":\"%s\"}",
			     net, x) > 0);
	put(dir, file, text);
	free(text);
}

static void conflist(const char *file, const char *net, const char *x)
{
	char *text = NULL;

	assert_true(asprintf(&text,
			     "{\"cniVersion\":\"1.0.0\",\"name\":\"%s\",\"x\":\"%s\","
			     "\"plugins\":[{\"type\":\"bridge\"},{\"type\":\"tuning\"}]}",
			     net, x) > 0);
	put(dir, file, text);
	free(text);
}

/* confdir_find's marker, or its error as "-N". */
static const char *find_x(const char *name)
{
	static char buf[64];
	json_t *j = NULL;
	struct err e = { 0 };
	int r = confdir_find(dir, name, collect, &j, &e);

	if (r < 0) {
		assert_null(j);
		snprintf(buf, sizeof(buf), "%d", r);
		return buf;
	}
	assert_string_equal(json_string_value(json_object_get(j, "name")), name);
	snprintf(buf, sizeof(buf), "%s", json_string_value(json_object_get(j, "x")));
	json_decref(j);
	return buf;
}

static void test_extension_preference(void **state)
{
	(void)state;
	/* Name order puts the .json first and the .conflist last: the extension wins. */
	conf("10-net-a.json", "net-a", "json");
	conf("20-net-a.conf", "net-a", "conf");
	conflist("30-net-a.conflist", "net-a", "conflist");
	assert_string_equal(find_x("net-a"), "conflist");
	rm("30-net-a.conflist");
	assert_string_equal(find_x("net-a"), "conf");
	rm("20-net-a.conf");
	assert_string_equal(find_x("net-a"), "json");
	rm("10-net-a.json");
	assert_string_equal(find_x("net-a"), "-2");
	assert_int_equal(n_warnings, 0);
}

static void test_name_order(void **state)
{
	(void)state;
	conf("20-b.conf", "net-b", "20");
	conf("10-b.conf", "net-b", "10");
	conf("9-b.conf", "net-b", "9"); /* byte order: "10-" < "20-" < "9-" */
	conf("05-b.json", "net-b", "json");
	assert_string_equal(find_x("net-b"), "10");
	conflist("50-b.conflist", "net-b", "50");
	conflist("40-b.conflist", "net-b", "40");
	assert_string_equal(find_x("net-b"), "40");
	/* Other networks in the same files are not confused with it. */
	conf("00-other.conf", "net-bb", "other");
	assert_string_equal(find_x("net-bb"), "other");
	assert_string_equal(find_x("net"), "-2");
	assert_int_equal(n_warnings, 0);
}

static void test_name_is_content_not_file(void **state)
{
	(void)state;
	conf("net-c.conf", "other", "by-content");
	assert_string_equal(find_x("net-c"), "-2");
	assert_string_equal(find_x("other"), "by-content");
}

static void test_skipped_files(void **state)
{
	static const char *const bad[] = { "00-bad.conf",	"01-notype.conf",
					   "02-noname.conf",	"03-dir.conf",
					   "04-dangling.conf",	"05-big.conf",
					   "06-empty.conflist", "07-array.json",
					   "08-dup.conf",	"09-badplugin.conflist" };
	char *path = NULL, *big;
	FILE *f;

	(void)state;
	put(dir, "00-bad.conf", "{not json");
	put(dir, "01-notype.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"net-d\"}");
	put(dir, "02-noname.conf", "{\"cniVersion\":\"1.0.0\",\"type\":\"bridge\"}");
	assert_true(asprintf(&path, "%s/03-dir.conf", dir) > 0);
	assert_int_equal(mkdir(path, 0755), 0);
	free(path);
	assert_true(asprintf(&path, "%s/04-dangling.conf", dir) > 0);
	assert_int_equal(symlink("/nonexistent/multus-test.conf", path), 0);
	free(path);
	/* Valid JSON of the right name, but over the 1 MiB bound. */
	assert_true(asprintf(&path, "%s/05-big.conf", dir) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	big = malloc(CONF_FILE_MAX_BYTES);
	assert_non_null(big);
	memset(big, ' ', CONF_FILE_MAX_BYTES);
	fputs("{\"cniVersion\":\"1.0.0\",\"name\":\"net-d\",\"type\":\"bridge\"}", f);
	fwrite(big, 1, CONF_FILE_MAX_BYTES, f);
	fclose(f);
	free(big);
	free(path);
	put(dir, "06-empty.conflist",
	    "{\"cniVersion\":\"1.0.0\",\"name\":\"net-d\",\"plugins\":[]}");
	put(dir, "07-array.json", "[{\"name\":\"net-d\",\"type\":\"bridge\"}]");
	put(dir, "08-dup.conf", "{\"name\":\"net-d\",\"type\":\"bridge\",\"type\":\"macvlan\"}");
	put(dir, "09-badplugin.conflist", "{\"name\":\"net-d\",\"plugins\":[{\"type\":\"\"}]}");
	conf("50-net-d.conf", "net-d", "good");

	/* Never fatal: the good file is found, and every bad one was reported. */
	assert_string_equal(find_x("net-d"), "good");
	assert_int_equal(n_warnings, sizeof(bad) / sizeof(bad[0]));
	for (size_t i = 0; i < n_warnings; i++) {
		assert_has(warnings[i], "skipping ");
		assert_has(warnings[i], bad[i]);
	}
	assert_has(warnings[3], "not a regular file");
	assert_has(warnings[4], "cannot open");
	assert_has(warnings[5], "at most 1048576 bytes");
	assert_has(warnings[2], "no \"name\"");
	clear_warnings();

	/* Without a callback too. */
	{
		json_t *j = NULL;
		struct err e = { 0 };

		assert_int_equal(confdir_find(dir, "net-d", NULL, &j, &e), 0);
		assert_string_equal(json_string_value(json_object_get(j, "x")), "good");
		json_decref(j);
	}
	/* The bad files do not stop a name that is nowhere either: -ENOENT, warned. */
	assert_string_equal(find_x("net-z"), "-2");
	assert_int_equal(n_warnings, sizeof(bad) / sizeof(bad[0]));
}

static void test_ignored_names(void **state)
{
	(void)state;
	/* Hidden files, other suffixes and bare suffixes are not configs at all. */
	conf(".hidden.conf", "net-e", "hidden");
	conf("net-e.conf.bak", "net-e", "bak");
	conf("net-e.yaml", "net-e", "yaml");
	conf("net-e", "net-e", "bare");
	conf("net-e.CONF", "net-e", "upper");
	put(dir, "README", "not json at all");
	assert_string_equal(find_x("net-e"), "-2");
	assert_int_equal(n_warnings, 0);
	conf("net-e.conf", "net-e", "real");
	assert_string_equal(find_x("net-e"), "real");
}

static void test_missing(void **state)
{
	json_t *j = (json_t *)&j;
	struct err e = { 0 };
	char *nodir = NULL, *file = NULL;

	(void)state;
	/* Empty directory. */
	assert_int_equal(confdir_find(dir, "net-f", collect, &j, &e), -ENOENT);
	assert_ptr_equal(j, (json_t *)&j);
	/* No directory. */
	assert_true(asprintf(&nodir, "%s/nope", base) > 0);
	assert_int_equal(confdir_find(nodir, "net-f", collect, &j, &e), -ENOENT);
	assert_ptr_equal(j, (json_t *)&j);
	/* Not a directory: an I/O error, not "not found". */
	put(base, "plain", "x");
	assert_true(asprintf(&file, "%s/plain", base) > 0);
	assert_int_equal(confdir_find(file, "net-f", collect, &j, &e), -ENOTDIR);
	assert_int_equal(e.code, CNI_ERR_IO);
	assert_has(e.msg, "cannot read confDir");
	assert_int_equal(n_warnings, 0);
	free(nodir);
	free(file);
}

static void test_name_never_a_path(void **state)
{
	static const char *const names[] = { "../x",  "../x.conf", "x",	 "/etc/passwd",
					     "sub/y", "y",	   "..", "." };
	char *sub = NULL;

	(void)state;
	/* Configs right outside confDir and in a subdirectory of it. */
	put(base, "x.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"type\":\"bridge\"}");
	put(base, "..conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"..\",\"type\":\"bridge\"}");
	assert_true(asprintf(&sub, "%s/sub", dir) > 0);
	assert_int_equal(mkdir(sub, 0755), 0);
	put(sub, "y.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"y\",\"type\":\"bridge\"}");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(find_x(names[i]), "-2") != 0)
			fail_msg("\"%s\" found something", names[i]);
	/* A config may call itself anything: it is matched, not opened by that name. */
	conf("10-odd.conf", "../x", "odd");
	assert_string_equal(find_x("../x"), "odd");
	assert_int_equal(n_warnings, 0);
	free(sub);
}

static void test_conf_load_file(void **state)
{
	json_t *j = NULL;
	struct err e = { 0 };
	char *path = NULL;

	(void)state;
	conflist("a.conflist", "net-g", "x");
	assert_true(asprintf(&path, "%s/a.conflist", dir) > 0);
	assert_int_equal(conf_load_file(path, &j, &e), 0);
	assert_string_equal(json_string_value(json_object_get(j, "name")), "net-g");
	assert_int_equal(json_array_size(json_object_get(j, "plugins")), 2);
	json_decref(j);
	j = NULL;
	free(path);

	put(dir, "b.conf", "{\"name\":\"net-g\",\"type\":\"bridge\",\"cniVersion\":1}");
	assert_true(asprintf(&path, "%s/b.conf", dir) > 0);
	assert_true(conf_load_file(path, &j, &e) < 0);
	assert_int_equal(e.code, CNI_ERR_INVALID_NETCONF);
	assert_has(e.msg, "cniVersion must be a string");
	assert_null(j);
	free(path);

	assert_true(asprintf(&path, "%s/missing.conf", dir) > 0);
	assert_int_equal(conf_load_file(path, &j, &e), -ENOENT);
	assert_int_equal(e.code, CNI_ERR_IO);
	assert_has(e.msg, "missing.conf");
	free(path);
}

/* Issue 9 item 3: one scan per invocation, read lazily on the first lookup. */
static void test_scan_reads_once(void **state)
{
	struct confdir_scan *s = NULL;
	struct err e = { 0 };
	json_t *a = NULL, *b = NULL;

	(void)state;
	assert_int_equal(confdir_scan_new(dir, collect, &s), 0);
	/* Nothing read yet: a file that appears before the first lookup is seen. */
	conf("10-late.conf", "net-h", "late");
	put(dir, "00-bad.conf", "{not json");
	assert_int_equal(n_warnings, 0);
	assert_int_equal(confdir_scan_find(s, "net-h", &a, &e), 0);
	assert_string_equal(json_string_value(json_object_get(a, "x")), "late");
	assert_int_equal(n_warnings, 1);
	assert_has(warnings[0], "00-bad.conf");

	/* From then on the disk is not looked at again: changes are not seen... */
	rm("10-late.conf");
	conflist("20-new.conflist", "net-h", "new");
	conf("30-other.conf", "net-i", "other");
	assert_int_equal(confdir_scan_find(s, "net-h", &b, &e), 0);
	assert_string_equal(json_string_value(json_object_get(b, "x")), "late");
	json_decref(b);
	b = NULL;
	assert_int_equal(confdir_scan_find(s, "net-i", &b, &e), -ENOENT);
	assert_null(b);
	/* ...and the bad file is warned about once. */
	assert_int_equal(n_warnings, 1);

	/* Each lookup gets a copy of its own to change. */
	json_object_set_new(a, "x", json_string("changed"));
	assert_int_equal(confdir_scan_find(s, "net-h", &b, &e), 0);
	assert_ptr_not_equal(a, b);
	assert_string_equal(json_string_value(json_object_get(b, "x")), "late");
	json_decref(a);
	json_decref(b);
	confdir_scan_free(s);
	confdir_scan_free(NULL);
}

/* confdir_scan_also: a second directory (upstream's default confDir) answers only what the
 * first does not have; the first missing altogether is no error. */
static void test_scan_also(void **state)
{
	struct confdir_scan *s = NULL;
	struct err e = { 0 };
	char *up = NULL, *none = NULL;
	json_t *j = NULL;

	(void)state;
	assert_true(asprintf(&up, "%s/upstream", base) > 0);
	assert_true(asprintf(&none, "%s/none", base) > 0);
	assert_int_equal(mkdir(up, 0755), 0);
	conf("10-both.conf", "net-both", "ours");
	put(up, "10-both.conf",
	    "{\"cniVersion\":\"1.0.0\",\"name\":\"net-both\",\"type\":\"bridge\",\"x\":\"up\"}");
	put(up, "20-up.conf",
	    "{\"cniVersion\":\"1.0.0\",\"name\":\"net-up\",\"type\":\"bridge\",\"x\":\"up\"}");

	assert_int_equal(confdir_scan_new(dir, collect, &s), 0);
	assert_int_equal(confdir_scan_also(s, up), 0);
	assert_int_equal(confdir_scan_find(s, "net-both", &j, &e), 0);
	assert_string_equal(json_string_value(json_object_get(j, "x")), "ours");
	json_decref(j);
	j = NULL;
	assert_int_equal(confdir_scan_find(s, "net-up", &j, &e), 0);
	assert_string_equal(json_string_value(json_object_get(j, "x")), "up");
	json_decref(j);
	j = NULL;
	assert_int_equal(confdir_scan_find(s, "net-nowhere", &j, &e), -ENOENT);
	assert_null(j);
	confdir_scan_free(s);

	/* Our directory missing: upstream's still answers. */
	assert_int_equal(confdir_scan_new(none, collect, &s), 0);
	assert_int_equal(confdir_scan_also(s, up), 0);
	assert_int_equal(confdir_scan_find(s, "net-up", &j, &e), 0);
	json_decref(j);
	j = NULL;
	assert_int_equal(confdir_scan_find(s, "net-both", &j, &e), 0);
	assert_string_equal(json_string_value(json_object_get(j, "x")), "up");
	json_decref(j);
	confdir_scan_free(s);

	/* Both missing: not found, no error. */
	assert_int_equal(confdir_scan_new(none, collect, &s), 0);
	assert_int_equal(confdir_scan_also(s, none), 0);
	assert_int_equal(confdir_scan_find(s, "net-up", &j, &e), -ENOENT);
	confdir_scan_free(s);
	free(up);
	free(none);
}

static void test_scan_errors_repeat(void **state)
{
	struct confdir_scan *s = NULL;
	struct err e = { 0 };
	json_t *j = (json_t *)&j;
	char *file = NULL;

	(void)state;
	put(base, "plain", "x");
	assert_true(asprintf(&file, "%s/plain", base) > 0);
	assert_int_equal(confdir_scan_new(file, collect, &s), 0);
	for (int i = 0; i < 2; i++) {
		memset(&e, 0, sizeof(e));
		assert_int_equal(confdir_scan_find(s, "net-j", &j, &e), -ENOTDIR);
		assert_int_equal(e.code, CNI_ERR_IO);
		assert_has(e.msg, "cannot read confDir");
	}
	assert_ptr_equal(j, (json_t *)&j);
	confdir_scan_free(s);
	free(file);
}

/* Issue 7 defect 2: a FIFO or a device is never opened for reading (it would block). */
static void test_scan_odd_files(void **state)
{
	char *path = NULL;

	(void)state;
	assert_true(asprintf(&path, "%s/00-fifo.conf", dir) > 0);
	assert_int_equal(mkfifo(path, 0644), 0);
	free(path);
	assert_true(asprintf(&path, "%s/01-null.conflist", dir) > 0);
	assert_int_equal(symlink("/dev/null", path), 0);
	free(path);
	assert_true(asprintf(&path, "%s/02-fifolink.json", dir) > 0);
	assert_int_equal(symlink("00-fifo.conf", path), 0);
	free(path);
	conf("50-net-k.conf", "net-k", "good");
	/* Blocked in open() this would never return (cmocka has no timeout: the suite hangs). */
	assert_string_equal(find_x("net-k"), "good");
	assert_int_equal(n_warnings, 3);
	assert_has(warnings[0], "00-fifo.conf is not a regular file");
	assert_has(warnings[1], "01-null.conflist is not a regular file");
	assert_has(warnings[2], "02-fifolink.json is not a regular file");
	/* As a clusterNetwork path too. */
	{
		json_t *j = NULL;
		struct err e = { 0 };

		assert_true(asprintf(&path, "%s/00-fifo.conf", dir) > 0);
		assert_int_equal(conf_load_file(path, &j, &e), -EINVAL);
		assert_has(e.msg, "not a regular file");
		assert_int_equal(conf_load_file("/dev/null", &j, &e), -EINVAL);
		assert_null(j);
		free(path);
	}
}

/* clusterNetwork naming a directory: the first config file by name, ours passed over. */
static void test_first_in_dir(void **state)
{
	json_t *j = NULL;
	struct err e = { 0 };

	(void)state;
	assert_int_equal(conf_load_path(dir, &j, &e), -ENOENT);
	assert_int_equal(e.code, CNI_ERR_INVALID_NETCONF);
	assert_has(e.msg, "no config file (.conf, .conflist, .json) in ");
	assert_null(j);
	put(dir, "00-multus.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"m\",\"type\":\"multus\"}");
	put(dir, "05-readme.txt", "not a config");
	conf("30-c.conf", "net-c", "c");
	conflist("20-b.conflist", "net-b", "b");
	conf("40-a.json", "net-a", "a");
	/* By file name, whatever the extension (unlike a lookup by network name). */
	assert_int_equal(conf_load_path(dir, &j, &e), 0);
	assert_string_equal(json_string_value(json_object_get(j, "x")), "b");
	json_decref(j);
	j = NULL;
	/* A file path is that file. */
	{
		char *path = NULL;

		assert_true(asprintf(&path, "%s/30-c.conf", dir) > 0);
		assert_int_equal(conf_load_path(path, &j, &e), 0);
		assert_string_equal(json_string_value(json_object_get(j, "x")), "c");
		json_decref(j);
		j = NULL;
		free(path);
	}
	/* An invalid first file is named, not skipped for the next. */
	put(dir, "10-broken.conf", "{\"name\":");
	err_clear(&e);
	assert_int_equal(conf_load_path(dir, &j, &e), -EINVAL);
	assert_has(e.msg, "10-broken.conf");
	assert_null(j);
	assert_int_equal(confdir_first("/nonexistent-multus-dir", &j, &e), -ENOENT);
	assert_has(e.msg, "cannot read /nonexistent-multus-dir");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_extension_preference, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_is_content_not_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_skipped_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ignored_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_never_a_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conf_load_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_reads_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_also, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_errors_repeat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_odd_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_in_dir, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
