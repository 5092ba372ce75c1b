// SPDX-License-Identifier: GPL-2.0-or-later
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <limits.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "cni/exec.h"

extern char **environ;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* As libcni: what is not a regular file (a directory, a dangling link) is no plugin. One we
 * may not execute is passed over too, as execvp does; the first such is kept in *noexec, for
 * the message when nothing else is found. */
static int try_dir(const char *dir, size_t dlen, const char *type, char **ret, char **noexec)
{
	_cleanup_free_ char *p = NULL;
	struct stat st;

	if (dlen == 0)
		return -ENOENT;
	if (asprintf(&p, "%.*s/%s", (int)dlen, dir, type) < 0)
		return -ENOMEM;
	if (stat(p, &st) < 0 || !S_ISREG(st.st_mode))
		return -ENOENT;
	if (access(p, X_OK) < 0) {
		if (!*noexec)
			*noexec = TAKE_PTR(p);
		return -ENOENT;
	}
	*ret = TAKE_PTR(p);
	return 0;
}

int cni_exec_find(const char *type, const char *cni_path, const char *bin_dir, char **ret_path,
		  struct err *e)
{
	const char *p = cni_path ? cni_path : "";
	_cleanup_free_ char *noexec = NULL;

	if (!type || !type[0] || strchr(type, '/') || streq(type, ".") || streq(type, ".."))
		return err_set(e, -EINVAL, "invalid plugin type \"%.64s\"", type ? type : "");
	while (*p) {
		const char *c = strchr(p, ':');
		size_t len = c ? (size_t)(c - p) : strlen(p);

		if (try_dir(p, len, type, ret_path, &noexec) == 0)
			return 0;
		p += len + (c ? 1 : 0);
	}
	if (bin_dir && try_dir(bin_dir, strlen(bin_dir), type, ret_path, &noexec) == 0)
		return 0;
	return err_set(e, -ENOENT, "failed to find plugin \"%s\" in path [%s%s%s]%s%s%s", type,
		       cni_path ? cni_path : "", cni_path && cni_path[0] ? ":" : "",
		       bin_dir ? bin_dir : "", noexec ? " (" : "", noexec ? noexec : "",
		       noexec ? " is there but not executable)" : "");
}

/*
 * The delegate's environment: ours, with the CNI variables replaced. Built before the child
 * exists: the child may not allocate. The strings of ours are malloc'd, the rest borrowed.
 */
struct spawn_env {
	char **env;
	size_t first_own; /* env[first_own..] are ours to free */
};

static void spawn_env_done(struct spawn_env *se)
{
	if (!se->env)
		return;
	for (size_t i = se->first_own; se->env[i]; i++)
		free(se->env[i]);
	free(se->env);
	se->env = NULL;
}

static int build_env(const struct cni_exec_req *req, struct spawn_env *ret)
{
	static const char *const ours[] = { "CNI_COMMAND=", "CNI_CONTAINERID=", "CNI_NETNS=",
					    "CNI_IFNAME=",  "CNI_ARGS=",	"CNI_PATH=" };
	const char *vals[] = { req->command, req->container_id, req->netns,
			       req->ifname,  req->args,		req->path };
	struct spawn_env se = { 0 };
	size_t n = 0, k = 0;

	while (environ && environ[n])
		n++;
	se.env = calloc(n + ELEMENTSOF(ours) + 1, sizeof(char *));
	if (!se.env)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		bool skip = false;

		for (size_t j = 0; j < ELEMENTSOF(ours); j++)
			if (strncmp(environ[i], ours[j], strlen(ours[j])) == 0)
				skip = true;
		if (!skip)
			se.env[k++] = environ[i];
	}
	se.first_own = k;
	for (size_t j = 0; j < ELEMENTSOF(ours); j++) {
		if (!vals[j])
			continue;
		if (asprintf(&se.env[k], "%s%s", ours[j], vals[j]) < 0) {
			se.env[k] = NULL;
			spawn_env_done(&se);
			return -ENOMEM;
		}
		k++;
	}
	*ret = se;
	return 0;
}

