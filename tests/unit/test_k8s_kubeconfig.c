// SPDX-License-Identifier: GPL-2.0-or-later
/* Kubeconfig parsing: every field, the context rules, and the errors (which name the field). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "k8s/kubeconfig.h"

static char tmpdir[] = "/tmp/test_k8s_kubeconfig.XXXXXX";

static int parse(const char *text, const char *dir, struct k8s_config **ret, struct err *e)
{
	err_clear(e);
	return k8s_config_parse(text, strlen(text), dir, "kubeconfig /k", ret, e);
}

static void write_file(const char *name, const char *content)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "we");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

/* Parsing must fail with `ret` and a message containing `want` (and never `secret`). */
static void expect_fail(const char *text, int ret, const char *want)
{
	_cleanup_(k8s_config_freep) struct k8s_config *c = NULL;
	struct err e = { 0 };
	int r;

	r = parse(text, "/etc/kube", &c, &e);
	if (r != ret || !strstr(e.msg, want))
		fail_msg("got %d \"%s\", want %d \"%s\"", r, e.msg, ret, want);
	assert_null(c);
	assert_null(strstr(e.msg, "s3cret"));
	assert_non_null(strstr(e.msg, "kubeconfig /k"));
}

#define HEAD "apiVersion: v1\nkind: Config\n"

static void test_full(void **state)
{
	_cleanup_(k8s_config_freep) struct k8s_config *c = NULL;
	struct err e = { 0 };

	assert_int_equal(parse(HEAD "current-context: b\n"
				    "contexts:\n"
				    "- name: a\n  context: {cluster: ca, user: ua}\n"
				    "- name: b\n  context:\n    cluster: cb\n    user: ub\n"
				    "    namespace: x\n"
				    "clusters:\n"
				    "- name: ca\n  cluster: {server: 'https://wrong'}\n"
				    "- name: cb\n  cluster:\n    server: https://10.0.0.1:6443//\n"
				    "    certificate-authority: pki/ca.crt\n"
				    "    insecure-skip-tls-verify: false\n"
				    "    tls-server-name: kubernetes.default\n"
				    "users:\n"
				    "- name: ua\n  user: {token: nope}\n"
				    "- name: ub\n  user:\n    token: \"s3cret\"\n"
				    "    client-certificate: /abs/c.crt\n"
				    "    client-key: k.key\n",
			       "/etc/kube", &c, &e),
			 0);
	assert_string_equal(c->server, "https://10.0.0.1:6443");
	assert_string_equal(c->ca_file, "/etc/kube/pki/ca.crt");
	assert_null(c->ca_data);
	assert_false(c->insecure);
	assert_string_equal(c->tls_server_name, "kubernetes.default");
	assert_string_equal(c->token, "s3cret");
	assert_string_equal(c->cert_file, "/abs/c.crt");
	assert_string_equal(c->key_file, "/etc/kube/k.key");
	assert_null(c->cert_data);
	assert_null(c->key_data);
}

static void test_data_fields(void **state)
{
	_cleanup_(k8s_config_freep) struct k8s_config *c = NULL;
	struct err e = { 0 };

	/* "-----BEGIN X-----\n", "certif", "ke" (no padding) */
	assert_int_equal(parse("clusters:\n- name: c\n  cluster:\n    server: h.example:443/\n"
			       "    certificate-authority-data: LS0tLS1CRUdJTiBYLS0tLS0K\n"
			       "    insecure-skip-tls-verify: true\n"
			       "users:\n- name: u\n  user:\n"
			       "    client-certificate-data: >-\n      Y2Vy\n      dGlm\n"
			       "    client-key-data: a2U\n"
			       "contexts:\n- name: only\n  context: {cluster: c, user: u}\n",
			       NULL, &c, &e),
			 0);
	assert_string_equal(c->server, "https://h.example:443");
	assert_int_equal(c->ca_data_len, 18);
	assert_memory_equal(c->ca_data, "-----BEGIN X-----\n", 18);
	assert_true(c->insecure);
	assert_int_equal(c->cert_data_len, 6);
	assert_memory_equal(c->cert_data, "certif", 6);
	assert_int_equal(c->key_data_len, 2);
	assert_memory_equal(c->key_data, "ke", 2);
	assert_null(c->token);
	assert_null(c->ca_file);
}

