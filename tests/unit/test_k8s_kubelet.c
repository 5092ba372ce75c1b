// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kubelet device lookup without a kubelet: gRPC frames, PodResources replies built with
 * protobuf-c as the kubelet would send them, checkpoint files of both shapes, and the
 * validation of what they carry. The wire is tested by tests/k8s/test_kubelet.sh against
 * the fake kubelet.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "k8s/kubelet.h"
#include "k8s/podresources.pb-c.h"

static char *dump(json_t *j)
{
	static char buf[1024];
	char *s = json_dumps(j, JSON_COMPACT);

	snprintf(buf, sizeof(buf), "%s", s ? s : "?");
	free(s);
	return buf;
}

static void test_unframe(void **state)
{
	const uint8_t ok[] = { 0, 0, 0, 0, 2, 0x0a, 0x00 }, empty[] = { 0, 0, 0, 0, 0 };
	const uint8_t zipped[] = { 1, 0, 0, 0, 0 }, short_len[] = { 0, 0, 0, 0, 3, 1 };
	const uint8_t trailing[] = { 0, 0, 0, 0, 0, 9 };
	const uint8_t *msg = NULL;
	size_t len = 99;
	struct err e = { 0 };

	assert_int_equal(k8s_grpc_unframe(ok, sizeof(ok), &msg, &len, &e), 0);
	assert_ptr_equal(msg, ok + 5);
	assert_int_equal(len, 2);
	assert_int_equal(k8s_grpc_unframe(empty, sizeof(empty), &msg, &len, &e), 0);
	assert_int_equal(len, 0);
	assert_int_equal(k8s_grpc_unframe(ok, 4, &msg, &len, &e), -EPROTO);
	assert_non_null(strstr(e.msg, "no message"));
	assert_int_equal(k8s_grpc_unframe(zipped, sizeof(zipped), &msg, &len, &e), -EPROTO);
	assert_non_null(strstr(e.msg, "compressed"));
	assert_int_equal(k8s_grpc_unframe(short_len, sizeof(short_len), &msg, &len, &e), -EPROTO);
	assert_non_null(strstr(e.msg, "says 3 bytes, 1 came"));
	assert_int_equal(k8s_grpc_unframe(trailing, sizeof(trailing), &msg, &len, &e), -EPROTO);
}

/* A pod with `n` containers, container i holding the IDs ids[i] of `resource`. */
static void fill_pod(V1__PodResources *pr, const char *ns, const char *name, const char *resource,
		     char **ids, size_t n_ids, V1__ContainerResources *cr,
		     V1__ContainerResources **crp, V1__ContainerDevices *cd,
		     V1__ContainerDevices **cdp)
{
	v1__pod_resources__init(pr);
	v1__container_resources__init(cr);
	v1__container_devices__init(cd);
	pr->name = (char *)name;
	pr->namespace_ = (char *)ns;
	pr->n_containers = 1;
	pr->containers = crp;
	crp[0] = cr;
	cr->name = (char *)"c";
	cr->n_devices = 1;
	cr->devices = cdp;
	cdp[0] = cd;
	cd->resource_name = (char *)resource;
	cd->n_device_ids = n_ids;
	cd->device_ids = ids;
}

static void test_list_reply(void **state)
{
	char *mine[] = { (char *)"0000:03:02.2", (char *)"0000:03:02.1", (char *)"0000:03:02.2" };
	char *theirs[] = { (char *)"0000:03:02.7" };
	V1__PodResources p1, p2, *pods[2] = { &p1, &p2 };
	V1__ContainerResources c1, c2, *c1p[1], *c2p[1];
	V1__ContainerDevices d1, d2, *d1p[1], *d2p[1];
	V1__ListPodResourcesResponse resp = V1__LIST_POD_RESOURCES_RESPONSE__INIT;
	json_auto_t *devices = json_object();
	struct err e = { 0 };
	uint8_t buf[512];
	size_t len;

	fill_pod(&p1, "default", "other", "example.com/vf", theirs, 1, &c1, c1p, &d1, d1p);
	fill_pod(&p2, "default", "sriov", "example.com/vf", mine, 3, &c2, c2p, &d2, d2p);
	resp.n_pod_resources = 2;
	resp.pod_resources = pods;
	len = v1__list_pod_resources_response__get_packed_size(&resp);
	assert_true(len < sizeof(buf));
	v1__list_pod_resources_response__pack(&resp, buf);

	assert_int_equal(k8s_podresources_parse(buf, len, false, "default", "sriov", devices, &e),
			 0);
	k8s_devices_sort(devices);
	assert_string_equal(dump(devices),
			    "{\"example.com/vf\":[\"0000:03:02.1\",\"0000:03:02.2\"]}");

	/* Same name, other namespace: not this pod. */
	json_object_clear(devices);
	assert_int_equal(
	    k8s_podresources_parse(buf, len, false, "kube-system", "sriov", devices, &e), 0);
	assert_string_equal(dump(devices), "{}");

	/* Truncated: protobuf-c refuses it. */
	assert_int_equal(
	    k8s_podresources_parse(buf, len - 3, false, "default", "sriov", devices, &e), -EPROTO);
	assert_non_null(strstr(e.msg, "ListPodResourcesResponse does not decode"));
}

