// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The cost of starting one delegate. Spawns a trivial program (/bin/true, or the one given)
 * N times each way and prints the median and 90th percentile in microseconds:
 *   fork+exec     raw fork(), dup2 of /dev/null, execve, waitpid: the baseline
 *   old-fork      what exec.c did before: pipes, fork(), the child setting up and building
 *                 its environment (malloc after fork), execve; read to EOF, waitpid
 *   posix_spawn   glibc's vfork-style spawn with a process group, mask, defaults, dup2s
 *   cni_exec_run  what multus does now: clone(CLONE_VM|CLONE_VFORK), close_range, pipes
 *                 fed and drained through poll, pidfd
 * each with the bench process as it starts and again after touching BALLAST MiB of heap:
 * fork() copies the page tables of everything mapped (in multus: libcurl, OpenSSL, the heap
 * after an API call), a vfork-style spawn does not.
 *
 *   bench_spawn [-n N] [-m BALLAST_MIB] [PROGRAM]
 */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cni/exec.h"

extern char **environ;

static const char *prog = "/bin/true";

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int spawn_fork_exec(void)
{
	char *argv[] = { (char *)prog, NULL };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execve(prog, argv, environ);
		_exit(127);
	}
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The environment as the old child built it: after fork, with malloc. */
static char **old_env(void)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 7, sizeof(char *));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "CNI_", 4) != 0)
			env[k++] = environ[i];
	if (asprintf(&env[k++], "CNI_COMMAND=ADD") < 0 ||
	    asprintf(&env[k++], "CNI_CONTAINERID=bench") < 0 ||
	    asprintf(&env[k++], "CNI_IFNAME=eth0") < 0 || asprintf(&env[k++], "CNI_PATH=/x") < 0)
		return NULL;
	return env;
}

static int spawn_old_fork(void)
{
	char *argv[] = { (char *)prog, NULL };
	int pin[2], pout[2], perr[2], status;
	pid_t parent = getpid(), pid;
	char buf[4096];

	if (pipe2(pin, O_CLOEXEC) < 0 || pipe2(pout, O_CLOEXEC) < 0 || pipe2(perr, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		sigset_t none;
		char **env;

		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(pin[0], 0) < 0 || dup2(pout[1], 1) < 0 || dup2(perr[1], 2) < 0)
			_exit(127);
		env = old_env();
		if (!env)
			_exit(127);
		execve(prog, argv, env);
		_exit(127);
	}
	setpgid(pid, pid);
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	close(pin[1]);
	while (read(pout[0], buf, sizeof(buf)) > 0)
		;
	while (read(perr[0], buf, sizeof(buf)) > 0)
		;
	close(pout[0]);
	close(perr[0]);
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int spawn_posix(void)
{
	char *argv[] = { (char *)prog, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int status, r;
	pid_t pid;

	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDWR, 0);
	posix_spawn_file_actions_adddup2(&fa, 0, 1);
	posix_spawn_file_actions_adddup2(&fa, 0, 2);
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
					  POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	r = posix_spawn(&pid, prog, &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (r != 0)
		return -1;
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int spawn_cni(void)
{
	struct cni_exec_req req = { .binary = prog,
				    .command = "ADD",
				    .container_id = "bench",
				    .netns = "/run/netns/bench",
				    .ifname = "eth0",
				    .path = "/x",
				    .stdin_buf = "{}",
				    .stdin_len = 2,
				    .timeout_ms = 10000 };
	struct cni_exec_out o = { 0 };
	struct err e = { 0 };
	int r;

	if (cni_exec_run(&req, &o, &e) < 0) {
		fprintf(stderr, "bench_spawn: %s\n", e.msg);
		return -1;
	}
	r = o.exit_code;
	cni_exec_out_done(&o);
	return r;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int measure(const char *name, int (*fn)(void), int n, size_t ballast_mib)
{
	double *t = calloc((size_t)n, sizeof(double));

	if (!t)
		return -1;
	for (int i = 0; i < n; i++) {
		double t0 = now_us();

		if (fn() != 0) {
			fprintf(stderr, "bench_spawn: %s: %s did not exit 0\n", name, prog);
			free(t);
			return -1;
		}
		t[i] = now_us() - t0;
	}
	qsort(t, (size_t)n, sizeof(double), cmp_double);
	printf("spawn: %-12s ballast %4zu MiB: median %7.1f us, p90 %7.1f us (n=%d)\n", name,
	       ballast_mib, t[n / 2], t[(n * 9) / 10], n);
	free(t);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(void);
	} modes[] = {
		{ "fork+exec", spawn_fork_exec },
		{ "old-fork", spawn_old_fork },
		{ "posix_spawn", spawn_posix },
		{ "cni_exec_run", spawn_cni },
	};
	size_t ballast = 64;
	int n = 200, opt;
	char *heap;

	while ((opt = getopt(argc, argv, "n:m:")) != -1) {
		if (opt == 'n')
			n = (int)strtol(optarg, NULL, 10);
		else if (opt == 'm')
			ballast = (size_t)strtoul(optarg, NULL, 10);
		else {
			fprintf(stderr, "usage: bench_spawn [-n N] [-m BALLAST_MIB] [PROGRAM]\n");
			return 2;
		}
	}
	if (optind < argc)
		prog = argv[optind];
	if (n < 1 || access(prog, X_OK) < 0) {
		fprintf(stderr, "bench_spawn: need N >= 1 and an executable %s\n", prog);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	for (int round = 0; round < 2; round++) {
		size_t mib = round ? ballast : 0;

		if (round) {
			if (!ballast)
				break;
			heap = malloc(ballast << 20);
			if (!heap)
				return 1;
			/* Touched, so that the pages are really mapped. */
			memset(heap, 1, ballast << 20);
		}
		for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
			if (measure(modes[i].name, modes[i].fn, n, mib) < 0)
				return 1;
	}
	return 0;
}
