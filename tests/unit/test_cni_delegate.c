// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Invoking a delegate, with plugins that are small shell scripts in a scratch directory (the
 * CNI_PATH): every way a plugin fails becomes an error with the right CNI code and a message
 * naming the network and the plugin; code 1 leads to one VERSION probe and a retry; DEL of an
 * attachment stored in a version newer than ours or unknown still runs. No root needed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cni/cni.h"
#include "cni/delegate.h"
#include "cni/result.h"
#include "testutil.h"

#define assert_has(hay, needle)                                                                    \
	do {                                                                                       \
		if (!strstr((hay), (needle)))                                                      \
			fail_msg("\"%s\" not found in \"%s\"", (needle), (hay));                   \
	} while (0)

static char *dir, *log_path;

/*
 * Every plugin starts by logging "<name> <command> <the cniVersion it was spoken to in>
 * <prev|noprev>" to $LOG. The version is read from the config without its prevResult.
 */
static const char preamble[] =
    "conf=$(cat)\n"
    "head=${conf%%,\\\"prevResult\\\"*}\n"
    "ver=$(printf '%s' \"$head\" | sed -n 's/.*\"cniVersion\":\"\\([^\"]*\\)\".*/\\1/p')\n"
    "case \"$conf\" in *'\"prevResult\"'*) p=prev ;; *) p=noprev ;; esac\n"
    "echo \"${0##*/} $CNI_COMMAND $ver $p\" >>\"$LOG\"\n";

#define RESULT_FMT                                                                                 \
	"printf '{\"cniVersion\":\"%%s\",\"interfaces\":[{\"name\":\"eth0\",\"sandbox\":\"/run/"   \
	"netns/p\"}],\"ips\":[{\"address\":\"10.0.0.2/24\",\"interface\":0}]}' \"$ver\"\n"

static const struct {
	const char *name, *body;
} plugins[] = {
	{ "ok", "[ \"$CNI_COMMAND\" = ADD ] || exit 0\n" RESULT_FMT },
	/* Speaks 0.3.1 and 0.4.0 only, and says so with code 1 as the Go skel does. */
	{ "picky", "if [ \"$CNI_COMMAND\" = VERSION ]; then\n"
		   "echo '{\"cniVersion\":\"0.4.0\",\"supportedVersions\":[\"0.3.1\",\"0.4.0\"]}'\n"
		   "exit 0\nfi\n"
		   "case $ver in 0.3.1|0.4.0) ;; *)\n"
		   "printf '{\"code\":1,\"msg\":\"incompatible CNI versions: %s\"}' \"$ver\"\n"
		   "exit 1 ;; esac\n"
		   "[ \"$CNI_COMMAND\" = ADD ] || exit 0\n" RESULT_FMT },
	/* Speaks only a version above every caller's. */
	{ "never", "if [ \"$CNI_COMMAND\" = VERSION ]; then\n"
		   "echo '{\"cniVersion\":\"2.0.0\",\"supportedVersions\":[\"2.0.0\"]}'\n"
		   "exit 0\nfi\n"
		   "echo '{\"code\":1,\"msg\":\"never: only 2.0.0\"}'\nexit 1" },
	{ "errjson", "echo '{\"code\":11,\"msg\":\"try again later\",\"details\":\"busy\"}'\n"
		     "exit 1" },
	/* An error object, but exit 0: the exit status decides (libcni). */
	{ "errok", "echo '{\"code\":7,\"msg\":\"an error, but exit 0\"}'" },
	{ "exit3", "echo first >&2\necho 'last words' >&2\nexit 3" },
	{ "garbage", "echo 'this is { not json'" },
	{ "flood", "head -c 2097152 /dev/zero | tr '\\0' x" },
	{ "hang", "sleep 4001 &\nexec sleep 4002" },
	{ "segv", "echo dying >&2\nkill -SEGV $$" },
	{ "deaf", "exec 0<&-\n[ \"$CNI_COMMAND\" = ADD ] || exit 0\n" RESULT_FMT },
};

