// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The API client without a network: Status replies and junk turned into errors, names
 * refused before any request, and client creation checks. The wire is tested by
 * tests/k8s/test_client.sh against the fake API server.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "k8s/client.h"

static int status(long code, const char *body, struct err *e)
{
	err_clear(e);
	return k8s_status_error(code, body, body ? strlen(body) : 0, e);
}

static void test_status_forbidden(void **state)
{
	struct err e;

	assert_int_equal(
	    status(403,
		   "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
		   "\"status\":\"Failure\",\"message\":\"pods \\\"x\\\" is forbidden: User "
		   "\\\"system:serviceaccount:kube-system:multus\\\" cannot get resource "
		   "\\\"pods\\\" in API group \\\"\\\" in the namespace \\\"kube-system\\\"\","
		   "\"reason\":\"Forbidden\",\"details\":{\"name\":\"x\",\"kind\":\"pods\"},"
		   "\"code\":403}",
		   &e),
	    -EACCES);
	assert_string_equal(e.msg, "403 Forbidden: pods \"x\" is forbidden: User "
				   "\"system:serviceaccount:kube-system:multus\" cannot get "
				   "resource \"pods\" in API group \"\" in the namespace "
				   "\"kube-system\"");
}

static void test_status_codes(void **state)
{
	struct err e;

	assert_int_equal(status(401,
				"{\"kind\":\"Status\",\"message\":\"Unauthorized\",\"reason\":"
				"\"Unauthorized\",\"code\":401}",
				&e),
			 -EACCES);
	assert_string_equal(e.msg, "401 Unauthorized: Unauthorized");

	assert_int_equal(status(404,
				"{\"kind\":\"Status\",\"message\":\"network-attachment-definitions"
				".k8s.cni.cncf.io \\\"n\\\" not found\",\"reason\":\"NotFound\"}",
				&e),
			 -ENOENT);
	assert_string_equal(
	    e.msg, "404 Not Found: network-attachment-definitions.k8s.cni.cncf.io \"n\" not found");

	/* No message: the reason stands in. */
	assert_int_equal(status(500, "{\"kind\":\"Status\",\"reason\":\"InternalError\"}", &e),
			 -EIO);
	assert_string_equal(e.msg, "500 Internal Server Error: InternalError");

	assert_int_equal(status(429, "{\"kind\":\"Status\",\"message\":\"slow down\"}", &e), -EIO);
	assert_string_equal(e.msg, "429 Too Many Requests: slow down");

	assert_int_equal(status(418, "{\"kind\":\"Status\",\"message\":\"teapot\"}", &e), -EIO);
	assert_string_equal(e.msg, "418 HTTP error: teapot");

	assert_int_equal(status(302, "", &e), -EPROTO);
	assert_string_equal(e.msg, "unexpected HTTP status 302");
}

static void test_status_junk(void **state)
{
	char big[4096];
	struct err e;

	assert_int_equal(status(503, NULL, &e), -EIO);
	assert_string_equal(e.msg, "503 Service Unavailable");

	assert_int_equal(status(502, "<html><body>\nbad gateway\x01\xff</body></html>", &e), -EIO);
	assert_string_equal(e.msg, "502 Bad Gateway: unexpected reply: <html><body> bad "
				   "gateway?"
				   "?</body></html>");

	/* JSON, but not a Status, or a Status with the wrong types. */
	assert_int_equal(status(404, "{\"kind\":\"Pod\",\"message\":\"x\"}", &e), -ENOENT);
	assert_non_null(strstr(e.msg, "404 Not Found: unexpected reply: {\"kind\":\"Pod\""));
	assert_int_equal(status(403, "{\"kind\":\"Status\",\"message\":7}", &e), -EACCES);
	assert_non_null(strstr(e.msg, "unexpected reply"));
	assert_int_equal(status(400, "[1,2", &e), -EIO);
	assert_string_equal(e.msg, "400 Bad Request: unexpected reply: [1,2");

	/* Long messages are cut, never overflow, and say so. */
	memset(big, 'm', sizeof(big));
	memcpy(big, "{\"kind\":\"Status\",\"message\":\"", 28);
	memcpy(big + sizeof(big) - 4, "\"}", 3);
	assert_int_equal(status(500, big, &e), -EIO);
	assert_true(strlen(e.msg) < ERR_MSG_MAX);
	assert_non_null(strstr(e.msg, "mmm..."));

	/* Embedded NUL in the body: the length counts, not the terminator. */
	err_clear(&e);
	assert_int_equal(k8s_status_error(500, "ab\0cd", 5, &e), -EIO);
	assert_string_equal(e.msg, "500 Internal Server Error: unexpected reply: ab?cd");
}

