/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "util/macro.h"

/* Runs as a CNI plugin (the runtime's call) and exits: a flush and _exit, no teardown. */
_noreturn_ void multus_cni_main(void);
/* `multus --verify NETNS [--json] [--cni-dir DIR]`; returns the exit status (0, 1, 2). */
int multus_verify_main(int argc, char **argv);
