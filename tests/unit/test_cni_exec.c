// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Running a plugin binary, with small shell scripts written to a scratch directory: the
 * environment and stdin it gets, the fds it inherits (0-2 only, with close_range and with
 * each of its fallbacks), and every way of failing: missing, not executable, a bad
 * interpreter, non-zero exits, signals, a flood past the stdout cap, a timeout (the whole
 * process group killed), stdin closed early, multus killed under it. No root needed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "cni/exec.h"
#include "testutil.h"

#define assert_has(hay, needle)                                                                    \
	do {                                                                                       \
		if (!strstr((hay), (needle)))                                                      \
			fail_msg("\"%s\" not found in \"%s\"", (needle), (hay));                   \
	} while (0)

static char *dir;

static int setup(void **state)
{
	(void)state;
	dir = tu_scratch("exec-test");
	return dir ? 0 : -1;
}

static int teardown(void **state)
{
	int r;

	(void)state;
	r = tu_rm_rf(dir);
	free(dir);
	dir = NULL;
	return r;
}

/* dir/name with a script body after "#!/bin/sh"; the path (malloc'd). */
static char *script(const char *name, const char *body)
{
	char *text = NULL, *p;

	assert_true(asprintf(&text, "#!/bin/sh\n%s\n", body) > 0);
	p = tu_write(dir, name, 0755, text);
	assert_non_null(p);
	free(text);
	return p;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static struct cni_exec_req req_for(const char *bin, const char *in)
{
	return (struct cni_exec_req){ .binary = bin,
				      .command = "ADD",
				      .container_id = "c1",
				      .netns = "/run/netns/p",
				      .ifname = "eth7",
				      .args = "K8S_POD_NAME=web",
				      .path = "/opt/cni/bin",
				      .stdin_buf = in,
				      .stdin_len = in ? strlen(in) : 0,
				      .timeout_ms = 5000 };
}

/* Has the process gone (or is only its zombie left, for init to reap)? */
static bool gone(pid_t pid)
{
	char path[64], *stat;
	bool z;

	if (kill(pid, 0) < 0 && errno == ESRCH)
		return true;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	stat = tu_read(path);
	if (!stat)
		return true;
	z = strstr(stat, ") Z ") != NULL;
	free(stat);
	return z;
}

static bool gone_within(pid_t pid, long ms)
{
	long end = now_ms() + ms;

	while (!gone(pid)) {
		if (now_ms() > end)
			return false;
		usleep(10000);
	}
	return true;
}

/* The pid a script wrote to dir/name, waiting for it up to a few seconds. */
static pid_t pid_from(const char *name)
{
	char *path = NULL, *text = NULL;
	long end = now_ms() + 5000;
	pid_t pid = 0;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	while (now_ms() < end) {
		text = tu_read(path);
		if (text && strchr(text, '\n'))
			break;
		free(text);
		text = NULL;
		usleep(10000);
	}
	assert_non_null(text);
	pid = (pid_t)strtol(text, NULL, 10);
	free(text);
	free(path);
	assert_true(pid > 1);
	return pid;
}

static void test_env_stdin_argv(void **state)
{
	_cleanup_free_ char *bin = script(
	    "show", "printf '%s|%s|%s|%s|%s|%s|%s|%s|%s\\n' \"$0\" \"$CNI_COMMAND\" "
		    "\"${CNI_CONTAINERID-unset}\" \"$CNI_NETNS\" \"$CNI_IFNAME\" \"$CNI_ARGS\" "
		    "\"$CNI_PATH\" \"$KEEP_ME\" \"$#\"\ncat\necho to-stderr >&2");
	struct cni_exec_req req = req_for(bin, "{\"cniVersion\":\"1.0.0\"}");
	struct cni_exec_out o = { 0 };
	struct err e = { 0 };
	char *want = NULL;

	(void)state;
	/* Ours are replaced, or dropped when the request has none; the rest is handed on. */
	setenv("CNI_IFNAME", "stale0", 1);
	setenv("CNI_CONTAINERID", "stale", 1);
	setenv("KEEP_ME", "kept", 1);
	req.container_id = NULL;
	assert_int_equal(cni_exec_run(&req, &o, &e), 0);
	assert_true(asprintf(&want,
			     "%s|ADD|unset|/run/netns/p|eth7|K8S_POD_NAME=web|/opt/cni/bin|kept|0\n"
			     "{\"cniVersion\":\"1.0.0\"}",
			     bin) > 0);
	assert_string_equal(o.out, want);
	assert_int_equal(o.out_len, strlen(want));
	assert_string_equal(o.err, "to-stderr\n");
	assert_int_equal(o.exit_code, 0);
	assert_int_equal(o.signal, 0);
	assert_false(o.timed_out);
	assert_false(o.truncated);
	cni_exec_out_done(&o);
	free(want);
	unsetenv("CNI_IFNAME");
	unsetenv("CNI_CONTAINERID");
	unsetenv("KEEP_ME");
}

static void test_missing(void **state)
{
	_cleanup_free_ char *bin = NULL, *found = NULL;
	struct cni_exec_req req;
	struct cni_exec_out o = { 0 };
	struct err e = { 0 };

	(void)state;
	assert_true(asprintf(&bin, "%s/nope", dir) > 0);
	req = req_for(bin, "{}");
	assert_int_equal(cni_exec_run(&req, &o, &e), -ENOENT);
	assert_has(e.msg, "failed to start");
	assert_has(e.msg, bin);
	assert_null(o.out);
	assert_int_equal(cni_exec_find("nope", dir, "/nonexistent-bin", &found, &e), -ENOENT);
	assert_null(found);
	assert_has(e.msg, "failed to find plugin \"nope\"");
	assert_has(e.msg, dir);
	assert_has(e.msg, "/nonexistent-bin");
}

static void test_not_executable(void **state)
{
	_cleanup_free_ char *bin = tu_write(dir, "noexec", 0644, "#!/bin/sh\nexit 0\n");
	_cleanup_free_ char *found = NULL;
	struct cni_exec_req req = req_for(bin, "{}");
	struct cni_exec_out o = { 0 };
	struct err e = { 0 };

	(void)state;
	assert_non_null(bin);
	assert_int_equal(cni_exec_find("noexec", dir, NULL, &found, &e), -ENOENT);
	assert_null(found);
	assert_has(e.msg, bin);
	assert_has(e.msg, "is there but not executable");
	assert_int_equal(cni_exec_run(&req, &o, &e), -EACCES);
	assert_has(e.msg, "failed to start");
	assert_has(e.msg, "Permission denied");
}

static void test_bad_interpreter(void **state)
{
	_cleanup_free_ char *bin = tu_write(dir, "badinterp", 0755, "#!/nonexistent/sh\nexit 0\n");
	_cleanup_free_ char *junk = tu_write(dir, "junk", 0755,
					     "\x7f"
					     "ELF but not really");
	struct cni_exec_req req = req_for(bin, "{}");
	struct cni_exec_out o = { 0 };
	struct err e = { 0 };

	(void)state;
	assert_int_equal(cni_exec_run(&req, &o, &e), -ENOENT);
	req.binary = junk;
	assert_int_equal(cni_exec_run(&req, &o, &e), -ENOEXEC);
	assert_has(e.msg, junk);
}

static void test_bad_types(void **state)
{
	static const char *const bad[] = { "", ".", "..", "a/b", "/bin/sh" };
	char *found = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct err e = { 0 };

		assert_int_equal(cni_exec_find(bad[i], "/bin:/usr/bin", NULL, &found, &e), -EINVAL);
		assert_has(e.msg, "invalid plugin type");
		assert_null(found);
	}
}

