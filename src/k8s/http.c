// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The HTTP side of the API client: one libcurl easy handle per client, so one TLS connection
 * serves every call; every call, retry and backoff sleep comes out of one time budget.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "k8s/client.h"
#include "k8s/curl_dl.h"
#include "k8s/http.h"

#ifndef MULTUS_VERSION
#define MULTUS_VERSION "dev"
#endif

#define REPLY_MAX (4 * 1024 * 1024)
#define CONNECT_TIMEOUT_MAX_MS 3000L /* a black-holed SYN gets another try */
#define BACKOFF_FIRST_MS 100L
#define BACKOFF_MAX_MS 1000L
#define ATTEMPTS_MAX 5

struct k8s_client {
	CURL *curl;
	struct curl_slist *hdr_get, *hdr_patch, *hdr_post, *connect_to;
	char *base; /* server URL; its host is tls-server-name when one is set */
	uint64_t deadline; /* CLOCK_MONOTONIC, ns: while a call is under way */
	uint64_t budget_ns; /* what is left of the bound for API work */
	long timeout_ms;
	unsigned requests, connections;
	char *body;
	size_t body_len, body_size;
	bool too_big, oom;
	bool connect_capped; /* this attempt's connect may time out well before the deadline */
	bool fds_checked; /* curl's own fds made close-on-exec (curl_dl.h) */
	int pem_fds[3]; /* kubeconfig PEM data as files (set_pem) */
	size_t n_pem_fds;
	char errbuf[CURL_ERROR_SIZE];
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static long left_ms(const struct k8s_client *c)
{
	uint64_t now = now_ns();

	return now >= c->deadline ? 0 : (long)((c->deadline - now) / 1000000);
}

static void sleep_ms(long ms)
{
	uint64_t until = now_ns() + (uint64_t)ms * 1000000;
	struct timespec ts = { .tv_sec = (time_t)(until / 1000000000),
			       .tv_nsec = (long)(until % 1000000000) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Strings in a header list may hold the token: overwrite them before freeing. */
static void slist_wipe_free(struct curl_slist *l)
{
	for (struct curl_slist *i = l; i; i = i->next)
		explicit_bzero(i->data, strlen(i->data));
	curl_slist_free_all(l);
}

void k8s_client_free(struct k8s_client *c)
{
	if (!c)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	slist_wipe_free(c->hdr_get);
	slist_wipe_free(c->hdr_patch);
	slist_wipe_free(c->hdr_post);
	curl_slist_free_all(c->connect_to);
	for (size_t i = 0; i < c->n_pem_fds; i++)
		close(c->pem_fds[i]);
	free(c->base);
	free(c->body);
	free(c);
}

void k8s_client_freep(struct k8s_client **c)
{
	k8s_client_free(*c);
}

unsigned k8s_client_requests(const struct k8s_client *c)
{
	return c->requests;
}

unsigned k8s_client_connections(const struct k8s_client *c)
{
	return c->connections;
}

/* Bounded: past REPLY_MAX the transfer is aborted (CURLE_WRITE_ERROR). */
static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct k8s_client *c = userdata;
	size_t n = size * nmemb;

	if (n > REPLY_MAX - c->body_len) {
		c->too_big = true;
		return 0;
	}
	if (c->body_len + n + 1 > c->body_size) {
		size_t want = c->body_size ? c->body_size : 16384;
		char *nb;

		while (want < c->body_len + n + 1)
			want *= 2;
		if (want > REPLY_MAX + 1)
			want = REPLY_MAX + 1;
		nb = realloc(c->body, want);
		if (!nb) {
			c->oom = true;
			return 0;
		}
		c->body = nb;
		c->body_size = want;
	}
	memcpy(c->body + c->body_len, ptr, n);
	c->body_len += n;
	c->body[c->body_len] = '\0';
	return n;
}

static int header_list(struct curl_slist **l, const char *h)
{
	struct curl_slist *n = curl_slist_append(*l, h);

	if (!n)
		return -ENOMEM;
	*l = n;
	return 0;
}

static int build_headers(struct k8s_client *c, const struct k8s_config *cfg)
{
	_cleanup_free_ char *auth = NULL;
	int r;

	if (cfg->token && asprintf(&auth, "Authorization: Bearer %s", cfg->token) < 0) {
		auth = NULL;
		return -ENOMEM;
	}
	/* An empty Expect: keeps curl from waiting for "100 Continue" before a body. */
	if ((r = header_list(&c->hdr_get, "Accept: application/json")) < 0 ||
	    (r = header_list(&c->hdr_patch, "Accept: application/json")) < 0 ||
	    (r = header_list(&c->hdr_patch, "Content-Type: application/merge-patch+json")) < 0 ||
	    (r = header_list(&c->hdr_patch, "Expect:")) < 0 ||
	    (r = header_list(&c->hdr_post, "Accept: application/json")) < 0 ||
	    (r = header_list(&c->hdr_post, "Content-Type: application/json")) < 0 ||
	    (r = header_list(&c->hdr_post, "Expect:")) < 0)
		goto out;
	if (auth && ((r = header_list(&c->hdr_get, auth)) < 0 ||
		     (r = header_list(&c->hdr_patch, auth)) < 0 ||
		     (r = header_list(&c->hdr_post, auth)) < 0))
		goto out;
	r = 0;
out:
	if (auth)
		explicit_bzero(auth, strlen(auth));
	return r;
}

static bool hostname_ok(const char *h)
{
	return *h && strlen(h) <= 253 &&
	       strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") ==
		   strlen(h);
}

/*
 * tls-server-name without an SNI option (curl 7.88 has none): the URL names the TLS name,
 * so SNI and certificate checks use it, and CURLOPT_CONNECT_TO sends the connection to the
 * real host and port. Only the Host header changes, which kube-apiserver ignores.
 */
static int base_url(struct k8s_client *c, const struct k8s_config *cfg, struct err *e)
{
	char *host = NULL, *port = NULL, *url = NULL, *ct = NULL;
	CURLU *u = NULL;
	size_t len;
	int r = -EINVAL;

	if (!cfg->tls_server_name) {
		c->base = strdup(cfg->server);
		return c->base ? 0 : -ENOMEM;
	}
	if (!hostname_ok(cfg->tls_server_name))
		return err_set(e, -EINVAL, "invalid tls-server-name");
	u = curl_url();
	if (!u)
		return -ENOMEM;
	if (curl_url_set(u, CURLUPART_URL, cfg->server, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_HOST, cfg->tls_server_name, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &url, 0) != CURLUE_OK) {
		err_set(e, r, "invalid server URL %s", cfg->server);
		goto out;
	}
	r = -ENOMEM;
	if (asprintf(&ct, "%s:%s:%s:%s", cfg->tls_server_name, port, host, port) < 0) {
		ct = NULL;
		goto out;
	}
	c->connect_to = curl_slist_append(NULL, ct);
	c->base = strdup(url);
	if (!c->connect_to || !c->base)
		goto out;
	len = strlen(c->base);
	while (len > 0 && c->base[len - 1] == '/')
		c->base[--len] = '\0';
	r = 0;
out:
	curl_free(host);
	curl_free(port);
	curl_free(url);
	free(ct);
	curl_url_cleanup(u);
	return r;
}

/* Collects failures of curl_easy_setopt in `ok`, so that one check covers a block of them. */
#define SETOPT(ok, h, opt, val) ((ok) &= curl_easy_setopt((h), (opt), (val)) == CURLE_OK)

/*
 * PEM data from the kubeconfig, as a file: a memfd named by its /proc/self/fd path, open as
 * long as the client is (curl reads it at every handshake), close-on-exec like every fd here.
 * Not curl's blob options: the GnuTLS flavour rejects CAINFO_BLOB and silently ignores
 * SSLCERT_BLOB and SSLKEY_BLOB (curl 7.88), and a file works with every TLS backend.
 */
static bool set_pem(struct k8s_client *c, CURLoption file_opt, const char *data, size_t len)
{
	char path[40];
	int fd;

	if (c->n_pem_fds == ELEMENTSOF(c->pem_fds))
		return false;
	fd = memfd_create("multus-kubeconfig-pem", MFD_CLOEXEC);
	if (fd < 0)
		return false;
	c->pem_fds[c->n_pem_fds++] = fd;
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		off += (size_t)n;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return curl_easy_setopt(c->curl, file_opt, path) == CURLE_OK;
}

static bool setup_tls(struct k8s_client *c, const struct k8s_config *cfg)
{
	CURL *h = c->curl;
	bool ok = true;

	SETOPT(ok, h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	SETOPT(ok, h, CURLOPT_SSL_VERIFYPEER, cfg->insecure ? 0L : 1L);
	SETOPT(ok, h, CURLOPT_SSL_VERIFYHOST, cfg->insecure ? 0L : 2L);
	if (cfg->ca_file || cfg->ca_data) {
		/* Only the cluster's CA, not the system bundle as well (as client-go). */
		SETOPT(ok, h, CURLOPT_CAPATH, (char *)NULL);
		SETOPT(ok, h, CURLOPT_CAINFO, cfg->ca_file);
	}
	if (cfg->ca_data)
		ok &= set_pem(c, CURLOPT_CAINFO, cfg->ca_data, cfg->ca_data_len);
	if (cfg->cert_file)
		SETOPT(ok, h, CURLOPT_SSLCERT, cfg->cert_file);
	if (cfg->key_file)
		SETOPT(ok, h, CURLOPT_SSLKEY, cfg->key_file);
	if (cfg->cert_data)
		ok &= set_pem(c, CURLOPT_SSLCERT, cfg->cert_data, cfg->cert_data_len);
	if (cfg->key_data)
		ok &= set_pem(c, CURLOPT_SSLKEY, cfg->key_data, cfg->key_data_len);
	return ok;
}

int k8s_client_new(const struct k8s_config *cfg, long timeout_ms, struct k8s_client **ret,
		   struct err *e)
{
	_cleanup_(k8s_client_freep) struct k8s_client *c = NULL;
	bool plain, ok = true;
	int r;

	if (!cfg || !cfg->server || timeout_ms <= 0)
		return err_set(e, -EINVAL, "k8s client: no server or no time");
	plain = strncmp(cfg->server, "http://", 7) == 0;
	if (!plain && strncmp(cfg->server, "https://", 8) != 0)
		return err_set(e, -EINVAL, "k8s client: server %s is not https://", cfg->server);
	/* The first thing that needs libcurl: nothing before here has loaded it. */
	r = curl_dl_open(e);
	if (r < 0)
		return err_prefix(e, r, "k8s client");
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->timeout_ms = timeout_ms;
	c->budget_ns = (uint64_t)timeout_ms * 1000000;
	c->deadline = now_ns() + c->budget_ns;
	c->curl = curl_easy_init();
	if (!c->curl)
		return err_set(e, -ENOMEM, "k8s client: cannot create a curl handle");
	r = build_headers(c, cfg);
	if (r < 0)
		return r;
	r = base_url(c, cfg, e);
	if (r < 0)
		return r;

	SETOPT(ok, c->curl, CURLOPT_NOSIGNAL, 1L);
	SETOPT(ok, c->curl, CURLOPT_OPENSOCKETFUNCTION, curl_dl_open_socket);
	SETOPT(ok, c->curl, CURLOPT_ERRORBUFFER, c->errbuf);
	SETOPT(ok, c->curl, CURLOPT_PROTOCOLS_STR, plain ? "http" : "https");
	SETOPT(ok, c->curl, CURLOPT_REDIR_PROTOCOLS_STR, plain ? "http" : "https");
	SETOPT(ok, c->curl, CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(ok, c->curl, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	SETOPT(ok, c->curl, CURLOPT_USERAGENT, "multus/" MULTUS_VERSION);
	SETOPT(ok, c->curl, CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(ok, c->curl, CURLOPT_WRITEDATA, c);
	SETOPT(ok, c->curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)REPLY_MAX);
	/* gzip as client-go asks for it; REPLY_MAX bounds the decoded bytes (on_body). Optional:
	 * a libcurl without zlib just does not ask. */
	curl_easy_setopt(c->curl, CURLOPT_ACCEPT_ENCODING, "gzip");
	if (c->connect_to)
		SETOPT(ok, c->curl, CURLOPT_CONNECT_TO, c->connect_to);
	if (!plain)
		ok &= setup_tls(c, cfg);
	if (!ok)
		return err_set(e, -ENOTSUP, "k8s client: libcurl lacks a needed option");
	*ret = TAKE_PTR(c);
	return 0;
}

/*
 * Why the server's certificate was refused, from the TLS library's own verdict
 * (CURLINFO_SSL_VERIFYRESULT): GnuTLS status bits (gnutls_certificate_status_t) or an OpenSSL
 * X509_V_ERR code, by the flavour of libcurl loaded. "" when it does not say.
 */
static const char *cert_why(struct k8s_client *c)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
	long res = 0;

	if (curl_easy_getinfo(c->curl, CURLINFO_SSL_VERIFYRESULT, &res) != CURLE_OK || !res || !v ||
	    !v->ssl_version)
		return "";
	if (strncmp(v->ssl_version, "GnuTLS", 6) == 0)
		return res & (1L << 10)	  ? " (it has expired)"
		       : res & (1L << 9)  ? " (it is not valid yet)"
		       : res & (1L << 6)  ? " (no configured certificate-authority signed it)"
		       : res & (1L << 14) ? " (it is for another host)"
					  : "";
	if (strncmp(v->ssl_version, "OpenSSL", 7) == 0)
		return res == 10  ? " (it has expired)"
		       : res == 9 ? " (it is not valid yet)"
		       : res == 2 || res == 18 || res == 19 || res == 20 || res == 21
			   ? " (no configured certificate-authority signed it)"
		       : res == 62 ? " (it is for another host)"
				   : "";
	return "";
}

/*
 * One attempt's outcome: 0 with a 2xx reply in c->body, or -errno with the message set and
 * *retry telling whether another attempt may help.
 */
static int outcome(struct k8s_client *c, CURLcode res, bool *retry, long *retry_after_ms,
		   struct err *e)
{
	const char *why = c->errbuf[0] ? c->errbuf : curl_easy_strerror(res);
	curl_off_t after = 0;
	long code = 0;

	*retry = false;
	*retry_after_ms = 0;
	switch (res) {
	case CURLE_OK:
		curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &code);
		if (code >= 200 && code < 300)
			return 0;
		if (code >= 300 && code < 400) {
			/* Never followed: the token must not go to wherever the server says. */
			char *to = NULL;

			curl_easy_getinfo(c->curl, CURLINFO_REDIRECT_URL, &to);
			return err_set(e, -EPROTO,
				       "HTTP %ld redirect to %.200s not followed: the kubeconfig's "
				       "server must be the API server itself",
				       code, to ? to : "nowhere");
		}
		if (code == 429 || code >= 500) {
			*retry = true;
			if (curl_easy_getinfo(c->curl, CURLINFO_RETRY_AFTER, &after) == CURLE_OK &&
			    after > 0)
				*retry_after_ms = after > 3600 ? 3600000L : (long)after * 1000;
		}
		return k8s_status_error(code, c->body, c->body_len, e);
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (c->oom)
			return err_set(e, -ENOMEM, "out of memory reading the reply");
		if (c->too_big || res == CURLE_FILESIZE_EXCEEDED)
			return err_set(e, -EPROTO, "reply larger than %d MiB", REPLY_MAX >> 20);
		return err_set(e, -EIO, "%s", why);
	case CURLE_OPERATION_TIMEDOUT:
		if (c->connect_capped && left_ms(c) > 50) {
			/* Well before the deadline, it was the connect cap: worth another try. A
			 * timeout at the deadline may leave a ms or two of it (curl's own clock):
			 * that is no connect failure but a server too slow to answer. */
			*retry = true;
			return err_set(e, -ETIMEDOUT, "cannot connect to the API server: %s", why);
		}
		return err_set(e, -ETIMEDOUT, "API server did not answer within %ld ms",
			       c->timeout_ms);
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
		*retry = true;
		return err_set(e, -ECONNREFUSED, "cannot connect to the API server: %s", why);
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		*retry = true;
		return err_set(e, -EIO, "connection to the API server lost: %s", why);
	case CURLE_PEER_FAILED_VERIFICATION:
		return err_set(e, -EIO, "TLS: the API server's certificate is not trusted%s: %s",
			       cert_why(c), why);
	case CURLE_SSL_CONNECT_ERROR:
		return err_set(e, -EIO, "TLS handshake with the API server failed: %s", why);
	case CURLE_OUT_OF_MEMORY:
		/* curl 7.88 says only this for a reply header line over its 100 kB limit. */
		return err_set(e, -ENOMEM, "%s reading the reply (or a reply header over 100 kB)",
			       why);
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_WEIRD_SERVER_REPLY:
		return err_set(e, -EPROTO, "the API server's reply is not HTTP: %s", why);
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		return err_set(e, -EINVAL, "TLS: cannot use the configured certificates: %s", why);
	default:
		return err_set(e, -EIO, "%s", why);
	}
}

static int http_call(struct k8s_client *c, const char *method, const char *path, const char *data,
		     const char *what, const char **ret_body, size_t *ret_len, struct err *e)
{
	_cleanup_free_ char *url = NULL;
	long backoff = BACKOFF_FIRST_MS;
	bool post = streq(method, "POST"), ok = true;
	int r;

	if (asprintf(&url, "%s%s", c->base, path) < 0)
		return -ENOMEM;
	SETOPT(ok, c->curl, CURLOPT_URL, url);
	SETOPT(ok, c->curl, CURLOPT_CUSTOMREQUEST, streq(method, "PATCH") ? "PATCH" : NULL);
	if (data) {
		SETOPT(ok, c->curl, CURLOPT_POSTFIELDS, data);
		SETOPT(ok, c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(data));
	} else {
		SETOPT(ok, c->curl, CURLOPT_HTTPGET, 1L);
	}
	SETOPT(ok, c->curl, CURLOPT_HTTPHEADER,
	       !data  ? c->hdr_get
	       : post ? c->hdr_post
		      : c->hdr_patch);
	if (!ok)
		return err_set(e, -EIO, "%s: cannot set up the request", what);

	for (int attempt = 1;; attempt++) {
		long left = left_ms(c), connects = 0, wait;
		bool retry;
		CURLcode res;

		if (left <= 0)
			return err_set(e, -ETIMEDOUT, "%s: API server did not answer within %ld ms",
				       what, c->timeout_ms);
		SETOPT(ok, c->curl, CURLOPT_TIMEOUT_MS, left);
		SETOPT(ok, c->curl, CURLOPT_CONNECTTIMEOUT_MS,
		       left < CONNECT_TIMEOUT_MAX_MS ? left : CONNECT_TIMEOUT_MAX_MS);
		c->connect_capped = left > CONNECT_TIMEOUT_MAX_MS + 100;
		c->body_len = 0;
		c->too_big = c->oom = false;
		c->errbuf[0] = '\0';
		if (!c->fds_checked) {
			/* The handle's first transfer makes curl's wakeup socketpair. */
			struct curl_dl_fds before;

			curl_dl_fds_snapshot(&before);
			res = curl_easy_perform(c->curl);
			curl_dl_fds_cloexec_since(&before);
			c->fds_checked = true;
		} else {
			res = curl_easy_perform(c->curl);
		}
		c->requests++;
		if (curl_easy_getinfo(c->curl, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK &&
		    connects > 0)
			c->connections += (unsigned)connects;

		r = outcome(c, res, &retry, &wait, e);
		if (r == 0)
			break;
		/* A POST creates: once the server may have seen it (a 5xx, a lost reply), another
		 * one could create it twice. Only a refused connection or a 429 are safe to redo.
		 */
		if (post && retry) {
			long code = 0;

			if (res == CURLE_OK)
				curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &code);
			retry = res == CURLE_OK ? code == 429
						: res == CURLE_COULDNT_CONNECT ||
						      res == CURLE_COULDNT_RESOLVE_HOST;
		}
		if (wait < backoff)
			wait = backoff;
		backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
		/* No point sleeping past the deadline: report the last failure instead. */
		if (!retry || attempt >= ATTEMPTS_MAX || wait >= left_ms(c))
			return err_prefix(e, r, "%s", what);
		sleep_ms(wait);
	}

	*ret_body = c->body ? c->body : "";
	*ret_len = c->body_len;
	return 0;
}

/*
 * The bound is on API work: only the time spent inside calls is charged to it, so that the
 * delegates run between the pod GET and the status PATCH do not use it up.
 */
int k8s_http_send(struct k8s_client *c, const char *method, const char *path, const char *data,
		  const char *what, const char **ret_body, size_t *ret_len, struct err *e)
{
	uint64_t start = now_ns(), spent;
	int r;

	if (!streq(method, "GET") && !streq(method, "PATCH") && !streq(method, "POST"))
		return err_set(e, -EINVAL, "%s: method %s not supported", what, method);
	if (streq(method, "GET") != !data)
		return err_set(e, -EINVAL, "%s: a %s %s a body", what, method,
			       data ? "takes no" : "needs");
	c->deadline = start + c->budget_ns;
	r = http_call(c, method, path, data, what, ret_body, ret_len, e);
	spent = now_ns() - start;
	c->budget_ns = spent >= c->budget_ns ? 0 : c->budget_ns - spent;
	return r;
}

int k8s_http_call(struct k8s_client *c, const char *path, const char *patch, const char *what,
		  const char **ret_body, size_t *ret_len, struct err *e)
{
	return k8s_http_send(c, patch ? "PATCH" : "GET", path, patch, what, ret_body, ret_len, e);
}

void *k8s_client_easy_dup(struct k8s_client *c, const char *method, const char *path)
{
	_cleanup_free_ char *url = NULL;
	bool post = method && streq(method, "POST"), patch = method && streq(method, "PATCH");
	bool ok = true;
	CURL *h;

	if (asprintf(&url, "%s%s", c->base, path) < 0)
		return NULL;
	h = curl_easy_duphandle(c->curl);
	if (!h)
		return NULL;
	/* The copy's own: never the client's error buffer or body. */
	SETOPT(ok, h, CURLOPT_ERRORBUFFER, (char *)NULL);
	SETOPT(ok, h, CURLOPT_WRITEFUNCTION, (curl_write_callback)NULL);
	SETOPT(ok, h, CURLOPT_WRITEDATA, (void *)NULL);
	SETOPT(ok, h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)0);
	SETOPT(ok, h, CURLOPT_URL, url);
	SETOPT(ok, h, CURLOPT_CUSTOMREQUEST, post || patch ? method : NULL);
	SETOPT(ok, h, CURLOPT_HTTPHEADER, post ? c->hdr_post : patch ? c->hdr_patch : c->hdr_get);
	if (!ok) {
		curl_easy_cleanup(h);
		return NULL;
	}
	return h;
}