/*
 * How the delegate is started. fork() copies multus's page tables (libcurl, OpenSSL and
 * jansson mapped, the heap after an API call) only for exec to throw them away; posix_spawn
 * avoids that with clone(CLONE_VM|CLONE_VFORK) but cannot set PR_SET_PDEATHSIG, and a
 * delegate orphaned by a killed multus would go on creating what no DEL sees. So we do what
 * posix_spawn does, ourselves: the child shares our memory on its own small stack while we
 * are suspended, makes only async-signal-safe calls (setpgid, prctl, sigaction, dup2,
 * close_range, sigprocmask, execve; no malloc, no locks) and writes back why it could not
 * exec. A shim binary would have cost a second exec per delegate. (Valgrind runs such a
 * clone as a fork: there an exec failure shows as exit status 127 instead.)
 */
struct spawn {
	const char *binary;
	char *const *argv;
	char *const *envp;
	int fds[3]; /* become 0, 1, 2; each above 2, so no dup2 overwrites another */
	pid_t parent;
	int max_fd; /* the last resort's bound */
	int err; /* written by the child: why it did not exec */
};

#define SPAWN_STACK_SIZE (64 << 10)
/* Code that runs in the child, on the stack we unmap afterwards: an ASan build must not mark
 * redzones in that stack's shadow (the child never returns to clear them), or whatever is
 * mapped there next reads as a stack overflow. */
#define _spawn_child_ __attribute__((no_sanitize_address))

struct dirent64_raw {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* The fd named by a /proc/self/fd entry, or -1. */
_spawn_child_ static int fd_of_name(const char *s)
{
	int fd = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || fd > (INT_MAX - 9) / 10)
			return -1;
		fd = fd * 10 + (*s - '0');
	}
	return fd;
}

/*
 * Closes every fd from 3 up; async-signal-safe. close_range(2) is Linux 5.9 and refused by
 * some seccomp profiles (EPERM); then what /proc/self/fd lists, read with getdents64 into a
 * buffer on the stack; without /proc every number below the fd limit.
 */
_spawn_child_ static void close_from_3(int max_fd)
{
	char buf[4096] __attribute__((aligned(8)));
	long n;
	int dfd;

	if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
		return;
	dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		for (int fd = 3; fd < max_fd; fd++)
			close(fd);
		return;
	}
	/* The listing is in fd order: closing what was read does not disturb the rest. */
	while ((n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			/* The kernel aligns each record to 8 bytes. */
			struct dirent64_raw *d = (void *)(buf + off);
			int fd = fd_of_name(d->d_name);

			if (fd >= 3 && fd != dfd)
				close(fd);
			off += d->d_reclen;
		}
	}
	close(dfd);
}

/* In the child, on the parent's memory: only async-signal-safe calls, then exec. */
_spawn_child_ static int spawn_child(void *arg)
{
	struct spawn *s = arg;
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;

	/* Its own group: the timeout kills the plugin and whatever it started. */
	if (setpgid(0, 0) < 0)
		goto fail;
	/* Die with multus: an orphaned delegate would go on creating what no DEL sees. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		goto fail;
	if (getppid() != s->parent) {
		s->err = ESRCH;
		_exit(127);
	}
	/* A handler of ours must not run here, on our memory: every caught signal goes back to
	 * its default (exec would do that too, later). SIGPIPE, which multus ignores, as well:
	 * plugins expect it. Ignored ones stay ignored, as the runtime set them. */
	for (int sig = 1; sig < _NSIG; sig++) {
		struct sigaction old;

		if (sig == SIGKILL || sig == SIGSTOP || sigaction(sig, NULL, &old) < 0)
			continue;
		if (old.sa_handler != SIG_IGN || sig == SIGPIPE)
			sigaction(sig, &dfl, NULL);
	}
	for (int i = 0; i < 3; i++)
		if (dup2(s->fds[i], i) < 0)
			goto fail;
	/* Only 0-2: not libcurl's sockets, not the store lock, nothing the runtime leaked to
	 * us, whether or not it was opened O_CLOEXEC. */
	close_from_3(s->max_fd);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(s->binary, s->argv, s->envp);
fail:
	s->err = errno ? errno : EIO;
	_exit(127);
}