static void test_exit_codes(void **state)
{
	_cleanup_free_ char *bin =
	    script("exit3", "cat >/dev/null\necho '{\"code\":7,\"msg\":\"bad\"}'\necho oops >&2\n"
			    "exit 3");
	_cleanup_free_ char *quiet = script("exit1", "exit 1");
	struct cni_exec_req req = req_for(bin, "{}");
	struct cni_exec_out o = { 0 };
	struct err e = { 0 };

	(void)state;
	assert_int_equal(cni_exec_run(&req, &o, &e), 0);
	assert_int_equal(o.exit_code, 3);
	assert_int_equal(o.signal, 0);
	assert_string_equal(o.out, "{\"code\":7,\"msg\":\"bad\"}\n");
	assert_string_equal(o.err, "oops\n");
	cni_exec_out_done(&o);
	req.binary = quiet;
	assert_int_equal(cni_exec_run(&req, &o, &e), 0);
	assert_int_equal(o.exit_code, 1);
	assert_string_equal(o.out, "");
	assert_int_equal(o.out_len, 0);
	cni_exec_out_done(&o);
}

static void test_signal(void **state)
{
	_cleanup_free_ char *bin = script("segv", "echo dying >&2\nkill -SEGV $$");
	struct cni_exec_req req = req_for(bin, NULL);
	struct cni_exec_out o = { 0 };
	struct err e = { 0 };

	(void)state;
	assert_int_equal(cni_exec_run(&req, &o, &e), 0);
	assert_int_equal(o.signal, SIGSEGV);
	assert_int_equal(o.exit_code, -1);
	assert_false(o.timed_out);
	assert_string_equal(o.err, "dying\n");
	cni_exec_out_done(&o);
}

