// SPDX-License-Identifier: GPL-2.0-or-later
/* multus: dispatch only. Runtimes exec it without arguments; admins use the commands. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "cni/version.h"
#include "daemon/daemon.h"
#include "install/install.h"
#include "multus/cmd.h"
#include "util/macro.h"

static int help_main(int argc, char **argv);

static int version_main(int argc, char **argv)
{
	printf("multus %s (CNI " CNI_SUPPORTED_VERSIONS_TEXT ")\n", MULTUS_VERSION);
	return 0;
}

/* Each entry: the first argument, what runs it (argv[0] is the command), --help's line. */
static const struct {
	const char *name;
	int (*function)(int argc, char **argv);
	const char *description;
} commands[] = {
	{ "--verify", multus_verify_main,
	  "NETNS|--all [--json] [--cni-dir DIR]: check a pod netns, or every store entry, against the store (exit 0 ok, 1 drift, 2 error; `multus --verify --help`)" },
	{ "install", multus_install_main,
	  "[OPTIONS]: the DaemonSet's installer (`multus install --help`)" },
	{ "daemon", multus_daemon_main,
	  "[OPTIONS]: the DaemonSet's command: install, then the node-local API cache (`multus daemon --help`)" },
	{ "--version", version_main, "print the version" },
	{ "--help", help_main, "this text" },
	{ "-h", help_main, NULL },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage:\n"
		"  multus                 run as a CNI plugin (CNI_COMMAND and friends, netconf on "
		"stdin)\n");
	for (size_t i = 0; i < ELEMENTSOF(commands); i++)
		if (commands[i].description)
			fprintf(f, "  multus %-15s %s\n", commands[i].name,
				commands[i].description);
}

static int help_main(int argc, char **argv)
{
	usage(stdout);
	return 0;
}

/*
 * A runtime (or a wrapper) may start us with fd 0, 1 or 2 closed: the first file we open
 * would then become stdout or stderr and get the result or the log lines (the log file, the
 * pod netns, a store file). /dev/null takes their place. Returns 0 or -errno.
 */
static int stdio_reserve(void)
{
	/* In ascending order, the open() of a closed fd returns that fd. */
	for (int fd = 0; fd <= STDERR_FILENO; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY) < 0)
			return -errno;
	return 0;
}

/*
 * jansson seeds its hash function on the first object it makes, from /dev/urandom (open, read,
 * close: 4.3 us here); one getrandom() is 0.6 us. Should it fail, jansson seeds itself.
 */
static void json_seed(void)
{
	size_t seed;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed) && seed)
		json_object_seed(seed);
}

int main(int argc, char **argv)
{
	if (stdio_reserve() < 0)
		return 2;
	json_seed();
	/* Upstream's image's commands, which our image links to us: a DaemonSet made for it
	 * keeps working with only its image changed. */
	if (argc >= 1 && argv[0]) {
		const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];

		if (strcmp(base, "thin_entrypoint") == 0)
			return multus_install_main(argc, argv);
		if (strcmp(base, "install_multus") == 0)
			return multus_install_multus_main(argc, argv);
	}
	/* The CNI path does not return: it flushes and _exits. */
	if (argc < 2)
		multus_cni_main();
	for (size_t i = 0; i < ELEMENTSOF(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].function(argc - 1, argv + 1);
	fprintf(stderr, "multus: unknown argument \"%s\"\n", argv[1]);
	usage(stderr);
	return 2;
}
