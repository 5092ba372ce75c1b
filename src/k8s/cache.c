// SPDX-License-Identifier: GPL-2.0-or-later
/* One bounded request to the node-local cache daemon over its unix socket. */
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include "k8s/cache.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int left_ms(uint64_t deadline)
{
	uint64_t now = now_ns();

	/* Rounded up: 0 only when the deadline has passed. */
	return now >= deadline ? 0 : (int)((deadline - now + 999999) / 1000000);
}

static int wait_fd(int fd, short events, uint64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };

	for (;;) {
		int ms = left_ms(deadline), n;

		if (ms <= 0)
			return -ETIMEDOUT;
		n = poll(&p, 1, ms);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return negative_errno();
	}
}

static int connect_to(const char *path, uint64_t deadline, int *ret_fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1;
	struct ucred cred;
	socklen_t clen = sizeof(cred);

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return negative_errno();
	/* A unix stream connect completes at once or fails: EAGAIN is a full backlog (a
	 * daemon that does not accept), ENOENT and ECONNREFUSED no daemon. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return errno == EAGAIN ? -ETIMEDOUT : -ECONNREFUSED;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0)
		return negative_errno();
	if (cred.uid != 0)
		return -EPERM;
	if (left_ms(deadline) <= 0)
		return -ETIMEDOUT;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

static int send_all(int fd, const char *buf, size_t len, uint64_t deadline)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN)
			return negative_errno();
		if (wait_fd(fd, POLLOUT, deadline) < 0)
			return -ETIMEDOUT;
	}
	return 0;
}

/* One line, at most CACHE_LINE_MAX bytes with its '\n'. */
static int recv_line(int fd, uint64_t deadline, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, size = 0;

	for (;;) {
		ssize_t n;
		char *nl;

		if (len == size) {
			size_t want = size ? size * 2 : 4096;
			char *nb;

			if (want > CACHE_LINE_MAX)
				want = CACHE_LINE_MAX;
			if (want == size)
				return -EMSGSIZE;
			nb = realloc(buf, want);
			if (!nb)
				return -ENOMEM;
			buf = nb;
			size = want;
		}
		n = recv(fd, buf + len, size - len, 0);
		if (n == 0)
			return -EPROTO; /* closed before a whole line */
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return negative_errno();
			if (wait_fd(fd, POLLIN, deadline) < 0)
				return -ETIMEDOUT;
			continue;
		}
		nl = memchr(buf + len, '\n', (size_t)n);
		len += (size_t)n;
		if (nl) {
			*ret_len = (size_t)(nl - buf) + 1;
			*ret = TAKE_PTR(buf);
			return 0;
		}
	}
}

static int ask(const char *path, uint64_t deadline, json_t *req, enum cache_op op, json_t **ret,
	       struct err *e)
{
	_cleanup_free_ char *out = NULL, *in = NULL;
	_cleanup_close_ int fd = -1;
	size_t out_len, in_len;
	int r;

	if (!req)
		return err_set(e, -EINVAL, "no cache request");
	r = cache_line_encode(req, &out, &out_len);
	if (r < 0)
		return err_set(e, r, "cache request too large");
	r = connect_to(path, deadline, &fd);
	if (r == -EPERM)
		return err_set(e, r, "%s: the daemon does not run as root", path);
	if (r < 0)
		return err_set(e, r, "cannot connect to %s: %s", path, strerror(-r));
	r = send_all(fd, out, out_len, deadline);
	if (r == 0)
		r = recv_line(fd, deadline, &in, &in_len);
	if (r == -ETIMEDOUT)
		return err_set(e, r, "%s: no answer in time", path);
	if (r < 0)
		return err_set(e, r == -EMSGSIZE ? -EPROTO : r, "%s: %s", path,
			       r == -EPROTO ? "connection closed without an answer" : strerror(-r));
	return cache_resp_parse(in, in_len, op, ret, e);
}

int k8s_cache_ask(const char *path, uint64_t *budget_ns, json_t *req, enum cache_op op,
		  json_t **ret, struct err *e)
{
	uint64_t start = now_ns(), spent;
	int r;

	if (*budget_ns == 0)
		return err_set(e, -ETIMEDOUT, "%s: no time left", path);
	r = ask(path, start + *budget_ns, req, op, ret, e);
	spent = now_ns() - start;
	*budget_ns = spent >= *budget_ns ? 0 : *budget_ns - spent;
	return r;
}
