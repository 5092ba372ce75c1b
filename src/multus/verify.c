// SPDX-License-Identifier: GPL-2.0-or-later
/* multus --verify: placeholder until the netlink-native verification lands (issue 4). */
#include <stdio.h>

#include "multus/cmd.h"

int multus_verify_main(int argc, char **argv)
{
	fprintf(stderr, "multus --verify: not implemented yet\n");
	return 2;
}