static void test_client_new(void **state)
{
	_cleanup_(k8s_client_freep) struct k8s_client *c = NULL;
	struct k8s_config cfg = { .server = (char *)"ftp://x" };
	struct err e = { 0 };

	assert_int_equal(k8s_client_new(&cfg, 1000, &c, &e), -EINVAL);
	assert_null(c);
	cfg.server = (char *)"https://127.0.0.1:1";
	assert_int_equal(k8s_client_new(&cfg, 0, &c, &e), -EINVAL);
	cfg.tls_server_name = (char *)"bad name:1";
	assert_int_equal(k8s_client_new(&cfg, 1000, &c, &e), -EINVAL);
	assert_null(c);
	cfg.tls_server_name = (char *)"kubernetes.default.svc";
	assert_int_equal(k8s_client_new(&cfg, 1000, &c, &e), 0);
	assert_non_null(c);
	assert_int_equal(k8s_client_requests(c), 0);
	assert_int_equal(k8s_client_connections(c), 0);
	k8s_client_free(NULL);
}

/* Every one of these must be refused before a URL is built: no request is made. */
static void test_names(void **state)
{
	static const char *const bad_ns[] = { "",    "../x",  "a/b", "A",   "-a",  "a-",
					      "a.b", "a%2fb", "a?b", "a b", "a\nb" };
	static const char *const bad_name[] = { "",   "..",    "../etc", "a/b", "x..y", ".x",
						"x.", "UPPER", "a?x=1",	 "a#b", "a%00" };
	_cleanup_(k8s_client_freep) struct k8s_client *c = NULL;
	struct k8s_config cfg = { .server = (char *)"https://127.0.0.1:1" };
	char long_label[70], long_name[300];
	json_auto_t *ann = json_pack("{s:s}", "k", "v");
	json_auto_t *bad_ann = json_pack("{s:i}", "k", 1);
	struct err e = { 0 };
	json_t *obj = NULL;

	assert_int_equal(k8s_client_new(&cfg, 1000, &c, &e), 0);
	for (size_t i = 0; i < ELEMENTSOF(bad_ns); i++) {
		assert_int_equal(k8s_get_pod(c, bad_ns[i], "p", &obj, &e), -EINVAL);
		assert_int_equal(k8s_get_nad(c, bad_ns[i], "n", &obj, &e), -EINVAL);
		assert_int_equal(k8s_patch_pod_annotations(c, bad_ns[i], "p", ann, &e), -EINVAL);
		assert_int_equal(k8s_create(c, "/api/v1", bad_ns[i], "events", ann, &obj, &e),
				 -EINVAL);
	}
	/* The collection must be a plain resource name, the body an object. */
	assert_int_equal(k8s_create(c, "/api/v1", "default", "../pods", ann, &obj, &e), -EINVAL);
	assert_int_equal(k8s_create(c, "/api/v1", "default", "events?x", ann, &obj, &e), -EINVAL);
	assert_int_equal(k8s_create(c, "/api/v1", "default", "events", NULL, &obj, &e), -EINVAL);
	assert_int_equal(k8s_create(NULL, "/api/v1", "default", "events", ann, &obj, &e), -EINVAL);
	for (size_t i = 0; i < ELEMENTSOF(bad_name); i++) {
		assert_int_equal(k8s_get_pod(c, "default", bad_name[i], &obj, &e), -EINVAL);
		assert_non_null(strstr(e.msg, "invalid object name"));
		assert_int_equal(k8s_get_nad(c, "default", bad_name[i], &obj, &e), -EINVAL);
	}
	memset(long_label, 'a', 64);
	long_label[64] = '\0';
	assert_int_equal(k8s_get_pod(c, long_label, "p", &obj, &e), -EINVAL);
	memset(long_name, 'a', 254);
	for (int i = 60; i < 254; i += 61)
		long_name[i] = '.';
	long_name[254] = '\0';
	assert_int_equal(k8s_get_pod(c, "default", long_name, &obj, &e), -EINVAL);
	assert_int_equal(k8s_get_pod(c, "default", NULL, &obj, &e), -EINVAL);
	assert_int_equal(k8s_get_pod(NULL, "default", "p", &obj, &e), -EINVAL);

	assert_int_equal(k8s_patch_pod_annotations(c, "default", "p", bad_ann, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "annotation \"k\" is not a string"));
	assert_int_equal(k8s_patch_pod_annotations(c, "default", "p", NULL, &e), -EINVAL);

	assert_null(obj);
	assert_int_equal(k8s_client_requests(c), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_forbidden),
		cmocka_unit_test(test_status_codes),
		cmocka_unit_test(test_status_junk),
		cmocka_unit_test(test_client_new),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