static void test_output_caps(void **state)
{
	_cleanup_free_ char *bin = script("flood", "head -c 3145728 /dev/zero | tr '\\0' x\n"
						   "head -c 1048576 /dev/zero | tr '\\0' y >&2");
	struct cni_exec_req req = req_for(bin, NULL);
	struct cni_exec_out o = { 0 };
	struct err e = { 0 };

	(void)state;
	assert_int_equal(cni_exec_run(&req, &o, &e), 0);
	assert_true(o.truncated);
	assert_int_equal(o.out_len, CNI_EXEC_STDOUT_MAX);
	assert_int_equal(strlen(o.out), CNI_EXEC_STDOUT_MAX);
	assert_int_equal(o.err_len, CNI_EXEC_STDERR_MAX);
	assert_int_equal(o.exit_code, 0);
	cni_exec_out_done(&o);
}

static void test_timeout_kills_group(void **state)
{
	_cleanup_free_ char *bin = NULL;
	struct cni_exec_req req;
	struct cni_exec_out o = { 0 };
	struct err e = { 0 };
	char *body = NULL;
	long t0;
	pid_t bg, sh;

	(void)state;
	/* A child in the background that holds our pipes, and the plugin itself stuck. (Sleeps
	 * of lengths no netns test looks for with pgrep.) */
	assert_true(asprintf(&body,
			     "sleep 4003 &\necho $! >'%s/bg.pid'\necho $$ >'%s/sh.pid'\n"
			     "exec sleep 4004",
			     dir, dir) > 0);
	bin = script("hang", body);
	free(body);
	req = req_for(bin, NULL);
	req.timeout_ms = 400;
	t0 = now_ms();
	assert_int_equal(cni_exec_run(&req, &o, &e), 0);
	assert_true(now_ms() - t0 >= 400);
	assert_true(now_ms() - t0 < 3000);
	assert_true(o.timed_out);
	assert_int_equal(o.signal, SIGKILL);
	cni_exec_out_done(&o);
	bg = pid_from("bg.pid");
	sh = pid_from("sh.pid");
	assert_true(gone_within(sh, 2000));
	assert_true(gone_within(bg, 2000));
}

static void test_exit_kills_group(void **state)
{
	_cleanup_free_ char *bin = NULL;
	struct cni_exec_req req;
	struct cni_exec_out o = { 0 };
	struct err e = { 0 };
	char *body = NULL;
	long t0;

	(void)state;
	/* A child left behind with its fds closed (nothing keeps us reading): it dies when the
	 * plugin exits, instead of going on as an orphan. */
	assert_true(asprintf(&body,
			     "sleep 4005 </dev/null >/dev/null 2>&1 &\necho $! >'%s/left.pid'\n"
			     "echo done",
			     dir) > 0);
	bin = script("leaves", body);
	free(body);
	req = req_for(bin, NULL);
	t0 = now_ms();
	assert_int_equal(cni_exec_run(&req, &o, &e), 0);
	assert_true(now_ms() - t0 < 2000);
	assert_int_equal(o.exit_code, 0);
	assert_false(o.timed_out);
	assert_string_equal(o.out, "done\n");
	cni_exec_out_done(&o);
	assert_true(gone_within(pid_from("left.pid"), 2000));
}