static void test_no_user_relative_without_dir(void **state)
{
	_cleanup_(k8s_config_freep) struct k8s_config *c = NULL;
	struct err e = { 0 };

	assert_int_equal(parse("current-context: x\ncontexts:\n- name: x\n  context: {cluster: c}\n"
			       "clusters:\n- name: c\n  cluster: {server: 'http://127.0.0.1:8080', "
			       "certificate-authority: rel/ca.crt}\n",
			       NULL, &c, &e),
			 0);
	assert_string_equal(c->server, "http://127.0.0.1:8080");
	assert_string_equal(c->ca_file, "rel/ca.crt");
	assert_null(c->token);
	assert_null(c->cert_file);
}

#define CLUSTER "clusters:\n- name: c\n  cluster: {server: 'https://a'}\n"
#define CTX "contexts:\n- name: x\n  context: {cluster: c, user: u}\n"

static void test_context_rules(void **state)
{
	expect_fail(CLUSTER "contexts:\n- name: x\n  context: {cluster: c}\n"
			    "- name: y\n  context: {cluster: c}\n",
		    -EINVAL, "current-context is not set and there are 2 contexts");
	expect_fail(CLUSTER, -EINVAL, "no contexts");
	expect_fail("current-context: nope\n" CLUSTER CTX, -ENOENT, "context \"nope\" not found");
	expect_fail("contexts:\n- name: x\n  context: {cluster: b}\n", -ENOENT,
		    "kubeconfig /k: context \"x\": cluster \"b\" not found");
	expect_fail(CLUSTER CTX, -ENOENT, "context \"x\": user \"u\" not found");
	expect_fail(CLUSTER "contexts:\n- name: x\n  context: {user: u}\n", -EINVAL,
		    "context \"x\": no cluster");
	expect_fail(CLUSTER CTX "contexts: []\n", -EINVAL, "contexts: duplicate key");
	expect_fail(CLUSTER "contexts:\n- name: x\n  context: {cluster: c}\n"
			    "- name: x\n  context: {cluster: c}\ncurrent-context: x\n",
		    -EINVAL, "contexts: duplicate name \"x\"");
	expect_fail(CLUSTER "contexts:\n- name: x\n", -EINVAL, "contexts[0].context: missing");
	expect_fail(CLUSTER "contexts:\n- just-a-string\n", -EINVAL,
		    "contexts[0]: expected a mapping");
	expect_fail("contexts: {a: b}\n", -EINVAL, "contexts: expected a list");
}

static void test_cluster_errors(void **state)
{
	expect_fail(CTX "clusters:\n- name: c\n  cluster: {}\n", -EINVAL,
		    "clusters[0].cluster.server: missing");
	expect_fail(CTX "clusters:\n- name: c\n  cluster: {server: 'ftp://a'}\n", -EINVAL,
		    "clusters[0].cluster.server: only https://");
	expect_fail(CTX "clusters:\n- name: z\n  cluster: {server: 'https://a'}\n"
			"- name: c\n  cluster: {server: [1]}\n",
		    -EINVAL, "clusters[1].cluster.server: expected a string");
	expect_fail(CTX "clusters:\n- name: c\n  cluster: {server: 'https://a', "
			"insecure-skip-tls-verify: maybe}\n",
		    -EINVAL,
		    "clusters[0].cluster.insecure-skip-tls-verify: expected true or false");
	expect_fail(CTX "clusters:\n- name: c\n  cluster: {server: 'https://a', "
			"certificate-authority-data: 's3cret!!'}\n",
		    -EINVAL, "clusters[0].cluster.certificate-authority-data: invalid base64");
	expect_fail(CTX "clusters:\n- name: c\n  cluster: {server: 'https://a', "
			"certificate-authority-data: 'QQ=x'}\n",
		    -EINVAL, "invalid base64");
	expect_fail(CTX "clusters:\n- name: c\n  cluster: {server: 'https://a', "
			"certificate-authority-data: 'QUJD', certificate-authority: /ca}\n",
		    -EINVAL, "both set");
}