static void test_get_reply(void **state)
{
	char *ids[] = { (char *)"0000:03:02.4" };
	V1__PodResources p;
	V1__ContainerResources c, *cp[1];
	V1__ContainerDevices d, *dp[1];
	V1__GetPodResourcesResponse resp = V1__GET_POD_RESOURCES_RESPONSE__INIT;
	json_auto_t *devices = json_object();
	struct err e = { 0 };
	uint8_t buf[256];
	size_t len;

	fill_pod(&p, "default", "sriov", "example.com/vf", ids, 1, &c, cp, &d, dp);
	resp.pod_resources = &p;
	len = v1__get_pod_resources_response__get_packed_size(&resp);
	v1__get_pod_resources_response__pack(&resp, buf);
	assert_int_equal(k8s_podresources_parse(buf, len, true, "default", "sriov", devices, &e),
			 0);
	assert_string_equal(dump(devices), "{\"example.com/vf\":[\"0000:03:02.4\"]}");

	json_object_clear(devices);
	assert_int_equal(k8s_podresources_parse(buf, len, true, "default", "x", devices, &e),
			 -EPROTO);
	assert_non_null(strstr(e.msg, "answered for pod default/sriov"));

	/* An empty reply (no pod_resources): no devices. */
	assert_int_equal(k8s_podresources_parse(buf, 0, true, "default", "x", devices, &e), 0);
	assert_string_equal(dump(devices), "{}");
}

static void test_bad_ids(void **state)
{
	char *ctl[] = { (char *)"0000:03:02.1\n{" }, *sp[] = { (char *)"a b" },
	     *none[] = { (char *)"" };
	char **cases[] = { ctl, sp, none };
	json_auto_t *devices = json_object();
	struct err e = { 0 };

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		V1__PodResources p;
		V1__ContainerResources c, *cp[1];
		V1__ContainerDevices d, *dp[1];
		V1__GetPodResourcesResponse resp = V1__GET_POD_RESOURCES_RESPONSE__INIT;
		uint8_t buf[256];
		size_t len;

		fill_pod(&p, "default", "sriov", "example.com/vf", cases[i], 1, &c, cp, &d, dp);
		resp.pod_resources = &p;
		len = v1__get_pod_resources_response__get_packed_size(&resp);
		v1__get_pod_resources_response__pack(&resp, buf);
		assert_int_equal(
		    k8s_podresources_parse(buf, len, true, "default", "sriov", devices, &e),
		    -EPROTO);
		assert_non_null(strstr(e.msg, "invalid device ID"));
	}
	assert_int_equal(k8s_devices_add(devices, "bad resource", "x", &e), -EPROTO);
	assert_non_null(strstr(e.msg, "invalid resource name"));
	assert_string_equal(dump(devices), "{}");
}

static void test_device_cap(void **state)
{
	json_auto_t *devices = json_object();
	struct err e = { 0 };
	char id[32];
	int r = 0;
	unsigned i;

	for (i = 0; i < 5000 && r == 0; i++) {
		snprintf(id, sizeof(id), "dev%u", i);
		r = k8s_devices_add(devices, i % 2 ? "a.com/x" : "b.com/y", id, &e);
	}
	assert_int_equal(r, -EPROTO);
	assert_int_equal(i, 4097);
	assert_non_null(strstr(e.msg, "more than 4096 devices"));
}

