/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `multus install`: a second program in the same binary (PRODUCT.md section 8). */
#pragma once

/* `multus install ...` (the DaemonSet's container); returns the exit status. */
int multus_install_main(int argc, char **argv);