static void test_user_errors(void **state)
{
	expect_fail(CLUSTER CTX "users:\n- name: u\n  user:\n    exec:\n      command: aws\n",
		    -ENOTSUP,
		    "kubeconfig /k: user \"u\": exec credential plugins are not supported");
	expect_fail(CLUSTER CTX "users:\n- name: u\n  user:\n    auth-provider: {name: gcp}\n",
		    -ENOTSUP, "user \"u\": auth-provider plugins are not supported");
	expect_fail(CLUSTER CTX "users:\n- name: u\n  user: {username: a, password: s3cret}\n",
		    -ENOTSUP, "basic authentication is not supported");
	expect_fail(CLUSTER CTX "users:\n- name: u\n  user: {client-key-data: 's3cret!'}\n",
		    -EINVAL, "users[0].user.client-key-data: invalid base64");
	expect_fail(CLUSTER CTX "users:\n- name: u\n  user: {client-certificate: /c}\n", -EINVAL,
		    "needs both a certificate and a key");
	expect_fail(CLUSTER CTX "users:\n- name: u\n  user: {token: \"s3cret\\nX\"}\n", -EINVAL,
		    "users[0].user.token: contains control characters");
	expect_fail(CLUSTER CTX "users:\n- name: u\n  user: {token: \"s3cret\\0\"}\n", -EINVAL,
		    "users[0].user.token: contains a NUL byte");
	expect_fail(CLUSTER CTX "users:\n- name: u\n  user: {tokenFile: /nonexistent/tok}\n",
		    -ENOENT, "users[0].user.tokenFile: /nonexistent/tok: No such file");
}

static void test_yaml_limits(void **state)
{
	_cleanup_(k8s_config_freep) struct k8s_config *c = NULL;
	_cleanup_free_ char *big = NULL, *deep = NULL;
	struct err e = { 0 };

	expect_fail("a: &x [1, 2]\nb: [*x, *x]\n", -EINVAL, "YAML aliases are not supported");
	expect_fail("a: [\n", -EINVAL, "line");
	expect_fail("", -EINVAL, "empty");
	expect_fail("- 1\n", -EINVAL, "expected a mapping at the top");
	expect_fail("a: 1\n---\nb: 2\n", -EINVAL, "more than one YAML document");

	deep = malloc(200);
	assert_non_null(deep);
	memset(deep, '[', 100);
	deep[100] = '\0';
	expect_fail(deep, -EINVAL, "nested deeper than");

	big = malloc(2 * 1024 * 1024);
	assert_non_null(big);
	memset(big, '#', 2 * 1024 * 1024);
	assert_int_equal(k8s_config_parse(big, 2 * 1024 * 1024, NULL, NULL, &c, &e), -EFBIG);
	assert_null(c);
}