/* Starts the child; its pid, or -errno when it could not be started (s->err says why). */
static pid_t spawn_start(struct spawn *s)
{
	sigset_t all, old;
	void *stack;
	pid_t pid;
	int r;

	stack = mmap(NULL, SPAWN_STACK_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return negative_errno();
	/* Nothing of ours may run in the child before it has reset the handlers. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	s->err = 0;
	/* The parent is suspended until the child has exec'd or exited: s is final then. */
	pid = clone(spawn_child, (char *)stack + SPAWN_STACK_SIZE, CLONE_VM | CLONE_VFORK | SIGCHLD,
		    s);
	r = pid < 0 ? negative_errno() : 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	munmap(stack, SPAWN_STACK_SIZE);
	if (r < 0)
		return r;
	if (s->err) {
		waitpid(pid, NULL, 0);
		return -s->err;
	}
	return pid;
}

/* Moves a pipe end off 0-2 (when multus was started with one of them closed). */
static int fd_above_stdio(int *fd)
{
	int nfd;

	if (*fd > 2)
		return 0;
	nfd = fcntl(*fd, F_DUPFD_CLOEXEC, 3);
	if (nfd < 0)
		return negative_errno();
	close(*fd);
	*fd = nfd;
	return 0;
}

static int fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur > INT_MAX)
		return 1 << 20;
	return (int)rl.rlim_cur;
}

struct sink {
	int fd;
	char *buf;
	size_t len, cap, max;
	bool truncated;
};

/* Reads what is there; returns 1 at EOF, 0 otherwise. */
static int sink_read(struct sink *s)
{
	char tmp[16384];
	ssize_t n = read(s->fd, tmp, sizeof(tmp));

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : 1;
	if (n == 0)
		return 1;
	if (s->len + (size_t)n > s->max) {
		s->truncated = true;
		n = (ssize_t)(s->max - s->len);
	}
	if (s->len + (size_t)n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		char *nb;

		while (cap < s->len + (size_t)n + 1)
			cap *= 2;
		nb = realloc(s->buf, cap);
		if (!nb)
			return 1;
		s->buf = nb;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, tmp, (size_t)n);
	s->len += (size_t)n;
	s->buf[s->len] = '\0';
	return 0;
}

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/*
 * A delegate that exits before reading all of its stdin must not kill us with SIGPIPE,
 * whether or not the caller ignores it (multus does): blocked while we write, and one that
 * our writes raised is taken back before the old mask returns.
 */
struct pipe_guard {
	sigset_t old;
	bool was_pending;
};

static void sigpipe_block(struct pipe_guard *g)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &set, &g->old);
	g->was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE);
}

static void sigpipe_restore(struct pipe_guard *g)
{
	static const struct timespec zero = { 0 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	if (!g->was_pending)
		while (sigtimedwait(&set, NULL, &zero) == SIGPIPE)
			;
	sigprocmask(SIG_SETMASK, &g->old, NULL);
}

/* After the plugin exits, a grandchild may still hold its pipes: wait this long, no more. */
#define EXIT_GRACE_MS 200

/*
 * Has the plugin exited? Then what it left running in its process group is killed, before it
 * is reaped: its zombie still holds the group's id, so no other process can have it. Such a
 * leftover would go on creating what no DEL sees (a daemon of its own has setsid'd).
 */
static bool reap_exited(pid_t pid, int *status)
{
	siginfo_t si = { 0 };

	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid != pid)
		return false;
	kill(-pid, SIGKILL);
	return waitpid(pid, status, 0) == pid;
}