static int setup(void **state)
{
	(void)state;
	dir = tu_scratch("delegate-test");
	if (!dir || asprintf(&log_path, "%s/log", dir) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(plugins) / sizeof(plugins[0]); i++) {
		char *text = NULL, *p;

		if (asprintf(&text, "#!/bin/sh\n%s%s\n", preamble, plugins[i].body) < 0)
			return -1;
		p = tu_write(dir, plugins[i].name, 0755, text);
		free(text);
		if (!p)
			return -1;
		free(p);
	}
	setenv("LOG", log_path, 1);
	return 0;
}

static int teardown(void **state)
{
	int r;

	(void)state;
	r = tu_rm_rf(dir);
	free(dir);
	free(log_path);
	dir = log_path = NULL;
	return r;
}

/* Each test starts with an empty log. */
static int clear_log(void **state)
{
	(void)state;
	unlink(log_path);
	return 0;
}

/* The log so far ("" when nothing ran); malloc'd. */
static char *calls(void)
{
	char *s = tu_read(log_path);

	return s ? s : strdup("");
}

static struct cni_invoke inv_for(long timeout_ms)
{
	return (struct cni_invoke){ .container_id = "c1",
				    .netns = "/run/netns/p",
				    .ifname = "eth0",
				    .cni_path = dir,
				    .caller_version = "1.0.0",
				    .timeout_ms = timeout_ms };
}

/* {"cniVersion":"1.0.0","name":"net","type":TYPE} */
static json_t *conf_of(const char *type)
{
	json_t *c = json_pack("{s:s,s:s,s:s}", "cniVersion", "1.0.0", "name", "net", "type", type);

	assert_non_null(c);
	return c;
}

/* A canonical result, as the store keeps it. */
static json_t *prev_result(void)
{
	static const char text[] = "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\","
				   "\"sandbox\":\"/run/netns/p\"}],\"ips\":[{\"address\":\"10.0.0."
				   "2/24\",\"interface\":0}]}";
	json_t *res = NULL;
	struct err e = { 0 };

	assert_int_equal(cni_result_parse(text, strlen(text), "1.0.0", &res, &e), 0);
	return res;
}

/* ADD of `type`, expected to fail: its return; the error in *e. */
static int add_fails(const char *type, long timeout_ms, struct err *e)
{
	json_auto_t *conf = conf_of(type);
	struct cni_invoke inv = inv_for(timeout_ms);
	json_t *res = NULL;
	char *v = NULL;
	int r = cni_delegate_add(conf, &inv, "1.0.0", &res, &v, e);

	assert_true(r < 0);
	assert_null(res);
	assert_null(v);
	return r;
}

static int del_of(const char *type, const char *version, json_t *prev, struct err *e)
{
	json_auto_t *conf = conf_of(type);
	struct cni_invoke inv = inv_for(5000);

	return cni_delegate_del(conf, &inv, version, prev, e);
}

static void test_add_ok(void **state)
{
	json_auto_t *conf = conf_of("ok"), *res = NULL;
	struct cni_invoke inv = inv_for(5000);
	_cleanup_free_ char *v = NULL, *log = NULL;
	struct err e = { 0 };

	(void)state;
	assert_int_equal(cni_delegate_add(conf, &inv, "1.0.0", &res, &v, &e), 0);
	assert_string_equal(v, "1.0.0");
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(json_object_get(res, "ips"), 0), "address")),
			    "10.0.0.2/24");
	log = calls();
	assert_string_equal(log, "ok ADD 1.0.0 noprev\n");
}

static void test_missing(void **state)
{
	struct err e = { 0 };

	(void)state;
	assert_int_equal(add_fails("nope", 5000, &e), -ENOENT);
	assert_has(e.msg, "network \"net\"");
	assert_has(e.msg, "\"nope\"");
	assert_has(e.msg, dir);
	memset(&e, 0, sizeof(e));
	assert_int_equal(del_of("nope", "1.0.0", NULL, &e), -ENOENT);
	assert_has(e.msg, "\"nope\"");
}

static void test_error_json(void **state)
{
	struct err e = { 0 };

	(void)state;
	add_fails("errjson", 5000, &e);
	assert_int_equal(e.code, 11);
	assert_has(e.msg, "network \"net\": errjson ADD failed: try again later");
	assert_string_equal(e.details, "busy");
	memset(&e, 0, sizeof(e));
	assert_true(del_of("errjson", "1.0.0", NULL, &e) < 0);
	assert_int_equal(e.code, 11);
	assert_has(e.msg, "errjson DEL failed: try again later");
}