static void test_load_token_file(void **state)
{
	_cleanup_(k8s_config_freep) struct k8s_config *c = NULL, *c2 = NULL, *c3 = NULL;
	char path[256];
	struct err e = { 0 };

	write_file("tok", "first-token\n");
	write_file("kc", CLUSTER CTX "users:\n- name: u\n  user: {tokenFile: tok, token: "
				     "fallback, client-certificate: c.crt, client-key: c.key}\n");
	snprintf(path, sizeof(path), "%s/kc", tmpdir);
	assert_int_equal(k8s_config_load(path, &c, &e), 0);
	assert_string_equal(c->token, "first-token");
	{
		char want[256];

		snprintf(want, sizeof(want), "%s/c.crt", tmpdir);
		assert_string_equal(c->cert_file, want);
	}

	/* Rotated: the next load reads the new token. */
	write_file("tok", "  second-token\r\n\n");
	assert_int_equal(k8s_config_load(path, &c2, &e), 0);
	assert_string_equal(c2->token, "second-token");

	/* Unreadable file: the inline token is the fallback. */
	snprintf(path, sizeof(path), "%s/tok", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/kc", tmpdir);
	assert_int_equal(k8s_config_load(path, &c3, &e), 0);
	assert_string_equal(c3->token, "fallback");
}

static void test_load_errors(void **state)
{
	_cleanup_(k8s_config_freep) struct k8s_config *c = NULL;
	char path[256];
	struct err e = { 0 };

	write_file("tok2", "s3cret\x01oops\n");
	write_file("kc2", CLUSTER CTX "users:\n- name: u\n  user: {tokenFile: tok2}\n");
	snprintf(path, sizeof(path), "%s/kc2", tmpdir);
	assert_int_equal(k8s_config_load(path, &c, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "users[0].user.tokenFile"));
	assert_non_null(strstr(e.msg, "control characters"));
	assert_null(strstr(e.msg, "s3cret"));

	write_file("tok2", "\n");
	assert_int_equal(k8s_config_load(path, &c, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "token file is empty"));

	assert_int_equal(k8s_config_load("/nonexistent/kubeconfig", &c, &e), -ENOENT);
	assert_string_equal(e.msg, "kubeconfig /nonexistent/kubeconfig: No such file or directory");
	assert_int_equal(k8s_config_load(tmpdir, &c, &e), -EINVAL);
	assert_null(c);
}

static void test_in_cluster(void **state)
{
	_cleanup_(k8s_config_freep) struct k8s_config *c = NULL, *c6 = NULL;
	char tok[256], ca[256];
	struct err e = { 0 };

	snprintf(tok, sizeof(tok), "%s/sa-token", tmpdir);
	snprintf(ca, sizeof(ca), "%s/sa-ca.crt", tmpdir);
	write_file("sa-token", "sa-tok\n");
	write_file("sa-ca.crt", "pem");

	unsetenv("KUBERNETES_SERVICE_HOST");
	setenv("KUBERNETES_SERVICE_PORT", "443", 1);
	assert_int_equal(k8s_config_in_cluster(tok, ca, &c, &e), -ENOENT);

	setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
	assert_int_equal(k8s_config_in_cluster(tok, ca, &c, &e), 0);
	assert_string_equal(c->server, "https://10.96.0.1:443");
	assert_string_equal(c->token, "sa-tok");
	assert_string_equal(c->ca_file, ca);

	setenv("KUBERNETES_SERVICE_HOST", "fd00::1", 1);
	assert_int_equal(k8s_config_in_cluster(tok, ca, &c6, &e), 0);
	assert_string_equal(c6->server, "https://[fd00::1]:443");

	setenv("KUBERNETES_SERVICE_HOST", "evil/path?", 1);
	assert_int_equal(k8s_config_in_cluster(tok, ca, &c, &e), -EINVAL);
	setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
	setenv("KUBERNETES_SERVICE_PORT", "70000", 1);
	assert_int_equal(k8s_config_in_cluster(tok, ca, &c, &e), -EINVAL);
	setenv("KUBERNETES_SERVICE_PORT", "443", 1);
	assert_int_equal(k8s_config_in_cluster("/nonexistent/token", ca, &c, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "/nonexistent/token"));
	assert_int_equal(k8s_config_in_cluster(tok, "/nonexistent/ca", &c, &e), -ENOENT);
	unsetenv("KUBERNETES_SERVICE_HOST");
	unsetenv("KUBERNETES_SERVICE_PORT");
}

static int setup(void **state)
{
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	static const char *const files[] = { "tok", "tok2", "kc", "kc2", "sa-token", "sa-ca.crt" };
	char path[256];

	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, files[i]);
		unlink(path);
	}
	return rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_data_fields),
		cmocka_unit_test(test_no_user_relative_without_dir),
		cmocka_unit_test(test_context_rules),
		cmocka_unit_test(test_cluster_errors),
		cmocka_unit_test(test_user_errors),
		cmocka_unit_test(test_yaml_limits),
		cmocka_unit_test(test_load_token_file),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_in_cluster),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
