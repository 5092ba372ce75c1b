/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan_to_json's pieces, for plan_text.c, which encodes the same entry piece by piece. */
#pragma once

#include "multus/plan.h"

/* Frees what an attachment holds (not the attachment itself). */
void plan_attachment_done(struct attachment *a);
/* The entry's members before "attachments", in their order. */
json_t *plan_head_to_json(const struct plan *p, int *bad);
/* One attachment, its config already encoded (NULL: the attachment cannot be). */
json_t *plan_att_to_json(const struct attachment *a, const char *conf, int *bad);
/* [{"name","index"}]. */
json_t *plan_links_to_json(const struct owned_link *links, size_t n, int *bad);