static void test_stdin_closed_early(void **state)
{
	_cleanup_free_ char *bin = script("deaf", "exec 0<&-\necho done");
	_cleanup_free_ char *big = malloc(4 << 20);
	struct cni_exec_req req;
	struct cni_exec_out o = { 0 };
	struct err e = { 0 };
	sigset_t pending, mask;

	(void)state;
	assert_non_null(big);
	memset(big, 'x', (4 << 20) - 1);
	big[(4 << 20) - 1] = '\0';
	/* Far more than a pipe holds: our writes meet EPIPE, which must not kill us. */
	signal(SIGPIPE, SIG_DFL);
	req = req_for(bin, big);
	assert_int_equal(cni_exec_run(&req, &o, &e), 0);
	assert_int_equal(o.exit_code, 0);
	assert_string_equal(o.out, "done\n");
	cni_exec_out_done(&o);
	/* And nothing of it is left behind: no SIGPIPE pending, the mask as it was. */
	assert_int_equal(sigpending(&pending), 0);
	assert_false(sigismember(&pending, SIGPIPE));
	assert_int_equal(sigprocmask(SIG_SETMASK, NULL, &mask), 0);
	assert_false(sigismember(&mask, SIGPIPE));
}

/*
 * The fd test. A script prints which of the fds in $LEAK_FDS it has (by stat, which needs no
 * open(): the last fallback runs with directory opens refused), then its whole /proc listing
 * when it can read one.
 */
static const char fd_script[] =
    "for fd in $LEAK_FDS; do [ -e /proc/$$/fd/$fd ] && echo \"leak $fd\"; done\n"
    "find /proc/$$/fd -mindepth 1 -maxdepth 1 -printf '%f %l\\n'\n"
    "exit 0";

/* started hooks: one that records it ran (a marker file the plugin looks for once it has
 * its stdin) and one that fails after recording the plugin's pid. */
struct hook {
	int calls;
	int ret;
	char *marker;
};

static int hook_started(void *data, struct err *e)
{
	struct hook *h = data;
	char *m;

	h->calls++;
	if (h->ret < 0)
		return err_set(e, h->ret, "the hook failed");
	m = tu_write(dir, "marker", 0644, "x");
	assert_non_null(m);
	free(m);
	return 0;
}

static void test_started_before_stdin(void **state)
{
	_cleanup_free_ char *bin = NULL;
	struct cni_exec_req req;
	struct cni_exec_out o = { 0 };
	struct err e = { 0 };
	struct hook h = { 0 };
	char *body = NULL;

	(void)state;
	/* The plugin's first line of stdin can only arrive after the hook has returned: the
	 * marker is there by then. */
	assert_true(asprintf(&body,
			     "read line\n[ -e '%s/marker' ] && echo \"marker before $line\" || "
			     "echo \"no marker at $line\"",
			     dir) > 0);
	bin = script("ordered", body);
	free(body);
	req = req_for(bin, "stdin\n");
	req.started = hook_started;
	req.started_data = &h;
	assert_int_equal(cni_exec_run(&req, &o, &e), 0);
	assert_int_equal(h.calls, 1);
	assert_int_equal(o.exit_code, 0);
	assert_string_equal(o.out, "marker before stdin\n");
	cni_exec_out_done(&o);
}

