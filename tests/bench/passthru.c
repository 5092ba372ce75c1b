// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The smallest exec'd meta plugin, the floor of `make bench`'s ledger: whatever a meta plugin
 * costs above calling its delegates directly that no implementation can avoid (its own exec,
 * loader and exit, a pipe each way per delegate, the wait).
 *
 * Its stdin holds the delegates' configs, one JSON object a line. Each is run in turn (DEL:
 * in reverse order) as $CNI_PATH/<its "type">, with that line on its stdin, the caller's
 * environment and CNI_IFNAME eth0, net1, net2, ... as multus names them; the first
 * delegate's stdout is copied to ours, the others' read and dropped. Exits with the first
 * failing delegate's status (its stdout copied), else 0. No JSON parser, no store, no
 * netlink: dynamically linked against glibc only, as multus is against glibc and libmnl.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_DELEGATES 64

extern char **environ;

/* All of fd, NUL-terminated. */
static char *slurp(int fd, size_t *ret_len)
{
	size_t len = 0, size = 4096;
	char *buf = malloc(size);

	while (buf) {
		ssize_t n;

		if (len + 1 == size) {
			char *nbuf = realloc(buf, size *= 2);

			if (!nbuf)
				break;
			buf = nbuf;
		}
		n = read(fd, buf + len, size - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0) {
				buf[len] = '\0';
				*ret_len = len;
				return buf;
			}
			break;
		}
		len += (size_t)n;
	}
	free(buf);
	return NULL;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The delegate's exit status (0-255), or 1 when it could not be run or was killed. */
static int run(const char *conf, size_t len, int index, int copy_out)
{
	const char *type = strstr(conf, "\"type\":\"");
	const char *cni_path = getenv("CNI_PATH");
	char plugin[4096], ifname[16], *argv[2];
	posix_spawn_file_actions_t fa;
	int in[2], out[2], status;
	size_t tlen, dlen;
	char *output;
	pid_t pid;

	if (!type || !cni_path)
		return 1;
	type += 8;
	tlen = strcspn(type, "\"");
	dlen = strcspn(cni_path, ":");
	if (snprintf(plugin, sizeof(plugin), "%.*s/%.*s", (int)dlen, cni_path, (int)tlen, type) >=
	    (int)sizeof(plugin))
		return 1;
	if (index == 0)
		snprintf(ifname, sizeof(ifname), "eth0");
	else
		snprintf(ifname, sizeof(ifname), "net%d", index);
	setenv("CNI_IFNAME", ifname, 1);
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		return 1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	argv[0] = plugin;
	argv[1] = NULL;
	if (posix_spawn(&pid, plugin, &fa, NULL, argv, environ) != 0)
		return 1;
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	/* A config is far smaller than the pipe's buffer: written whole before reading. */
	write_all(in[1], conf, len);
	close(in[1]);
	output = slurp(out[0], &len);
	close(out[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	if (output && (copy_out || !WIFEXITED(status) || WEXITSTATUS(status) != 0))
		write_all(1, output, len);
	free(output);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(void)
{
	const char *cmd = getenv("CNI_COMMAND");
	char *lines[MAX_DELEGATES], *input, *p;
	size_t len;
	int n = 0, del;

	signal(SIGPIPE, SIG_IGN);
	input = slurp(0, &len);
	if (!input || !cmd)
		return 1;
	for (p = strtok(input, "\n"); p && n < MAX_DELEGATES; p = strtok(NULL, "\n"))
		lines[n++] = p;
	del = strcmp(cmd, "DEL") == 0;
	for (int i = 0; i < n; i++) {
		int k = del ? n - 1 - i : i;
		int r = run(lines[k], strlen(lines[k]), k, k == 0);

		if (r != 0)
			return r;
	}
	return 0;
}
