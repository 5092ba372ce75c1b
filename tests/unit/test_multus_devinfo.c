// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Device plugins in the plan, without root or a kubelet: devices from a checkpoint file in a
 * scratch kubelet root handed out in order, deviceID into each plugin of a conflist,
 * CNIDeviceInfoFile names, too few devices, and the DEL-side guard on which file may go.
 * The kubelet's gRPC side is tests/k8s/test_kubelet.sh; ADD end to end t_k8s_devices.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "multus/devinfo.h"
#include "testutil.h"

#define RES "intel.com/sriov"

static char *root;

static int setup(void **state)
{
	char *dir;

	root = tu_scratch("devinfo");
	assert_non_null(root);
	assert_true(asprintf(&dir, "%s/device-plugins", root) > 0);
	assert_int_equal(mkdir(dir, 0755), 0);
	free(tu_write(
	    dir, "kubelet_internal_checkpoint", 0600,
	    "{\"Data\":{\"PodDeviceEntries\":[{\"PodUID\":\"u1\",\"ResourceName\":\"" RES
	    "\",\"DeviceIDs\":{\"0\":[\"0000:03:02.2\",\"0000:03:02.1\"]}}]},\"Checksum\":1}"));
	free(dir);
	return 0;
}

static int teardown(void **state)
{
	tu_rm_rf(root);
	free(root);
	return 0;
}

static void ctx_init(struct multus_ctx *ctx)
{
	*ctx = (struct multus_ctx){ 0 };
	ctx->nc.kubelet_root_dir = root;
	ctx->nc.device_info_dir = "/run/test-devinfo";
	ctx->nc.api_timeout_seconds = 2;
}

/* A plan of `n` attachments; those with a resource get RES. */
static struct plan *plan_of(size_t n, const bool *res, const char *const *confs)
{
	struct plan *p = calloc(1, sizeof(*p));

	p->container_id = strdup("c1");
	p->pod_namespace = strdup("default");
	p->pod_name = strdup("poc");
	p->pod_uid = strdup("u1");
	for (size_t i = 0; i < n; i++) {
		struct attachment *a = plan_add(p);
		char name[16];

		snprintf(name, sizeof(name), "net%zu", i + 1);
		a->network = strdup(i ? "default/sriov-conf" : "flannel-conf");
		a->ifname = strdup(name);
		a->conf = json_loads(confs[i], 0, NULL);
		a->runtime_config = json_object();
		a->resource_name = res[i] ? strdup(RES) : NULL;
	}
	return p;
}

static const char *rc_str(const struct attachment *a, const char *key)
{
	return json_string_value(json_object_get(a->runtime_config, key));
}

static void test_in_order(void **state)
{
	const char *confs[] = { "{\"type\":\"bridge\"}", "{\"type\":\"sriov\"}",
				"{\"plugins\":[{\"type\":\"sriov\"},{\"type\":\"tuning\"}]}" };
	const bool res[] = { false, true, true };
	struct plan *p = plan_of(3, res, confs);
	struct multus_ctx ctx;
	struct err e = { 0 };

	ctx_init(&ctx);
	assert_int_equal(multus_devices_plan(&ctx, p, &e), 0);
	assert_null(json_object_get(p->att[0].conf, "deviceID"));
	assert_null(rc_str(&p->att[0], "CNIDeviceInfoFile"));
	assert_string_equal(json_string_value(json_object_get(p->att[1].conf, "deviceID")),
			    "0000:03:02.1");
	assert_string_equal(rc_str(&p->att[1], "deviceID"), "0000:03:02.1");
	assert_string_equal(rc_str(&p->att[1], "CNIDeviceInfoFile"),
			    "/run/test-devinfo/cni/default-sriov-conf-c1_net2");
	for (size_t i = 0; i < 2; i++)
		assert_string_equal(
		    json_string_value(json_object_get(
			json_array_get(json_object_get(p->att[2].conf, "plugins"), i), "deviceID")),
		    "0000:03:02.2");
	assert_null(json_object_get(p->att[2].conf, "deviceID"));
	plan_free(p);
}

