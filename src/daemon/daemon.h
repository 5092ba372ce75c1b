/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `multus daemon`: the DaemonSet's command (PRODUCT.md section 10). */
#pragma once

/* `multus daemon ...`; returns the exit status. */
int multus_daemon_main(int argc, char **argv);