int cni_exec_run(const struct cni_exec_req *req, struct cni_exec_out *ret, struct err *e)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	struct sink so = { .fd = -1, .max = CNI_EXEC_STDOUT_MAX };
	struct sink se = { .fd = -1, .max = CNI_EXEC_STDERR_MAX };
	struct spawn_env env = { 0 };
	char *argv[] = { (char *)req->binary, NULL };
	struct spawn sp;
	size_t written = 0;
	long deadline, exited_at = -1;
	int status = 0, r;
	bool reaped = false, timed_out = false;
	_cleanup_close_ int pidfd = -1;
	struct pipe_guard guard;
	pid_t pid;

	r = build_env(req, &env);
	if (r < 0)
		return err_set(e, r, "failed to start %s: %s", req->binary, strerror(-r));
	if (pipe2(pin, O_CLOEXEC) < 0 || pipe2(pout, O_CLOEXEC) < 0 || pipe2(perr, O_CLOEXEC) < 0) {
		r = negative_errno();
		goto fail_pipes;
	}
	if ((r = fd_above_stdio(&pin[0])) < 0 || (r = fd_above_stdio(&pout[1])) < 0 ||
	    (r = fd_above_stdio(&perr[1])) < 0)
		goto fail_pipes;
	sp = (struct spawn){
		.binary = req->binary,
		.argv = argv,
		.envp = env.env,
		.fds = { pin[0], pout[1], perr[1] },
		.parent = getpid(),
		.max_fd = fd_limit(),
	};
	pid = spawn_start(&sp);
	spawn_env_done(&env);
	if (pid < 0) {
		r = pid;
		goto fail_pipes;
	}
	/* The child's exit wakes poll() directly; without pidfds (before Linux 5.3) we poll
	 * in short slices instead. */
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	so.fd = pout[0];
	se.fd = perr[0];
	if (req->started && (r = req->started(req->started_data, e)) < 0) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		close(pin[1]);
		close(so.fd);
		close(se.fd);
		return r;
	}
	set_nonblock(pin[1]);
	set_nonblock(so.fd);
	set_nonblock(se.fd);
	if (req->stdin_len == 0) {
		close(pin[1]);
		pin[1] = -1;
	}
	deadline = now_ms() + (req->timeout_ms > 0 ? req->timeout_ms : 60000);
	sigpipe_block(&guard);

	while (so.fd >= 0 || se.fd >= 0 || !reaped) {
		struct pollfd pf[4];
		int nf = 0, ti = -1, oi = -1, ei = -1, slice;
		long left = deadline - now_ms();

		if (!reaped && reap_exited(pid, &status)) {
			reaped = true;
			exited_at = now_ms();
		}
		if (reaped && so.fd < 0 && se.fd < 0)
			break;
		if (left <= 0 && !timed_out) {
			timed_out = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
		}
		/* What still holds our pipes left its group (setsid): no more waiting for it. */
		if (reaped && (timed_out || now_ms() - exited_at > EXIT_GRACE_MS))
			break;
		if (timed_out && !reaped) {
			if (waitpid(pid, &status, 0) == pid)
				reaped = true;
			break;
		}
		if (pin[1] >= 0) {
			pf[nf] = (struct pollfd){ .fd = pin[1], .events = POLLOUT };
			ti = nf++;
		}
		if (so.fd >= 0) {
			pf[nf] = (struct pollfd){ .fd = so.fd, .events = POLLIN };
			oi = nf++;
		}
		if (se.fd >= 0) {
			pf[nf] = (struct pollfd){ .fd = se.fd, .events = POLLIN };
			ei = nf++;
		}
		if (pidfd >= 0 && !reaped)
			pf[nf++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		slice = pidfd >= 0 ? (reaped ? EXIT_GRACE_MS : (int)(left > 0 ? left : 0)) : 20;
		if (!reaped && left < slice)
			slice = (int)(left > 0 ? left : 0);
		if (poll(pf, (nfds_t)nf, slice) < 0 && errno != EINTR)
			break;
		if (ti >= 0 && pf[ti].revents) {
			ssize_t n =
			    write(pin[1], req->stdin_buf + written, req->stdin_len - written);

			if (n > 0)
				written += (size_t)n;
			if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
			    written == req->stdin_len) {
				close(pin[1]);
				pin[1] = -1;
			}
		}
		if (oi >= 0 && pf[oi].revents && sink_read(&so)) {
			close(so.fd);
			so.fd = -1;
		}
		if (ei >= 0 && pf[ei].revents && sink_read(&se)) {
			close(se.fd);
			se.fd = -1;
		}
	}
	if (!reaped) {
		/* Only a failing poll() gets here: never wait unbounded for a live delegate. */
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	if (pin[1] >= 0)
		close(pin[1]);
	sigpipe_restore(&guard);
	if (so.fd >= 0)
		close(so.fd);
	if (se.fd >= 0)
		close(se.fd);

	*ret = (struct cni_exec_out){
		.out = so.buf ? so.buf : strdup(""),
		.out_len = so.len,
		.err = se.buf ? se.buf : strdup(""),
		.err_len = se.len,
		.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0,
		.timed_out = timed_out,
		.truncated = so.truncated,
	};
	return 0;

fail_pipes:
	spawn_env_done(&env);
	for (int i = 0; i < 2; i++) {
		if (pin[i] >= 0)
			close(pin[i]);
		if (pout[i] >= 0)
			close(pout[i]);
		if (perr[i] >= 0)
			close(perr[i]);
	}
	return err_set(e, r, "failed to start %s: %s", req->binary, strerror(-r));
}

void cni_exec_out_done(struct cni_exec_out *o)
{
	free(o->out);
	free(o->err);
	o->out = o->err = NULL;
}