static int checkpoint(const char *text, const char *uid, json_t **ret, struct err *e)
{
	json_t *devices = json_object();
	int r = k8s_checkpoint_parse(text, strlen(text), uid, devices, e);

	k8s_devices_sort(devices);
	*ret = devices;
	return r;
}

static void test_checkpoint_shapes(void **state)
{
	struct err e = { 0 };
	json_t *d = NULL;

	assert_int_equal(
	    checkpoint(
		"{\"Data\":{\"PodDeviceEntries\":["
		"{\"PodUID\":\"u1\",\"ContainerName\":\"a\",\"ResourceName\":\"example.com/vf\","
		"\"DeviceIDs\":[\"v3\",\"v1\"],\"AllocResp\":\"\"},"
		"{\"PodUID\":\"u2\",\"ResourceName\":\"example.com/vf\",\"DeviceIDs\":[\"v9\"]},"
		"{\"PodUID\":\"u1\",\"ResourceName\":\"example.com/gpu\",\"DeviceIDs\":[\"g0\"]}],"
		"\"RegisteredDevices\":{}},\"Checksum\":1}",
		"u1", &d, &e),
	    0);
	assert_string_equal(dump(d),
			    "{\"example.com/vf\":[\"v1\",\"v3\"],\"example.com/gpu\":[\"g0\"]}");
	json_decref(d);

	assert_int_equal(
	    checkpoint("{\"Data\":{\"PodDeviceEntries\":["
		       "{\"PodUID\":\"u1\",\"ResourceName\":\"example.com/vf\","
		       "\"DeviceIDs\":{\"1\":[\"v7\"],\"0\":[\"v2\",\"v1\"]}}]},\"Checksum\":1}",
		       "u1", &d, &e),
	    0);
	assert_string_equal(dump(d), "{\"example.com/vf\":[\"v1\",\"v2\",\"v7\"]}");
	json_decref(d);

	/* A kubelet with nothing allocated. */
	assert_int_equal(
	    checkpoint("{\"Data\":{\"PodDeviceEntries\":null,\"RegisteredDevices\":null},"
		       "\"Checksum\":0}",
		       "u1", &d, &e),
	    0);
	assert_string_equal(dump(d), "{}");
	json_decref(d);

	/* Another pod's odd entry is not ours to judge. */
	assert_int_equal(checkpoint("{\"Data\":{\"PodDeviceEntries\":[7,{\"PodUID\":\"u2\","
				    "\"DeviceIDs\":7}]}}",
				    "u1", &d, &e),
			 0);
	json_decref(d);
}

static void test_checkpoint_bad(void **state)
{
	static const char *const bad[][2] = {
		{ "", "not JSON" },
		{ "[]", "not a device checkpoint" },
		{ "{\"Data\":{}}", "not a device checkpoint" },
		{ "{\"Data\":{\"PodDeviceEntries\":{}}}", "not a device checkpoint" },
		{ "{\"Data\":{\"PodDeviceEntries\":[{\"PodUID\":\"u1\",\"DeviceIDs\":[\"a\"]}]}}",
		  "PodDeviceEntries[0]: an entry of the pod has no ResourceName" },
		{ "{\"Data\":{\"PodDeviceEntries\":[{\"PodUID\":\"u1\",\"ResourceName\":\"r.io/x\","
		  "\"DeviceIDs\":\"a\"}]}}",
		  "neither a list nor a map" },
		{ "{\"Data\":{\"PodDeviceEntries\":[{\"PodUID\":\"u1\",\"ResourceName\":\"r.io/x\","
		  "\"DeviceIDs\":{\"0\":[1]}}]}}",
		  "a device ID is not a string" },
		{ "{\"Data\":{\"PodDeviceEntries\":[{\"PodUID\":\"u1\",\"ResourceName\":\"r.io/x\","
		  "\"DeviceIDs\":[\"a\\u0001b\"]}]}}",
		  "invalid device ID" },
	};
	struct err e;
	json_t *d;

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		err_clear(&e);
		assert_int_equal(checkpoint(bad[i][0], "u1", &d, &e), -EPROTO);
		if (!strstr(e.msg, bad[i][1]))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg, bad[i][1]);
		json_decref(d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unframe),	       cmocka_unit_test(test_list_reply),
		cmocka_unit_test(test_get_reply),      cmocka_unit_test(test_bad_ids),
		cmocka_unit_test(test_device_cap),     cmocka_unit_test(test_checkpoint_shapes),
		cmocka_unit_test(test_checkpoint_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
