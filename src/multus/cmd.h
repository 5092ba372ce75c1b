/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Runs as a CNI plugin (the runtime's call); returns the exit status. */
int multus_cni_main(void);
/* `multus --verify NETNS [--json] [--cni-dir DIR]`; returns the exit status (0, 1, 2). */
int multus_verify_main(int argc, char **argv);