static void test_error_exit0(void **state)
{
	json_auto_t *conf = conf_of("errok"), *prev = prev_result();
	struct cni_invoke inv = inv_for(5000);
	struct err e = { 0 };

	(void)state;
	add_fails("errok", 5000, &e);
	assert_int_equal(e.code, 7);
	assert_has(e.msg, "errok ADD failed: an error, but exit 0");
	memset(&e, 0, sizeof(e));
	assert_int_equal(del_of("errok", "1.0.0", NULL, &e), 0);
	assert_int_equal(cni_delegate_check(conf, &inv, "1.0.0", prev, &e), 0);
}

static void test_exit_status(void **state)
{
	struct err e = { 0 };

	(void)state;
	add_fails("exit3", 5000, &e);
	assert_int_equal(e.code, CNI_ERR_DELEGATE);
	assert_has(e.msg, "exit3 ADD exited with status 3: last words");
	memset(&e, 0, sizeof(e));
	assert_true(del_of("exit3", "1.0.0", NULL, &e) < 0);
	assert_has(e.msg, "exit3 DEL exited with status 3");
}

static void test_garbage(void **state)
{
	struct err e = { 0 };

	(void)state;
	assert_int_equal(add_fails("garbage", 5000, &e), -EBADMSG);
	assert_int_equal(e.code, CNI_ERR_DECODE);
	assert_has(e.msg, "garbage ADD printed an invalid result");
	/* A DEL that exits 0 has succeeded, whatever it printed. */
	memset(&e, 0, sizeof(e));
	assert_int_equal(del_of("garbage", "1.0.0", NULL, &e), 0);
}

static void test_flood(void **state)
{
	struct err e = { 0 };

	(void)state;
	assert_int_equal(add_fails("flood", 5000, &e), -EMSGSIZE);
	assert_int_equal(e.code, CNI_ERR_DELEGATE);
	assert_has(e.msg, "flood ADD printed more than 1048576 bytes");
	memset(&e, 0, sizeof(e));
	assert_int_equal(del_of("flood", "1.0.0", NULL, &e), 0);
}

static void test_timeout(void **state)
{
	struct timespec t0, t1;
	struct err e = { 0 };
	long ms;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(add_fails("hang", 300, &e), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 300 && ms < 3000);
	assert_int_equal(e.code, CNI_ERR_DELEGATE);
	assert_has(e.msg, "hang ADD did not finish within 300 ms and was killed");
}

static void test_signal(void **state)
{
	struct err e = { 0 };

	(void)state;
	assert_int_equal(add_fails("segv", 5000, &e), -ECHILD);
	assert_int_equal(e.code, CNI_ERR_DELEGATE);
	assert_has(e.msg, "segv ADD was killed by signal 11: dying");
}

static void test_stdin_closed(void **state)
{
	json_auto_t *conf = conf_of("deaf"), *res = NULL;
	struct cni_invoke inv = inv_for(5000);
	_cleanup_free_ char *v = NULL;
	struct err e = { 0 };

	(void)state;
	assert_int_equal(cni_delegate_add(conf, &inv, "1.0.0", &res, &v, &e), 0);
	assert_non_null(res);
}

/* Code 1 at ADD: one VERSION probe, then the whole ADD again in the best common version. */
static void test_renegotiate_add(void **state)
{
	json_auto_t *conf = conf_of("picky"), *res = NULL;
	struct cni_invoke inv = inv_for(5000);
	_cleanup_free_ char *v = NULL, *log = NULL;
	struct err e = { 0 };

	(void)state;
	assert_int_equal(cni_delegate_add(conf, &inv, "1.0.0", &res, &v, &e), 0);
	assert_string_equal(v, "0.4.0");
	assert_non_null(res);
	log = calls();
	assert_string_equal(log, "picky ADD 1.0.0 noprev\npicky VERSION 1.0.0 noprev\n"
				 "picky ADD 0.4.0 noprev\n");
}

