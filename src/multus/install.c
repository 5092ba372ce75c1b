// SPDX-License-Identifier: GPL-2.0-or-later
/* multus install: written by the deployment work (PRODUCT.md section 8). */
#include <stdio.h>

#include "multus/cmd.h"

int multus_install_main(int argc, char **argv)
{
	fprintf(stderr, "multus install: not implemented yet\n");
	return 2;
}
