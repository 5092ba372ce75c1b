// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The CNI environment and CNI_ARGS, as runtimes send them (CNI.md): every command's
 * required variables, the container id and ifname rules, and the pod fields that come
 * from CNI_ARGS. Every test starts from an environment without any CNI_* variable.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/cni.h"
#include "cni/env.h"

#define assert_has(hay, needle)                                                                    \
	do {                                                                                       \
		if (!strstr((hay), (needle)))                                                      \
			fail_msg("\"%s\" not found in \"%s\"", (needle), (hay));                   \
	} while (0)

static const char *const vars[] = { "CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS",
				    "CNI_IFNAME",  "CNI_ARGS",	      "CNI_PATH" };

static int clear_env(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
	return 0;
}

/* A complete ADD environment as containerd sends it. */
static void set_full(const char *cmd)
{
	setenv("CNI_COMMAND", cmd, 1);
	setenv("CNI_CONTAINERID", "0a1b2c3d4e5f", 1);
	setenv("CNI_NETNS", "/var/run/netns/cni-1234", 1);
	setenv("CNI_IFNAME", "eth0", 1);
	setenv("CNI_PATH", "/opt/cni/bin:/usr/lib/cni", 1);
	setenv(
	    "CNI_ARGS",
	    "IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0;"
	    "K8S_POD_INFRA_CONTAINER_ID=0a1b2c3d4e5f;K8S_POD_UID=8d6a3c1e-1111-2222-3333-444455556666",
	    1);
}

/* Loads and expects failure with `code` and a message containing `needle`. */
#define expect_env_error(code, needle) expect_env_error_at(code, needle, __FILE__, __LINE__)
static void expect_env_error_at(int code, const char *needle, const char *file, int line)
{
	struct cni_env env = { 0 };
	struct err e = { 0 };
	int r = cni_env_load(&env, &e);

	if (r >= 0) {
		cni_env_done(&env);
		print_error("cni_env_load succeeded, wanted code %d \"%s\"\n", code, needle);
		_fail(file, line);
	}
	_assert_int_equal(e.code, code, file, line);
	if (!strstr(e.msg, needle)) {
		print_error("\"%s\" not found in \"%s\"\n", needle, e.msg);
		_fail(file, line);
	}
	_assert_true((LargestIntegralType)(env.kv == NULL), "env.kv == NULL", file, line);
}

/* ---- CNI_ARGS ---- */

static void test_args_pairs(void **state)
{
	struct cni_kv *kv = NULL;
	struct err e = { 0 };
	size_t n = 0;

	(void)state;
	assert_int_equal(cni_args_parse("IgnoreUnknown=1;K8S_POD_NAMESPACE=default;"
					"K8S_POD_NAME=web-0;K8S_POD_INFRA_CONTAINER_ID=abc;"
					"K8S_POD_UID=u-1",
					&kv, &n, &e),
			 0);
	assert_int_equal(n, 5);
	assert_string_equal(kv[0].key, "IgnoreUnknown");
	assert_string_equal(kv[0].value, "1");
	assert_string_equal(kv[1].key, "K8S_POD_NAMESPACE");
	assert_string_equal(kv[1].value, "default");
	assert_string_equal(kv[4].key, "K8S_POD_UID");
	assert_string_equal(kv[4].value, "u-1");
	assert_string_equal(cni_kv_get(kv, n, "K8S_POD_NAME"), "web-0");
	assert_string_equal(cni_kv_get(kv, n, "K8S_POD_INFRA_CONTAINER_ID"), "abc");
	assert_null(cni_kv_get(kv, n, "k8s_pod_name")); /* keys are case-sensitive */
	assert_null(cni_kv_get(kv, n, "IP"));
	cni_kv_free(kv, n);
}

static void test_args_values(void **state)
{
	struct cni_kv *kv = NULL;
	struct err e = { 0 };
	size_t n = 0;

	(void)state;
	/* Empty value, '=' inside a value, spaces kept as sent, first of a duplicate wins. */
	assert_int_equal(cni_args_parse("A=;B=x=y;C= sp ;A=second", &kv, &n, &e), 0);
	assert_int_equal(n, 4);
	assert_string_equal(kv[0].key, "A");
	assert_string_equal(kv[0].value, "");
	assert_string_equal(kv[1].key, "B");
	assert_string_equal(kv[1].value, "x=y");
	assert_string_equal(kv[2].value, " sp ");
	assert_string_equal(cni_kv_get(kv, n, "A"), "");
	cni_kv_free(kv, n);
}

