/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The on-disk store: one file per container, `DIR/ID.json` (dir 0700, files 0600), replaced
 * atomically, guarded by a per-container lock file `DIR/ID.lock` so that concurrent calls
 * for one container serialize. Temporary files are `DIR/.ID.json.XXXXXX`, created exclusively;
 * ADD's progress between delegates is appended to `DIR/.ID.journal` (store.c says why).
 */
#pragma once

#include "multus/legacy.h"
#include "multus/plan.h"

#define STORE_MAX_BYTES (8 << 20)

/* Takes the container's lock (blocking); creates DIR 0700 when missing. On a read-only
 * store the existing lock file is locked read-only; -EROFS when there is none to lock. When
 * the holder before died while writing the entry (its mark in the lock file, store.c), its
 * temp file goes: under the lock nobody is writing one. */
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
/* The newest whole record of a journal's bytes for container `id` with a generation above
 * `after`; -ENOENT when there is none (torn and garbled lines are skipped). */
int store_parse_journal(const char *buf, size_t len, const char *id, unsigned long after,
			struct plan **ret);
/* The first write of an entry, fsynced (before any delegate runs); any journal goes. Each
 * write sets p->generation to the one it wrote. */
int store_create(const char *dir, struct plan *p, struct err *e);
/* store_create in two steps, so that the fsync overlaps the first delegate's start-up:
 * store_stage writes the entry's temporary file (a full or read-only store fails here) and
 * store_commit syncs it and renames it into place (the entry exists from then on; a no-op
 * when nothing is staged); store_abort drops what is staged. */
int store_stage(const char *dir, struct plan *p, struct err *e);
int store_commit(const char *dir, struct plan *p, struct err *e);
void store_abort(const char *dir, const struct plan *p);
/* Every later one: replaced atomically, not synced (store.c says why); the journal goes. */
int store_save(const char *dir, struct plan *p, struct err *e);
/* ADD's progress after a delegate that is not the last: appended to the journal (no rename,
 * no sync); store_load reads it back. Falls back to store_save when the journal cannot. */
int store_note(const char *dir, struct plan *p, struct err *e);
/* No entry is not an error. */
int store_remove(const char *dir, const char *id, struct err *e);
/* The ids of every entry. */
int store_list(const char *dir, char ***ret_ids, size_t *ret_n, struct err *e);
void store_ids_free(char **ids, size_t n);
/* Appends to ids[] the containers that have temp files and are not in it yet (GC: a multus
 * killed in its first write leaves one and no entry). A missing DIR adds none. */
int store_temps_merge(const char *dir, char ***ids, size_t *n, struct err *e);
/* Removes the container's temp files `.ID.json.XXXXXX`; the caller holds its lock. */
void store_sweep_temps(const char *dir, const char *id);
