// SPDX-License-Identifier: GPL-2.0-or-later
/* One bounded request to the node-local cache daemon over its unix socket. */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "k8s/cache.h"

#define WALL_FACTOR 10 /* a call's wall time: at most this many times its budget */
#define RQ_LOOK_NS 1000000ULL /* below this much wall time, not worth reading schedstat */

/*
 * The bound is on waiting for the daemon. Time this process spent runnable but not running
 * (its run-queue delay: 50 plugins and their delegates at once on a busy node) is not the
 * daemon's slowness, and the API path would pay it as well: it is not counted. Each call
 * still ends within WALL_FACTOR times what it was given, whatever the load.
 */
struct bound {
	uint64_t start, budget, rq0, wall_end;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Nanoseconds this process has waited on a run queue (0 where schedstat is not there). */
static uint64_t runqueue_ns(void)
{
	char buf[128];
	unsigned long long run, wait;
	ssize_t n;
	int fd = open("/proc/self/schedstat", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return sscanf(buf, "%llu %llu", &run, &wait) == 2 ? (uint64_t)wait : 0;
}

static void bound_start(struct bound *b, uint64_t budget)
{
	b->start = now_ns();
	b->budget = budget;
	b->rq0 = runqueue_ns();
	b->wall_end = b->start + budget * WALL_FACTOR;
}

/* What counts of the time since bound_start, at `now`. */
static uint64_t bound_spent(const struct bound *b, uint64_t now)
{
	uint64_t wall = now - b->start, rq;

	/* The usual answer, well within the budget: all of it counts, no need to look. */
	if (wall < RQ_LOOK_NS)
		return wall;
	rq = runqueue_ns() - b->rq0;
	return rq >= wall ? 0 : wall - rq;
}

static int left_ms(const struct bound *b)
{
	uint64_t now = now_ns(), spent = bound_spent(b, now), left;

	if (spent >= b->budget || now >= b->wall_end)
		return 0;
	left = b->budget - spent;
	if (left > b->wall_end - now)
		left = b->wall_end - now;
	/* Rounded up: 0 only when the bound is reached. */
	return (int)((left + 999999) / 1000000);
}

static int wait_fd(int fd, short events, const struct bound *b)
{
	struct pollfd p = { .fd = fd, .events = events };

	for (;;) {
		int ms = left_ms(b), n;

		if (ms <= 0)
			return -ETIMEDOUT;
		n = poll(&p, 1, ms);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return negative_errno();
	}
}

static int connect_to(const char *path, const struct bound *b, int *ret_fd)
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
		return errno == EAGAIN ? -EAGAIN : -ECONNREFUSED;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0)
		return negative_errno();
	if (cred.uid != 0)
		return -EPERM;
	if (left_ms(b) <= 0)
		return -ETIMEDOUT;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

static int send_all(int fd, const char *buf, size_t len, const struct bound *b)
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
		if (wait_fd(fd, POLLOUT, b) < 0)
			return -ETIMEDOUT;
	}
	return 0;
}

/* One line, at most CACHE_LINE_MAX bytes with its '\n'. */
static int recv_line(int fd, const struct bound *b, char **ret, size_t *ret_len)
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
			if (wait_fd(fd, POLLIN, b) < 0)
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

static int ask(const char *path, const struct bound *b, json_t *req, enum cache_op op, json_t **ret,
	       json_t **ret_nads, unsigned *ret_ops, struct err *e)
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
	r = connect_to(path, b, &fd);
	if (r == -EPERM)
		return err_set(e, r, "%s: the daemon does not run as root", path);
	if (r == -EAGAIN)
		return err_set(e, -ETIMEDOUT, "%s: the daemon's backlog is full", path);
	if (r == -ETIMEDOUT)
		return err_set(e, r, "%s: no time left after connecting", path);
	if (r < 0)
		return err_set(e, r, "cannot connect to %s: %s", path, strerror(-r));
	r = send_all(fd, out, out_len, b);
	if (r == 0)
		r = recv_line(fd, b, &in, &in_len);
	if (r == -ETIMEDOUT) {
		uint64_t now = now_ns();

		return err_set(e, r,
			       "%s: no answer in time (%llu of %llu ms waited, %llu ms in all)",
			       path, (unsigned long long)(bound_spent(b, now) / 1000000),
			       (unsigned long long)(b->budget / 1000000),
			       (unsigned long long)((now - b->start) / 1000000));
	}
	if (r < 0)
		return err_set(e, r == -EMSGSIZE ? -EPROTO : r, "%s: %s", path,
			       r == -EPROTO ? "connection closed without an answer" : strerror(-r));
	if (op == CACHE_OP_POD)
		return cache_resp_parse_pod(in, in_len, ret, ret_nads, ret_ops, e);
	return cache_resp_parse(in, in_len, op, ret, ret_ops, e);
}

static int ask_bounded(const char *path, uint64_t *budget_ns, json_t *req, enum cache_op op,
		       json_t **ret, json_t **ret_nads, unsigned *ret_ops, struct err *e)
{
	struct bound b;
	uint64_t spent;
	int r;

	if (*budget_ns == 0)
		return err_set(e, -ETIMEDOUT, "%s: no time left", path);
	bound_start(&b, *budget_ns);
	r = ask(path, &b, req, op, ret, ret_nads, ret_ops, e);
	spent = bound_spent(&b, now_ns());
	*budget_ns = spent >= *budget_ns ? 0 : *budget_ns - spent;
	return r;
}

int k8s_cache_ask(const char *path, uint64_t *budget_ns, json_t *req, enum cache_op op,
		  json_t **ret, unsigned *ret_ops, struct err *e)
{
	return ask_bounded(path, budget_ns, req, op, ret, NULL, ret_ops, e);
}

int k8s_cache_ask_pod(const char *path, uint64_t *budget_ns, json_t *req, json_t **ret,
		      json_t **ret_nads, unsigned *ret_ops, struct err *e)
{
	return ask_bounded(path, budget_ns, req, CACHE_OP_POD, ret, ret_nads, ret_ops, e);
}
