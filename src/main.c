// SPDX-License-Identifier: GPL-2.0-or-later
/* multus: dispatch only. Runtimes exec it without arguments; admins use the flags. */
#include <stdio.h>
#include <string.h>

#include "cni/version.h"
#include "install/install.h"
#include "multus/cmd.h"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage:\n"
	    "  multus                 run as a CNI plugin (CNI_COMMAND and friends, netconf on stdin)\n"
	    "  multus --verify NETNS [--json] [--cni-dir DIR]\n"
	    "                         check a pod netns against the store (exit 0 ok, 1 drift, 2 error)\n"
	    "  multus --version       print the version\n"
	    "  multus --help          this text\n");
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return multus_cni_main();
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("multus %s (CNI " CNI_SUPPORTED_VERSIONS_TEXT ")\n", MULTUS_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--verify") == 0)
		return multus_verify_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "install") == 0)
		return multus_install_main(argc - 1, argv + 1);
	fprintf(stderr, "multus: unknown argument \"%s\"\n", argv[1]);
	usage(stderr);
	return 2;
}