static void test_args_empty(void **state)
{
	struct cni_kv *kv = (struct cni_kv *)&kv;
	struct err e = { 0 };
	size_t n = 99;

	(void)state;
	assert_int_equal(cni_args_parse("", &kv, &n, &e), 0);
	assert_null(kv);
	assert_int_equal(n, 0);
	n = 99;
	assert_int_equal(cni_args_parse(NULL, &kv, &n, &e), 0);
	assert_null(kv);
	assert_int_equal(n, 0);
	/* Only separators: no pairs, not an error. */
	assert_int_equal(cni_args_parse(";;;", &kv, &n, &e), 0);
	assert_int_equal(n, 0);
	cni_kv_free(kv, n);
	assert_null(cni_kv_get(NULL, 0, "K8S_POD_NAME"));
	cni_kv_free(NULL, 0);
}

static void test_args_separators(void **state)
{
	struct cni_kv *kv = NULL;
	struct err e = { 0 };
	size_t n = 0;

	(void)state;
	assert_int_equal(cni_args_parse("A=1;;B=2", &kv, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(kv[0].key, "A");
	assert_string_equal(kv[1].key, "B");
	assert_string_equal(kv[1].value, "2");
	cni_kv_free(kv, n);

	assert_int_equal(cni_args_parse("A=1;B=2;", &kv, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(kv[1].value, "2");
	cni_kv_free(kv, n);

	assert_int_equal(cni_args_parse(";A=1", &kv, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(kv[0].value, "1");
	cni_kv_free(kv, n);
	assert_int_equal(e.code, 0);
}

/* Pairs joined back, some keys left out (the planner: IP= and MAC= only for the master). */
static void test_args_join(void **state)
{
	static const char *const drop[] = { "IP", "MAC", NULL };
	struct cni_kv *kv = NULL;
	struct err e = { 0 };
	char *s = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(cni_args_parse("IP=10.1.0.5;IgnoreUnknown=1;MAC=12:34:56:78:9a:bc;"
					"K8S_POD_NAME=c1;IPX=v=w;ip=lower",
					&kv, &n, &e),
			 0);
	assert_int_equal(cni_args_join(kv, n, NULL, &s), 0);
	assert_string_equal(s, "IP=10.1.0.5;IgnoreUnknown=1;MAC=12:34:56:78:9a:bc;"
			       "K8S_POD_NAME=c1;IPX=v=w;ip=lower");
	free(s);
	/* Whole keys, case-sensitive as libcni's: IPX and ip stay. */
	assert_int_equal(cni_args_join(kv, n, drop, &s), 0);
	assert_string_equal(s, "IgnoreUnknown=1;K8S_POD_NAME=c1;IPX=v=w;ip=lower");
	free(s);
	cni_kv_free(kv, n);
	/* Every pair dropped, or none there: "". */
	assert_int_equal(cni_args_parse("IP=1.2.3.4", &kv, &n, &e), 0);
	assert_int_equal(cni_args_join(kv, n, drop, &s), 0);
	assert_string_equal(s, "");
	free(s);
	cni_kv_free(kv, n);
	assert_int_equal(cni_args_join(NULL, 0, drop, &s), 0);
	assert_string_equal(s, "");
	free(s);
}

static void test_args_bad_pairs(void **state)
{
	struct cni_kv *kv = NULL;
	struct err e = { 0 };
	size_t n = 7;

	(void)state;
	assert_int_equal(cni_args_parse("A=1;novalue;B=2", &kv, &n, &e), -EINVAL);
	assert_int_equal(e.code, CNI_ERR_INVALID_ENV);
	assert_has(e.msg, "\"novalue\"");
	assert_has(e.msg, "KEY=VALUE");
	assert_null(kv);
	assert_int_equal(n, 7);

	err_clear(&e);
	assert_int_equal(cni_args_parse("=value", &kv, &n, &e), -EINVAL);
	assert_int_equal(e.code, CNI_ERR_INVALID_ENV);
	assert_has(e.msg, "\"=value\"");

	err_clear(&e);
	assert_int_equal(cni_args_parse("A=1;B", &kv, &n, &e), -EINVAL);
	assert_int_equal(e.code, CNI_ERR_INVALID_ENV);
	assert_has(e.msg, "\"B\"");
	assert_null(kv);
}

static void test_args_too_many_pairs(void **state)
{
	char *text = malloc(257 * 8 + 1), *p = text;
	struct cni_kv *kv = NULL;
	struct err e = { 0 };
	size_t n = 0;

	(void)state;
	assert_non_null(text);
	for (int i = 0; i < 256; i++)
		p += sprintf(p, "K%d=v;", i);
	/* 256 pairs are fine. */
	assert_int_equal(cni_args_parse(text, &kv, &n, &e), 0);
	assert_int_equal(n, 256);
	assert_string_equal(kv[255].key, "K255");
	cni_kv_free(kv, n);
	/* The 257th is not. */
	sprintf(p, "K256=v");
	kv = NULL;
	n = 0;
	assert_int_equal(cni_args_parse(text, &kv, &n, &e), -E2BIG);
	assert_int_equal(e.code, CNI_ERR_INVALID_ENV);
	assert_has(e.msg, "more than 256 pairs");
	assert_null(kv);
	free(text);
}

static void test_args_too_long(void **state)
{
	size_t max = 65536;
	char *text = malloc(max + 2);
	struct cni_kv *kv = NULL;
	struct err e = { 0 };
	size_t n = 0;

	(void)state;
	assert_non_null(text);
	/* One pair of exactly 64 KiB is fine. */
	memset(text, 'v', max);
	text[0] = 'K';
	text[1] = '=';
	text[max] = '\0';
	assert_int_equal(cni_args_parse(text, &kv, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(strlen(kv[0].value), max - 2);
	cni_kv_free(kv, n);
	/* One byte more is not. */
	text[max] = 'v';
	text[max + 1] = '\0';
	kv = NULL;
	assert_int_equal(cni_args_parse(text, &kv, &n, &e), -E2BIG);
	assert_int_equal(e.code, CNI_ERR_INVALID_ENV);
	assert_has(e.msg, "longer than 65536 bytes");
	assert_null(kv);
	free(text);
}

static void test_cmd_names(void **state)
{
	static const char *const names[] = { "ADD", "DEL", "CHECK", "GC", "STATUS", "VERSION" };
	enum cni_cmd c = CNI_CMD_ADD;

	(void)state;
	for (int i = 0; i < 6; i++) {
		assert_int_equal(cni_cmd_parse(names[i], &c), 0);
		assert_int_equal(c, (enum cni_cmd)i);
		assert_string_equal(cni_cmd_name((enum cni_cmd)i), names[i]);
	}
	assert_int_equal(cni_cmd_parse("add", &c), -EINVAL);
	assert_int_equal(cni_cmd_parse("", &c), -EINVAL);
	assert_int_equal(cni_cmd_parse(NULL, &c), -EINVAL);
	assert_int_equal(cni_cmd_parse("ADD ", &c), -EINVAL);
	assert_string_equal(cni_cmd_name((enum cni_cmd)42), "?");
}

/* ---- cni_env_load ---- */

static void test_env_add_full(void **state)
{
	struct cni_env env = { 0 };
	struct err e = { 0 };

	(void)state;
	set_full("ADD");
	assert_int_equal(cni_env_load(&env, &e), 0);
	assert_int_equal(env.cmd, CNI_CMD_ADD);
	assert_string_equal(env.command, "ADD");
	assert_string_equal(env.container_id, "0a1b2c3d4e5f");
	assert_string_equal(env.netns, "/var/run/netns/cni-1234");
	assert_string_equal(env.ifname, "eth0");
	assert_string_equal(env.path, "/opt/cni/bin:/usr/lib/cni");
	assert_has(env.args, "IgnoreUnknown=1;");
	assert_int_equal(env.n_kv, 5);
	assert_string_equal(env.pod_namespace, "default");
	assert_string_equal(env.pod_name, "web-0");
	assert_string_equal(env.pod_uid, "8d6a3c1e-1111-2222-3333-444455556666");
	assert_string_equal(env.infra_container_id, "0a1b2c3d4e5f");
	assert_int_equal(e.code, 0);
	cni_env_done(&env);
	assert_null(env.kv);
	assert_int_equal(env.n_kv, 0);
}

static void test_env_del_check(void **state)
{
	struct cni_env env = { 0 };
	struct err e = { 0 };

	(void)state;
	set_full("DEL");
	assert_int_equal(cni_env_load(&env, &e), 0);
	assert_int_equal(env.cmd, CNI_CMD_DEL);
	cni_env_done(&env);

	set_full("CHECK");
	assert_int_equal(cni_env_load(&env, &e), 0);
	assert_int_equal(env.cmd, CNI_CMD_CHECK);
	assert_string_equal(env.pod_name, "web-0");
	cni_env_done(&env);
}

static void test_env_podman_args(void **state)
{
	struct cni_env env = { 0 };
	struct err e = { 0 };

	(void)state;
	set_full("ADD");
	/* podman: no namespace, so no pod. */
	setenv("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAME=happy_turing", 1);
	assert_int_equal(cni_env_load(&env, &e), 0);
	assert_null(env.pod_namespace);
	assert_string_equal(env.pod_name, "happy_turing");
	assert_null(env.pod_uid);
	assert_null(env.infra_container_id);
	cni_env_done(&env);

	/* Empty pairs are tolerated here but not by the Go plugins: delegates get the pairs. */
	setenv("CNI_ARGS", ";IgnoreUnknown=1;;K8S_POD_NAME=a=b;", 1);
	assert_int_equal(cni_env_load(&env, &e), 0);
	assert_string_equal(env.args, "IgnoreUnknown=1;K8S_POD_NAME=a=b");
	cni_env_done(&env);
	setenv("CNI_ARGS", ";;", 1);
	assert_int_equal(cni_env_load(&env, &e), 0);
	assert_string_equal(env.args, "");
	cni_env_done(&env);

	/* No CNI_ARGS at all. */
	unsetenv("CNI_ARGS");
	assert_int_equal(cni_env_load(&env, &e), 0);
	assert_string_equal(env.args, "");
	assert_int_equal(env.n_kv, 0);
	assert_null(env.pod_namespace);
	assert_null(env.pod_name);
	cni_env_done(&env);
}

static void test_env_bad_args(void **state)
{
	(void)state;
	set_full("ADD");
	setenv("CNI_ARGS", "IgnoreUnknown=1;garbage", 1);
	expect_env_error(CNI_ERR_INVALID_ENV, "\"garbage\"");
}

static void test_env_no_command(void **state)
{
	(void)state;
	expect_env_error(CNI_ERR_INVALID_ENV, "CNI_COMMAND is not set");
}

static void test_env_unknown_command(void **state)
{
	(void)state;
	set_full("RESET");
	expect_env_error(CNI_ERR_INVALID_ENV, "\"RESET\"");
	setenv("CNI_COMMAND", "add", 1);
	expect_env_error(CNI_ERR_INVALID_ENV, "not one of ADD, DEL, CHECK, GC, STATUS, VERSION");
	setenv("CNI_COMMAND", "", 1);
	expect_env_error(CNI_ERR_INVALID_ENV, "CNI_COMMAND \"\"");
}

static void test_env_missing_all(void **state)
{
	(void)state;
	setenv("CNI_COMMAND", "ADD", 1);
	expect_env_error(CNI_ERR_INVALID_ENV,
			 "missing: CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_PATH");
}

static void test_env_missing_some(void **state)
{
	(void)state;
	setenv("CNI_COMMAND", "CHECK", 1);
	setenv("CNI_NETNS", "/var/run/netns/x", 1);
	setenv("CNI_ARGS", "K8S_POD_NAME=a", 1);
	expect_env_error(CNI_ERR_INVALID_ENV, "missing: CNI_CONTAINERID, CNI_IFNAME, CNI_PATH");

	clear_env(NULL);
	set_full("ADD");
	unsetenv("CNI_PATH");
	expect_env_error(CNI_ERR_INVALID_ENV, "required environment variables missing: CNI_PATH");

	/* DEL may go without CNI_NETNS: it is not named among the missing. */
	clear_env(NULL);
	setenv("CNI_COMMAND", "DEL", 1);
	expect_env_error(CNI_ERR_INVALID_ENV, "missing: CNI_CONTAINERID, CNI_IFNAME, CNI_PATH");
}

static void test_env_del_without_netns(void **state)
{
	struct cni_env env = { 0 };
	struct err e = { 0 };

	(void)state;
	set_full("DEL");
	unsetenv("CNI_NETNS");
	assert_int_equal(cni_env_load(&env, &e), 0);
	assert_null(env.netns);
	assert_string_equal(env.pod_namespace, "default");
	cni_env_done(&env);

	setenv("CNI_NETNS", "", 1);
	assert_int_equal(cni_env_load(&env, &e), 0);
	assert_string_equal(env.netns, "");
	cni_env_done(&env);

	/* ADD and CHECK need it set and non-empty. */
	setenv("CNI_COMMAND", "ADD", 1);
	expect_env_error(CNI_ERR_INVALID_ENV, "CNI_NETNS is empty");
	setenv("CNI_COMMAND", "CHECK", 1);
	expect_env_error(CNI_ERR_INVALID_ENV, "CNI_NETNS is empty");
	unsetenv("CNI_NETNS");
	expect_env_error(CNI_ERR_INVALID_ENV, "missing: CNI_NETNS");
}

static void test_env_version(void **state)
{
	struct cni_env env = { 0 };
	struct err e = { 0 };

	(void)state;
	setenv("CNI_COMMAND", "VERSION", 1);
	assert_int_equal(cni_env_load(&env, &e), 0);
	assert_int_equal(env.cmd, CNI_CMD_VERSION);
	assert_string_equal(env.command, "VERSION");
	assert_null(env.container_id);
	assert_null(env.kv);
	cni_env_done(&env);

	/* libcni sends junk in the rest: VERSION ignores it, bad CNI_ARGS included. */
	setenv("CNI_CONTAINERID", "", 1);
	setenv("CNI_NETNS", "dummy", 1);
	setenv("CNI_IFNAME", "a/b:c d", 1);
	setenv("CNI_ARGS", "not-a-pair", 1);
	assert_int_equal(cni_env_load(&env, &e), 0);
	assert_int_equal(env.cmd, CNI_CMD_VERSION);
	assert_null(env.pod_name);
	cni_env_done(&env);
	assert_int_equal(e.code, 0);
}

static void test_env_status(void **state)
{
	struct cni_env env = { 0 };
	struct err e = { 0 };

	(void)state;
	/* STATUS needs only CNI_PATH. */
	setenv("CNI_COMMAND", "STATUS", 1);
	expect_env_error(CNI_ERR_INVALID_ENV, "required environment variables missing: CNI_PATH");

	setenv("CNI_PATH", "/opt/cni/bin", 1);
	assert_int_equal(cni_env_load(&env, &e), 0);
	assert_int_equal(env.cmd, CNI_CMD_STATUS);
	assert_string_equal(env.path, "/opt/cni/bin");
	assert_null(env.container_id);
	assert_string_equal(env.args, "");
	cni_env_done(&env);

	/* A container id and ifname that ADD would refuse are not looked at. */
	setenv("CNI_CONTAINERID", "../x", 1);
	setenv("CNI_IFNAME", "..", 1);
	assert_int_equal(cni_env_load(&env, &e), 0);
	cni_env_done(&env);
	assert_int_equal(e.code, 0);
}

static void test_env_gc(void **state)
{
	struct cni_env env = { 0 };
	struct err e = { 0 };

	(void)state;
	setenv("CNI_COMMAND", "GC", 1);
	setenv("CNI_PATH", "/opt/cni/bin", 1);
	setenv("CNI_CONTAINERID", "../x", 1);
	setenv("CNI_IFNAME", "..", 1);
	assert_int_equal(cni_env_load(&env, &e), 0);
	assert_int_equal(env.cmd, CNI_CMD_GC);
	assert_string_equal(env.path, "/opt/cni/bin");
	cni_env_done(&env);

	/* GC needs CNI_PATH (env_table once read it from the wrong column, fixed in 1da739f). */
	unsetenv("CNI_PATH");
	expect_env_error(CNI_ERR_INVALID_ENV, "required environment variables missing: CNI_PATH");
}

static void test_env_empty_container_id(void **state)
{
	(void)state;
	set_full("ADD");
	setenv("CNI_CONTAINERID", "", 1);
	expect_env_error(CNI_ERR_UNKNOWN_CONTAINER, "CNI_CONTAINERID is empty");
	setenv("CNI_COMMAND", "DEL", 1);
	expect_env_error(CNI_ERR_UNKNOWN_CONTAINER, "CNI_CONTAINERID is empty");
}

static void test_env_bad_container_ids(void **state)
{
	static const char *const bad[] = { "../x", ".hidden", "-a",   "_a",   "a/b", "a b",
					   "a:b",  "a;b",     "a\tb", "a\nb", "ä",   "a*" };
	static const char *const good[] = { "a", "0", "A.b-c_d", "abc123", "x..y" };
	struct cni_env env = { 0 };
	struct err e = { 0 };
	char longid[202];

	(void)state;
	set_full("ADD");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[80];

		setenv("CNI_CONTAINERID", bad[i], 1);
		snprintf(want, sizeof(want), "CNI_CONTAINERID \"%s\" is invalid", bad[i]);
		expect_env_error(CNI_ERR_INVALID_ENV, want);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		setenv("CNI_CONTAINERID", good[i], 1);
		assert_int_equal(cni_env_load(&env, &e), 0);
		assert_string_equal(env.container_id, good[i]);
		cni_env_done(&env);
	}
	/* Ids become file names: 200 bytes at most. */
	memset(longid, 'a', 200);
	longid[200] = '\0';
	setenv("CNI_CONTAINERID", longid, 1);
	assert_int_equal(cni_env_load(&env, &e), 0);
	cni_env_done(&env);
	longid[200] = 'a';
	longid[201] = '\0';
	setenv("CNI_CONTAINERID", longid, 1);
	expect_env_error(CNI_ERR_INVALID_ENV, "is invalid: 201 bytes long, at most 200");
}

static void test_env_bad_ifnames(void **state)
{
	static const char *const bad[] = { "",	   ".",	    "..",
					   "a/b",  "a:b",   "a b",
					   "a\tb", "eth\n", "abcdefghijklmnop" /* 16 */ };
	static const char *const good[] = {
		"abcdefghijklmno" /* 15 */, "e", "net1", "...", "eth0.100", "a-b_c@d"
	};
	struct cni_env env = { 0 };
	struct err e = { 0 };

	(void)state;
	set_full("ADD");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[64];

		setenv("CNI_IFNAME", bad[i], 1);
		snprintf(want, sizeof(want), "CNI_IFNAME \"%s\" is invalid", bad[i]);
		expect_env_error(CNI_ERR_INVALID_ENV, want);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		setenv("CNI_IFNAME", good[i], 1);
		assert_int_equal(cni_env_load(&env, &e), 0);
		assert_string_equal(env.ifname, good[i]);
		cni_env_done(&env);
	}
	/* DEL checks it too. */
	setenv("CNI_COMMAND", "DEL", 1);
	setenv("CNI_IFNAME", "a:b", 1);
	expect_env_error(CNI_ERR_INVALID_ENV, "1-15 bytes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args_pairs),
		cmocka_unit_test(test_args_values),
		cmocka_unit_test(test_args_empty),
		cmocka_unit_test(test_args_separators),
		cmocka_unit_test(test_args_join),
		cmocka_unit_test(test_args_bad_pairs),
		cmocka_unit_test(test_args_too_many_pairs),
		cmocka_unit_test(test_args_too_long),
		cmocka_unit_test(test_cmd_names),
		cmocka_unit_test_setup(test_env_add_full, clear_env),
		cmocka_unit_test_setup(test_env_del_check, clear_env),
		cmocka_unit_test_setup(test_env_podman_args, clear_env),
		cmocka_unit_test_setup(test_env_bad_args, clear_env),
		cmocka_unit_test_setup(test_env_no_command, clear_env),
		cmocka_unit_test_setup(test_env_unknown_command, clear_env),
		cmocka_unit_test_setup(test_env_missing_all, clear_env),
		cmocka_unit_test_setup(test_env_missing_some, clear_env),
		cmocka_unit_test_setup(test_env_del_without_netns, clear_env),
		cmocka_unit_test_setup(test_env_version, clear_env),
		cmocka_unit_test_setup(test_env_status, clear_env),
		cmocka_unit_test_setup(test_env_gc, clear_env),
		cmocka_unit_test_setup(test_env_empty_container_id, clear_env),
		cmocka_unit_test_setup(test_env_bad_container_ids, clear_env),
		cmocka_unit_test_setup(test_env_bad_ifnames, clear_env),
	};

	return cmocka_run_group_tests(tests, NULL, clear_env);
}