static void test_started_fails(void **state)
{
	_cleanup_free_ char *bin = NULL, *got = NULL, *path = NULL;
	struct cni_exec_req req;
	struct cni_exec_out o = { 0 };
	struct err e = { 0 };
	struct hook h = { .ret = -EIO };
	char *body = NULL;
	pid_t pid;
	long t0;

	(void)state;
	/* The plugin writes its pid, then waits for its stdin and copies it to a file; the
	 * failing hook kills it unfed, reaped (no zombie of ours), before it got a byte. */
	assert_true(asprintf(&body, "echo $$ >'%s/unfed.pid'\ncat >'%s/unfed.in'\necho done", dir,
			     dir) > 0);
	bin = script("unfed", body);
	free(body);
	/* The hook runs once the plugin runs; give its shell the time to write its pid. */
	req = req_for(bin, "config\n");
	req.started = hook_started;
	req.started_data = &h;
	t0 = now_ms();
	assert_int_equal(cni_exec_run(&req, &o, &e), -EIO);
	assert_true(now_ms() - t0 < 2000);
	assert_int_equal(h.calls, 1);
	assert_has(e.msg, "the hook failed");
	assert_null(o.out);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	assert_true(asprintf(&path, "%s/unfed.in", dir) > 0);
	got = tu_read(path);
	/* Killed before or after its shell opened the file: never with the config in it. */
	assert_true(!got || !strstr(got, "config"));
	free(path);
	free(got);
	assert_true(asprintf(&path, "%s/unfed.pid", dir) > 0);
	got = tu_read(path);
	if (got) {
		pid = (pid_t)strtol(got, NULL, 10);
		assert_true(gone_within(pid, 2000));
	}
}

enum fd_mode { FD_CLOSE_RANGE, FD_NO_CLOSE_RANGE, FD_NO_PROC };

/* A seccomp filter for this process and what it execs: close_range fails with ENOSYS, as
 * before Linux 5.9; with FD_NO_PROC directory opens fail too, as without /proc. */
static int refuse_syscalls(enum fd_mode mode)
{
#if defined(__x86_64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif
#if defined(TEST_AUDIT_ARCH) && defined(SYS_close_range)
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TEST_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_close_range, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* openat(dirfd, path, flags): the low word of flags. */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, O_DIRECTORY, 0, 1),
		BPF_STMT(BPF_RET | BPF_K,
			 mode == FD_NO_PROC ? SECCOMP_RET_ERRNO | ENOENT : SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return -errno;
	/* The filter is in force: close_range itself now fails. */
	if (syscall(SYS_close_range, 1000000U, 1000001U, 0U) == 0 || errno != ENOSYS)
		return -EPROTO;
	return 0;
#else
	(void)mode;
	return -EOPNOTSUPP;
#endif
}

/* In a child process (the filter cannot be undone): 0 when the plugin saw only 0-2 and our
 * own fds stayed open; 77 when seccomp is not available here; otherwise what failed. */