static void test_annotation_only(void **state)
{
	const char *confs[] = { "{\"type\":\"bridge\"}", "{\"type\":\"sriov\"}" };
	const bool res[] = { false, false };
	struct plan *p = plan_of(2, res, confs);
	struct multus_ctx ctx;
	struct err e = { 0 };

	/* No resourceName anywhere: the kubelet is not asked (its root does not even exist). */
	ctx_init(&ctx);
	ctx.nc.kubelet_root_dir = "/nonexistent-kubelet";
	json_object_set_new(p->att[1].runtime_config, "deviceID", json_string("0000:99:00.0"));
	assert_int_equal(multus_devices_plan(&ctx, p, &e), 0);
	assert_null(json_object_get(p->att[1].conf, "deviceID"));
	assert_string_equal(rc_str(&p->att[1], "CNIDeviceInfoFile"),
			    "/run/test-devinfo/cni/default-sriov-conf-c1_net2");
	plan_free(p);
}

static void test_too_few(void **state)
{
	const char *confs[] = { "{\"type\":\"sriov\"}", "{\"type\":\"sriov\"}",
				"{\"type\":\"sriov\"}" };
	const bool res[] = { true, true, true };
	struct plan *p = plan_of(3, res, confs);
	struct multus_ctx ctx;
	struct err e = { 0 };

	ctx_init(&ctx);
	assert_int_equal(multus_devices_plan(&ctx, p, &e), -ENODEV);
	assert_int_equal(e.code, 7);
	assert_non_null(strstr(e.msg, "no device of resource " RES " for pod default/poc"));
	assert_non_null(strstr(e.msg, "gave it 2, and 3 network(s)"));
	plan_free(p);

	/* No kubelet at all: an error naming both places. */
	p = plan_of(1, res, confs);
	ctx.nc.kubelet_root_dir = "/nonexistent-kubelet";
	assert_int_equal(multus_devices_plan(&ctx, p, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "/nonexistent-kubelet/pod-resources/kubelet.sock"));
	assert_non_null(
	    strstr(e.msg, "/nonexistent-kubelet/device-plugins/kubelet_internal_checkpoint"));
	plan_free(p);
}

static void test_remove_guard(void **state)
{
	const char *confs[] = { "{\"type\":\"sriov\"}" };
	const bool res[] = { true };
	struct plan *p = plan_of(1, res, confs);
	struct multus_ctx ctx;
	char *dir, *inside, *outside;

	ctx_init(&ctx);
	assert_true(asprintf(&dir, "%s/devinfo", root) > 0);
	ctx.nc.device_info_dir = dir;
	assert_true(asprintf(&inside, "%s/cni", dir) > 0);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(mkdir(inside, 0755), 0);
	free(inside);
	inside = tu_write(dir, "cni/x-c1_net1", 0444, "{}");
	outside = tu_write(root, "victim", 0600, "keep me");

	json_object_set_new(p->att[0].runtime_config, "CNIDeviceInfoFile", json_string(outside));
	multus_devinfo_remove(&ctx, &p->att[0]);
	assert_int_equal(access(outside, F_OK), 0);
	free(outside);
	assert_true(asprintf(&outside, "%s/cni/../../victim", dir) > 0);
	json_object_set_new(p->att[0].runtime_config, "CNIDeviceInfoFile", json_string(outside));
	multus_devinfo_remove(&ctx, &p->att[0]);
	assert_int_equal(access(outside, F_OK), 0);

	json_object_set_new(p->att[0].runtime_config, "CNIDeviceInfoFile", json_string(inside));
	multus_devinfo_remove(&ctx, &p->att[0]);
	assert_int_equal(access(inside, F_OK), -1);
	/* Gone already: a second DEL is quiet. */
	multus_devinfo_remove(&ctx, &p->att[0]);
	free(inside);
	free(outside);
	free(dir);
	plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_annotation_only),
		cmocka_unit_test(test_too_few),
		cmocka_unit_test(test_remove_guard),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
