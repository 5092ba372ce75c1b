// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kubelet's PodResources v1 API: gRPC, that is HTTP/2 (prior knowledge, no TLS, over the
 * kubelet's unix socket) with a POST of one 5-byte-framed protobuf message per call and the
 * status in the trailers (grpc-status, grpc-message). libcurl speaks the HTTP/2 and hands the
 * trailers to the header callback; protobuf-c, from our podresources.proto, the messages.
 * One easy handle and one deadline for Get and the List after it, but a connection each:
 * libcurl 7.88 fails the next request on a connection whose last stream was a trailers-only
 * reply (a gRPC error status), which is exactly when List follows Get.
 */
#include <stdio.h>
#include <strings.h>
#include <time.h>

#include "k8s/curl_dl.h"
#include "k8s/kubelet.h"
#include "k8s/podresources.pb-c.h"

#define CONNECT_TIMEOUT_MAX_MS 3000L
#define GRPC_UNIMPLEMENTED 12

struct call {
	CURL *curl;
	struct curl_slist *headers;
	const char *socket;
	long timeout_ms;
	uint64_t deadline;
	uint8_t *body;
	size_t len, size;
	bool too_big, oom;
	int grpc_status; /* -1: none seen */
	char grpc_message[160];
	char errbuf[CURL_ERROR_SIZE];
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void call_done(struct call *c)
{
	if (c->curl)
		curl_easy_cleanup(c->curl);
	curl_slist_free_all(c->headers);
	free(c->body);
}

/* Bounded: past the cap the transfer is aborted (CURLE_WRITE_ERROR). */
static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct call *c = userdata;
	size_t n = size * nmemb;

	if (n > K8S_KUBELET_REPLY_MAX + 5 - c->len) {
		c->too_big = true;
		return 0;
	}
	if (c->len + n > c->size) {
		size_t want = c->size ? c->size : 4096;
		uint8_t *nb;

		while (want < c->len + n)
			want *= 2;
		nb = realloc(c->body, want);
		if (!nb) {
			c->oom = true;
			return 0;
		}
		c->body = nb;
		c->size = want;
	}
	memcpy(c->body + c->len, ptr, n);
	c->len += n;
	return n;
}

/* Sees the response headers and, after the body, the trailers: both may carry the status
 * (a "trailers-only" reply has it in the headers). */
static size_t on_header(char *line, size_t size, size_t nmemb, void *userdata)
{
	struct call *c = userdata;
	size_t n = size * nmemb, vlen;
	const char *v;

	if (n > 13 && strncasecmp(line, "grpc-status:", 12) == 0) {
		int st = 0;

		v = line + 12;
		vlen = n - 12;
		while (vlen && (*v == ' ' || *v == '\t')) {
			v++;
			vlen--;
		}
		for (; vlen && *v >= '0' && *v <= '9' && st < 1000; v++, vlen--)
			st = st * 10 + (*v - '0');
		c->grpc_status = st;
	} else if (n > 13 && strncasecmp(line, "grpc-message:", 13) == 0) {
		size_t o = 0;

		v = line + 13;
		vlen = n - 13;
		while (vlen && *v == ' ') {
			v++;
			vlen--;
		}
		/* Percent-encoded by the server; shown as it came, printable bytes only. */
		for (; vlen && o + 1 < sizeof(c->grpc_message); v++, vlen--)
			if ((unsigned char)*v >= 0x20 && (unsigned char)*v < 0x7f)
				c->grpc_message[o++] = *v;
		c->grpc_message[o] = '\0';
	}
	return n;
}

#define SETOPT(ok, h, opt, val) ((ok) &= curl_easy_setopt((h), (opt), (val)) == CURLE_OK)