static int fd_child(const char *bin, enum fd_mode mode)
{
	struct cni_exec_req req = req_for(bin, NULL);
	struct cni_exec_out o = { 0 };
	struct err e = { 0 };
	char list[64], *line, *save = NULL;
	int fds[4], sp[2], n_lines = 0;

	fds[0] = open("/dev/null", O_RDONLY);
	fds[1] = dup2(fds[0], 900);
	if (fds[0] < 3 || fds[1] != 900 || socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0)
		return 2;
	fds[2] = sp[0];
	fds[3] = sp[1];
	snprintf(list, sizeof(list), "%d %d %d %d", fds[0], fds[1], fds[2], fds[3]);
	setenv("LEAK_FDS", list, 1);
	if (mode != FD_CLOSE_RANGE && refuse_syscalls(mode) < 0)
		return 77;
	if (cni_exec_run(&req, &o, &e) < 0 || o.exit_code != 0)
		return 3;
	if (strstr(o.out, "leak ")) {
		fprintf(stderr, "%s", o.out);
		return 4;
	}
	/* Exact, where there is a listing: 0-2 (our pipes) and the script the shell reads. */
	for (line = strtok_r(o.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp1 = strchr(line, ' ');

		n_lines++;
		if (!sp1)
			return 5;
		if ((strncmp(line, "0 ", 2) == 0 || strncmp(line, "1 ", 2) == 0 ||
		     strncmp(line, "2 ", 2) == 0) &&
		    strncmp(sp1 + 1, "pipe:", 5) == 0)
			continue;
		if (strcmp(sp1 + 1, bin) == 0)
			continue;
		fprintf(stderr, "unexpected fd: %s\n", line);
		return 6;
	}
	if (mode != FD_NO_PROC && n_lines < 3)
		return 7;
	/* The child had its own fd table: ours are all still open. */
	for (int i = 0; i < 4; i++)
		if (fcntl(fds[i], F_GETFD) < 0)
			return 8;
	cni_exec_out_done(&o);
	return 0;
}

static void run_fd_child(enum fd_mode mode)
{
	_cleanup_free_ char *bin = script("fds", fd_script);
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fd_child(bin, mode));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_fds_close_range(void **state)
{
	(void)state;
	run_fd_child(FD_CLOSE_RANGE);
}

static void test_fds_without_close_range(void **state)
{
	(void)state;
	run_fd_child(FD_NO_CLOSE_RANGE);
}

static void test_fds_without_proc(void **state)
{
	(void)state;
	run_fd_child(FD_NO_PROC);
}

/* Started with 0 and 1 closed, multus's pipes take those numbers: the plugin still gets
 * its stdin and stdout right. */
static void test_stdio_closed_in_parent(void **state)
{
	_cleanup_free_ char *bin = script("echo", "cat; echo; echo err >&2");
	int status;
	pid_t pid;

	(void)state;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct cni_exec_req req = req_for(bin, "hello");
		struct cni_exec_out o = { 0 };
		struct err e = { 0 };

		close(0);
		close(1);
		if (cni_exec_run(&req, &o, &e) < 0)
			_exit(2);
		_exit(strcmp(o.out, "hello\n") == 0 && strcmp(o.err, "err\n") == 0 ? 0 : 3);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* The runtime kills multus (SIGKILL) while a plugin runs: the plugin dies with it. */
static void test_parent_death(void **state)
{
	_cleanup_free_ char *bin = NULL;
	char *body = NULL;
	pid_t helper, plugin;
	int status;

	(void)state;
	assert_true(asprintf(&body, "echo $$ >'%s/plugin.pid'\nexec sleep 4005", dir) > 0);
	bin = script("stuck", body);
	free(body);
	fflush(NULL);
	helper = fork();
	assert_true(helper >= 0);
	if (helper == 0) {
		struct cni_exec_req req = req_for(bin, NULL);
		struct cni_exec_out o = { 0 };
		struct err e = { 0 };

		req.timeout_ms = 60000;
		cni_exec_run(&req, &o, &e);
		_exit(1);
	}
	plugin = pid_from("plugin.pid");
	assert_false(gone(plugin));
	assert_int_equal(kill(helper, SIGKILL), 0);
	assert_int_equal(waitpid(helper, &status, 0), helper);
	assert_true(gone_within(plugin, 2000));
}

/*
 * The child's stack is unmapped after the spawn, and the next mapping of that size usually
 * lands at the same place. In the ASan build (make asan-unit) every byte of it must read as
 * ordinary memory: no redzone marks left behind by the child, which never returns.
 */
static void test_stack_reusable(void **state)
{
	struct cni_exec_req req = req_for("/bin/true", NULL);
	struct cni_exec_out o = { 0 };
	struct err e = { 0 };
	volatile unsigned char *p;
	unsigned long sum = 0;
	size_t len = 64 << 10;

	(void)state;
	assert_int_equal(cni_exec_run(&req, &o, &e), 0);
	assert_int_equal(o.exit_code, 0);
	cni_exec_out_done(&o);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	assert_true(p != MAP_FAILED);
	for (size_t i = 0; i < len; i++)
		sum += p[i];
	assert_int_equal(sum, 0);
	munmap((void *)p, len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env_stdin_argv),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_not_executable),
		cmocka_unit_test(test_bad_interpreter),
		cmocka_unit_test(test_bad_types),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_signal),
		cmocka_unit_test(test_output_caps),
		cmocka_unit_test(test_timeout_kills_group),
		cmocka_unit_test(test_exit_kills_group),
		cmocka_unit_test(test_stdin_closed_early),
		cmocka_unit_test(test_started_before_stdin),
		cmocka_unit_test(test_started_fails),
		cmocka_unit_test(test_fds_close_range),
		cmocka_unit_test(test_fds_without_close_range),
		cmocka_unit_test(test_fds_without_proc),
		cmocka_unit_test(test_stdio_closed_in_parent),
		cmocka_unit_test(test_parent_death),
		cmocka_unit_test(test_stack_reusable),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
