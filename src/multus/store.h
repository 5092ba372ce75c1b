/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The on-disk store: one file per container, `DIR/ID.json` (dir 0700, files 0600), replaced
 * atomically, guarded by a per-container lock file `DIR/ID.lock` so that concurrent calls
 * for one container serialize. Temporary files are `DIR/.ID.json.XXXXXX`, created exclusively.
 */
#pragma once

#include "multus/legacy.h"
#include "multus/plan.h"

#define STORE_MAX_BYTES (8 << 20)

/* Takes the container's lock (blocking); creates DIR 0700 when missing. On a read-only
 * store the existing lock file is locked read-only; -EROFS when there is none to lock. */
int store_lock(const char *dir, const char *id, int *ret_fd, struct err *e);
/* Releases it; with `remove`, the lock file goes too (safely for waiting lockers). */
void store_unlock(const char *dir, const char *id, int fd, bool remove);

/* -ENOENT when there is no entry. */
int store_load(const char *dir, const char *id, struct plan **ret, struct err *e);
/* DEL, CHECK and GC: our entry in w->dir, else one the seed fork or upstream Multus left
 * there before an in-place upgrade (legacy.h). -ENOENT when there is neither. */
int store_lookup(const struct legacy_where *w, const char *id, struct plan **ret, struct err *e);
/* Parses an entry's bytes (exposed for fuzzing). */
int store_parse(const char *buf, size_t len, struct plan **ret, struct err *e);
/* The first write of an entry, fsynced (before any delegate runs). */
int store_create(const char *dir, const struct plan *p, struct err *e);
/* Every later one: replaced atomically, not synced (store.c says why). */
int store_save(const char *dir, const struct plan *p, struct err *e);
/* No entry is not an error. */
int store_remove(const char *dir, const char *id, struct err *e);
/* The ids of every entry. */
int store_list(const char *dir, char ***ret_ids, size_t *ret_n, struct err *e);
void store_ids_free(char **ids, size_t n);