static int call_init(struct call *c, const char *socket, long timeout_ms, struct err *e)
{
	bool ok = true;
	int r;

	*c = (struct call){ .socket = socket,
			    .timeout_ms = timeout_ms,
			    .deadline = now_ms() + (uint64_t)timeout_ms };
	r = curl_dl_open(e);
	if (r < 0)
		return r;
	if (!(curl_version_info(CURLVERSION_NOW)->features & CURL_VERSION_HTTP2))
		return err_set(
		    e, -ENOTSUP,
		    "this libcurl has no HTTP/2, which the kubelet's PodResources API needs");
	c->curl = curl_easy_init();
	if (!c->curl)
		return -ENOMEM;
	if (!(c->headers = curl_slist_append(NULL, "Content-Type: application/grpc")) ||
	    !curl_slist_append(c->headers, "TE: trailers") ||
	    !curl_slist_append(c->headers, "Expect:"))
		return -ENOMEM;
	SETOPT(ok, c->curl, CURLOPT_NOSIGNAL, 1L);
	SETOPT(ok, c->curl, CURLOPT_ERRORBUFFER, c->errbuf);
	SETOPT(ok, c->curl, CURLOPT_UNIX_SOCKET_PATH, socket);
	/* No proxy from the environment: this is a local socket. */
	SETOPT(ok, c->curl, CURLOPT_PROXY, "");
	SETOPT(ok, c->curl, CURLOPT_PROTOCOLS_STR, "http");
	SETOPT(ok, c->curl, CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(ok, c->curl, CURLOPT_FORBID_REUSE, 1L);
	SETOPT(ok, c->curl, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
	SETOPT(ok, c->curl, CURLOPT_HTTPHEADER, c->headers);
	SETOPT(ok, c->curl, CURLOPT_USERAGENT, "multus");
	SETOPT(ok, c->curl, CURLOPT_POST, 1L);
	SETOPT(ok, c->curl, CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(ok, c->curl, CURLOPT_WRITEDATA, c);
	SETOPT(ok, c->curl, CURLOPT_HEADERFUNCTION, on_header);
	SETOPT(ok, c->curl, CURLOPT_HEADERDATA, c);
	/* Delegates are exec'd by this process later. The handle and all its fds (curl 7.88's
	 * wakeup socketpair too) are gone when the lookup returns; until then, close-on-exec. */
	SETOPT(ok, c->curl, CURLOPT_OPENSOCKETFUNCTION, curl_dl_open_socket);
	if (!ok)
		return err_set(e, -ENOTSUP, "libcurl lacks an option the kubelet client needs");
	return 0;
}

/* The curl outcome of one call as an error naming the kubelet's socket. */
static int transport_error(struct call *c, CURLcode res, struct err *e)
{
	const char *why = c->errbuf[0] ? c->errbuf : curl_easy_strerror(res);

	switch (res) {
	case CURLE_OPERATION_TIMEDOUT:
		return err_set(e, -ETIMEDOUT, "the kubelet on %s did not answer within %ld ms",
			       c->socket, c->timeout_ms);
	case CURLE_COULDNT_CONNECT:
		return err_set(e, -ECONNREFUSED, "cannot connect to the kubelet on %s: %s",
			       c->socket, why);
	case CURLE_WRITE_ERROR:
		if (c->oom)
			return -ENOMEM;
		if (c->too_big)
			return err_set(e, -EFBIG,
				       "the kubelet on %s sent a reply larger than %d MiB",
				       c->socket, K8S_KUBELET_REPLY_MAX >> 20);
		return err_set(e, -EIO, "kubelet on %s: %s", c->socket, why);
	default:
		return err_set(e, -EPROTO, "the kubelet on %s did not answer as a gRPC server: %s",
			       c->socket, why);
	}
}

/*
 * One unary call: POST of `req` (already packed) to `method`. On success *ret_msg points into
 * c->body. -EREMOTEIO when the kubelet answered with a gRPC status other than OK.
 */
static int call(struct call *c, const char *method, const uint8_t *req, size_t req_len,
		const uint8_t **ret_msg, size_t *ret_len, struct err *e)
{
	_cleanup_free_ uint8_t *frame = malloc(req_len + 5);
	char url[128];
	uint64_t now = now_ms();
	long left = now >= c->deadline ? 0 : (long)(c->deadline - now), code = 0;
	bool ok = true;
	CURLcode res;
	int r;

	if (!frame)
		return -ENOMEM;
	if (left <= 0)
		return err_set(e, -ETIMEDOUT, "the kubelet on %s did not answer within %ld ms",
			       c->socket, c->timeout_ms);
	frame[0] = 0;
	frame[1] = (uint8_t)(req_len >> 24);
	frame[2] = (uint8_t)(req_len >> 16);
	frame[3] = (uint8_t)(req_len >> 8);
	frame[4] = (uint8_t)req_len;
	if (req_len)
		memcpy(frame + 5, req, req_len);
	snprintf(url, sizeof(url), "http://localhost/v1.PodResourcesLister/%s", method);
	SETOPT(ok, c->curl, CURLOPT_URL, url);
	SETOPT(ok, c->curl, CURLOPT_POSTFIELDS, frame);
	SETOPT(ok, c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(req_len + 5));
	SETOPT(ok, c->curl, CURLOPT_TIMEOUT_MS, left);
	SETOPT(ok, c->curl, CURLOPT_CONNECTTIMEOUT_MS,
	       left < CONNECT_TIMEOUT_MAX_MS ? left : CONNECT_TIMEOUT_MAX_MS);
	if (!ok)
		return err_set(e, -EIO, "cannot set up the kubelet request");
	c->len = 0;
	c->too_big = c->oom = false;
	c->grpc_status = -1;
	c->grpc_message[0] = c->errbuf[0] = '\0';
	res = curl_easy_perform(c->curl);
	if (res != CURLE_OK)
		return transport_error(c, res, e);
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code != 200)
		return err_set(e, -EPROTO, "the kubelet on %s answered %s with HTTP status %ld",
			       c->socket, method, code);
	if (c->grpc_status < 0)
		return err_set(e, -EPROTO, "the kubelet on %s sent no grpc-status for %s",
			       c->socket, method);
	if (c->grpc_status != 0)
		return err_set(e, -EREMOTEIO, "the kubelet on %s failed %s: gRPC status %d%s%s",
			       c->socket, method, c->grpc_status, c->grpc_message[0] ? ": " : "",
			       c->grpc_message);
	r = k8s_grpc_unframe(c->body, c->len, ret_msg, ret_len, e);
	if (r < 0)
		return err_prefix(e, r, "kubelet on %s, %s", c->socket, method);
	return 0;
}

int k8s_grpc_unframe(const uint8_t *body, size_t len, const uint8_t **ret_msg, size_t *ret_len,
		     struct err *e)
{
	uint32_t n;

	if (len < 5)
		return err_set(e, -EPROTO, "gRPC reply of %zu bytes has no message", len);
	if (body[0] != 0)
		return err_set(e, -EPROTO,
			       "gRPC reply is compressed (flag %u), which was not asked for",
			       body[0]);
	n = (uint32_t)body[1] << 24 | (uint32_t)body[2] << 16 | (uint32_t)body[3] << 8 | body[4];
	if (n != len - 5)
		return err_set(e, -EPROTO, "gRPC reply frame says %u bytes, %zu came", n, len - 5);
	*ret_msg = body + 5;
	*ret_len = n;
	return 0;
}

static int add_pod(const V1__PodResources *pr, json_t *devices, struct err *e)
{
	for (size_t i = 0; i < pr->n_containers; i++) {
		const V1__ContainerResources *cr = pr->containers[i];

		for (size_t j = 0; j < cr->n_devices; j++) {
			const V1__ContainerDevices *d = cr->devices[j];

			for (size_t k = 0; k < d->n_device_ids; k++) {
				int r =
				    k8s_devices_add(devices, d->resource_name, d->device_ids[k], e);
				if (r < 0)
					return r;
			}
		}
	}
	return 0;
}

static bool is_pod(const V1__PodResources *pr, const char *ns, const char *name)
{
	return pr && pr->name && pr->namespace_ && streq(pr->name, name) &&
	       streq(pr->namespace_, ns);
}

int k8s_podresources_parse(const uint8_t *msg, size_t len, bool get, const char *ns,
			   const char *name, json_t *devices, struct err *e)
{
	int r = 0;

	if (get) {
		V1__GetPodResourcesResponse *g =
		    v1__get_pod_resources_response__unpack(NULL, len, msg);

		if (!g)
			return err_set(e, -EPROTO, "GetPodResourcesResponse does not decode");
		/* An answer about another pod is no answer about ours. */
		if (g->pod_resources && !is_pod(g->pod_resources, ns, name))
			r = err_set(
			    e, -EPROTO, "Get for %s/%s answered for pod %.64s/%.64s", ns, name,
			    g->pod_resources->namespace_ ? g->pod_resources->namespace_ : "",
			    g->pod_resources->name ? g->pod_resources->name : "");
		else if (g->pod_resources)
			r = add_pod(g->pod_resources, devices, e);
		v1__get_pod_resources_response__free_unpacked(g, NULL);
		return r;
	}
	V1__ListPodResourcesResponse *l = v1__list_pod_resources_response__unpack(NULL, len, msg);

	if (!l)
		return err_set(e, -EPROTO, "ListPodResourcesResponse does not decode");
	for (size_t i = 0; i < l->n_pod_resources && r == 0; i++)
		if (is_pod(l->pod_resources[i], ns, name))
			r = add_pod(l->pod_resources[i], devices, e);
	v1__list_pod_resources_response__free_unpacked(l, NULL);
	return r;
}

int k8s_podresources_pod_devices(const char *socket, const struct k8s_pod_ref *pod, long timeout_ms,
				 json_t **ret, struct err *e)
{
	V1__GetPodResourcesRequest get = V1__GET_POD_RESOURCES_REQUEST__INIT;
	V1__ListPodResourcesRequest list = V1__LIST_POD_RESOURCES_REQUEST__INIT;
	_cleanup_(call_done) struct call c = { 0 };
	json_auto_t *devices = json_object();
	_cleanup_free_ uint8_t *req = NULL;
	const uint8_t *msg;
	size_t len, msg_len;
	int r;

	if (!devices)
		return -ENOMEM;
	if (!pod->namespace || !pod->name)
		return err_set(e, -EINVAL, "kubelet PodResources: no pod namespace and name");
	r = call_init(&c, socket, timeout_ms, e);
	if (r < 0)
		return r;

	get.pod_name = (char *)pod->name;
	get.pod_namespace = (char *)pod->namespace;
	len = v1__get_pod_resources_request__get_packed_size(&get);
	req = malloc(len ? len : 1);
	if (!req)
		return -ENOMEM;
	v1__get_pod_resources_request__pack(&get, req);
	r = call(&c, "Get", req, len, &msg, &msg_len, e);
	if (r == 0) {
		r = k8s_podresources_parse(msg, msg_len, true, pod->namespace, pod->name, devices,
					   e);
		if (r < 0)
			return err_prefix(e, r, "kubelet on %s", socket);
		*ret = TAKE_PTR(devices);
		return 0;
	}
	/* Kubelets without Get (before 1.27, or the KubeletPodResourcesGet feature off) and
	 * kubelets that do not know the pod by name answer with a gRPC status: List then. */
	if (r != -EREMOTEIO)
		return r;
	len = v1__list_pod_resources_request__get_packed_size(&list);
	r = call(&c, "List", NULL, len, &msg, &msg_len, e);
	if (r < 0)
		return r;
	r = k8s_podresources_parse(msg, msg_len, false, pod->namespace, pod->name, devices, e);
	if (r < 0)
		return err_prefix(e, r, "kubelet on %s", socket);
	*ret = TAKE_PTR(devices);
	return 0;
}