/* Nothing in common: the plugin's own error stands, and nothing is retried. */
static void test_renegotiate_nothing_common(void **state)
{
	_cleanup_free_ char *log = NULL;
	struct err e = { 0 };

	(void)state;
	add_fails("never", 5000, &e);
	assert_int_equal(e.code, CNI_ERR_INCOMPATIBLE_VERSION);
	assert_has(e.msg, "never: only 2.0.0");
	log = calls();
	assert_string_equal(log, "never ADD 1.0.0 noprev\nnever VERSION 1.0.0 noprev\n");
}

static void test_renegotiate_del(void **state)
{
	json_auto_t *prev = prev_result();
	_cleanup_free_ char *log = NULL;
	struct err e = { 0 };

	(void)state;
	assert_int_equal(del_of("picky", "1.0.0", prev, &e), 0);
	log = calls();
	assert_string_equal(log, "picky DEL 1.0.0 prev\npicky VERSION 1.0.0 noprev\n"
				 "picky DEL 0.4.0 prev\n");
}

/*
 * DEL of an attachment stored in a version newer than ours, or unknown: no prevResult can be
 * written in it, but the DEL runs, without one; a plugin that refuses the version gets it
 * again, renegotiated, with the prevResult in the version it speaks.
 */
static void test_del_stored_version_unknown(void **state)
{
	static const char *const versions[] = { "1.2.0", "9.9.9", "x.y" };

	(void)state;
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		const char *v = versions[i];
		json_auto_t *prev = prev_result();
		_cleanup_free_ char *log = NULL, *want = NULL;
		struct err e = { 0 };

		json_object_set_new(prev, "cniVersion", json_string(v));
		clear_log(NULL);
		assert_int_equal(del_of("ok", v, prev, &e), 0);
		log = calls();
		assert_true(asprintf(&want, "ok DEL %s noprev\n", v) > 0);
		assert_string_equal(log, want);
		free(log);
		free(want);

		clear_log(NULL);
		assert_int_equal(del_of("picky", v, prev, &e), 0);
		log = calls();
		assert_true(asprintf(&want,
				     "picky DEL %s noprev\npicky VERSION 1.0.0 noprev\n"
				     "picky DEL 0.4.0 prev\n",
				     v) > 0);
		assert_string_equal(log, want);
	}
}

/* A conflist's DEL runs every plugin in reverse, past errors, and returns the first. */
static void test_del_list_past_errors(void **state)
{
	json_auto_t *conf =
	    json_pack("{s:s,s:s,s:[{s:s},{s:s},{s:s}]}", "cniVersion", "1.0.0", "name", "net",
		      "plugins", "type", "ok", "type", "exit3", "type", "errjson");
	struct cni_invoke inv = inv_for(5000);
	_cleanup_free_ char *log = NULL;
	struct err e = { 0 };

	(void)state;
	assert_non_null(conf);
	assert_true(cni_delegate_del(conf, &inv, "1.0.0", NULL, &e) < 0);
	assert_int_equal(e.code, 11);
	assert_has(e.msg, "errjson DEL failed: try again later");
	log = calls();
	assert_string_equal(log, "errjson DEL 1.0.0 noprev\nexit3 DEL 1.0.0 noprev\n"
				 "ok DEL 1.0.0 noprev\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_add_ok, clear_log),
		cmocka_unit_test_setup(test_missing, clear_log),
		cmocka_unit_test_setup(test_error_json, clear_log),
		cmocka_unit_test_setup(test_error_exit0, clear_log),
		cmocka_unit_test_setup(test_exit_status, clear_log),
		cmocka_unit_test_setup(test_garbage, clear_log),
		cmocka_unit_test_setup(test_flood, clear_log),
		cmocka_unit_test_setup(test_timeout, clear_log),
		cmocka_unit_test_setup(test_signal, clear_log),
		cmocka_unit_test_setup(test_stdin_closed, clear_log),
		cmocka_unit_test_setup(test_renegotiate_add, clear_log),
		cmocka_unit_test_setup(test_renegotiate_nothing_common, clear_log),
		cmocka_unit_test_setup(test_renegotiate_del, clear_log),
		cmocka_unit_test_setup(test_del_stored_version_unknown, clear_log),
		cmocka_unit_test_setup(test_del_list_past_errors, clear_log),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
