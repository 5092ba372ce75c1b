// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The runtime's side of `make bench`: runs CNI plugins one after another, as a runtime with
 * libcni does (one exec per plugin, its config written into a pipe on its stdin, its stdout
 * read from a pipe to the end, the CNI_* environment), and appends one line to OUT:
 *
 *   WALL_US MAX_RSS_KIB OWN_RSS_KIB OWN_CPU_US OWN_RUNQ_US
 *
 *   cnirun [-t] OUT COMMAND CONTAINERID NETNS PLUGIN,CONF,IFNAME[,CNI_ARGS]...
 *
 * WALL: all steps together. MAX_RSS: the largest peak resident set of a step and the children
 * it reaped (wait4). With -t (one step: multus), OWN_*: that process alone, not its delegates,
 * read from /proc when it is about to exit (peak RSS from VmHWM, CPU from schedstat): it is
 * traced with PTRACE_O_TRACEEXIT only, so it stops at exec, at exit and for each signal it
 * gets (a delegate's SIGCHLD), microseconds each. Else they are -1. Exits 1 when a step fails.
 * A small launcher on purpose: a fork of a big process (Python) would count the parent's
 * pages in the child's peak RSS.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* At the exit stop: the process's own CPU time, its time runnable but waiting for a CPU (the
 * second field of schedstat), and its peak RSS. */
static void own_usage(pid_t pid, long long *ret_cpu_us, long long *ret_runq_us, long *ret_hwm_kib)
{
	char path[64], line[256];
	unsigned long long ns, wait_ns;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	f = fopen(path, "re");
	if (f) {
		if (fscanf(f, "%llu %llu", &ns, &wait_ns) == 2) {
			*ret_cpu_us = (long long)(ns / 1000);
			*ret_runq_us = (long long)(wait_ns / 1000);
		}
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmHWM:", 6) == 0)
			*ret_hwm_kib = strtol(line + 6, NULL, 10);
	fclose(f);
}

/* One plugin run; 0 when it exited 0. */
static int step(char *spec, const char *cmd, const char *id, const char *netns, bool trace,
		long *max_rss, long *own_rss, long long *own_cpu, long long *own_runq)
{
	char *plugin = strtok(spec, ","), *conf = strtok(NULL, ","), *ifname = strtok(NULL, ",");
	char *args = strtok(NULL, "");
	bool started = false;
	struct rusage ru;
	int status, pin[2], pout[2];
	pid_t pid;

	if (!plugin || !conf || !ifname) {
		fprintf(stderr, "cnirun: a step is PLUGIN,CONF,IFNAME[,CNI_ARGS]\n");
		return -1;
	}
	/* As libcni runs a plugin (Go's os/exec): the config written into a pipe on its stdin, its
	 * stdout read from a pipe to the end, then the wait. Traced, the plugin stops at exec
	 * before it reads or writes anything, so there the config is a file and stdout /dev/null
	 * (a pipe would block this loop before it lets the plugin go on). */
	if (!trace && (pipe2(pin, O_CLOEXEC) < 0 || pipe2(pout, O_CLOEXEC) < 0))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int in = trace ? open(conf, O_RDONLY) : pin[0], null = open("/dev/null", O_WRONLY);
		int out = trace ? null : pout[1];
		char *argv[] = { plugin, NULL };

		if (in < 0 || null < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0)
			_exit(126);
		if (!getenv("CNIRUN_STDERR"))
			dup2(null, 2);
		setenv("CNI_COMMAND", cmd, 1);
		setenv("CNI_CONTAINERID", id, 1);
		setenv("CNI_NETNS", netns, 1);
		setenv("CNI_IFNAME", ifname, 1);
		setenv("CNI_ARGS", args ? args : "", 1);
		if (trace && ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(126);
		execv(plugin, argv);
		_exit(127);
	}
	if (!trace) {
		char buf[65536];
		ssize_t n = 0, len = 0;
		int fd = open(conf, O_RDONLY | O_CLOEXEC);

		close(pin[0]);
		close(pout[1]);
		if (fd >= 0) {
			len = read(fd, buf, sizeof(buf));
			close(fd);
		}
		for (ssize_t off = 0; len > 0 && off < len; off += n) {
			n = write(pin[1], buf + off, (size_t)(len - off));
			if (n <= 0)
				break;
		}
		close(pin[1]);
		while ((n = read(pout[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
			;
		close(pout[0]);
	}
	for (;;) {
		int sig = 0;

		if (wait4(pid, &status, 0, &ru) < 0)
			return -1;
		if (WIFEXITED(status) || WIFSIGNALED(status))
			break;
		if (!WIFSTOPPED(status))
			continue;
		if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXIT << 8))) {
			own_usage(pid, own_cpu, own_runq, own_rss);
		} else if (WSTOPSIG(status) == SIGTRAP && !started) {
			/* The stop after execve: from here on, stop at exit too. */
			ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)PTRACE_O_TRACEEXIT);
			started = true;
		} else {
			sig = WSTOPSIG(status); /* a signal for the plugin: deliver it */
		}
		ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
	}
	if (ru.ru_maxrss > *max_rss)
		*max_rss = ru.ru_maxrss;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "cnirun: %s %s (%s) failed: status %d\n", plugin, cmd, ifname,
			status);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long long t0, own_cpu = -1, own_runq = -1;
	long max_rss = 0, own_rss = -1;
	bool trace = false;
	int failed = 0;
	FILE *out;

	if (argc > 1 && strcmp(argv[1], "-t") == 0) {
		trace = true;
		argv++;
		argc--;
	}
	if (argc < 6) {
		fprintf(stderr, "usage: cnirun [-t] OUT COMMAND CONTAINERID NETNS "
				"PLUGIN,CONF,IFNAME[,CNI_ARGS]...\n");
		return 2;
	}
	t0 = now_us();
	for (int i = 5; i < argc; i++)
		if (step(argv[i], argv[2], argv[3], argv[4], trace, &max_rss, &own_rss, &own_cpu,
			 &own_runq) < 0)
			failed = 1;
	out = fopen(argv[1], "ae");
	if (!out) {
		perror(argv[1]);
		return 2;
	}
	fprintf(out, "%lld %ld %ld %lld %lld\n", now_us() - t0, max_rss, own_rss, own_cpu,
		own_runq);
	fclose(out);
	return failed;
}
