/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libcurl, loaded on first use: the binary does not link it, so an invocation that makes no
 * API call (DEL, CHECK, GC, STATUS, VERSION, --verify, ADD without a pod) never maps libcurl
 * and its ~30 TLS/HTTP libraries. Code that calls libcurl includes this header instead of
 * <curl/curl.h> (which it still uses for types and constants), calls curl_dl_open() once
 * before its first curl call, and then calls curl functions by their usual names: the macros
 * below send each name to a pointer that curl_dl_open() resolved.
 *
 * A new curl function goes into CURL_DL_FUNCS and gets its #define below. A name missing from
 * either shows at build time: without a #define the call links against a libcurl symbol that
 * is not there (-lcurl is not on the link line); without a table entry the #define names no
 * member. curl's GCC type checks of curl_easy_setopt/getinfo arguments (typecheck-gcc.h) are
 * lost: they are macros around the real functions.
 */
#pragma once

#include <curl/curl.h>
#include <stdbool.h>

#include "util/err.h"

/*
 * Tried in this order; the first that loads is used. GnuTLS's flavour first: an ADD that reads
 * its pod, a NAD and patches the status costs ~3 ms less CPU and ~1.1 MB less peak RSS with it
 * than with OpenSSL's (Debian 12, curl 7.88; numbers in the wp-f report). OpenSSL's is the
 * fallback on a node that has only that one.
 */
#ifndef CURL_DL_SONAMES
#define CURL_DL_SONAMES "libcurl-gnutls.so.4", "libcurl.so.4"
#endif

#define CURL_DL_FUNCS(X)                                                                           \
	X(curl_easy_cleanup)                                                                       \
	X(curl_easy_duphandle)                                                                     \
	X(curl_easy_getinfo)                                                                       \
	X(curl_easy_init)                                                                          \
	X(curl_easy_perform)                                                                       \
	X(curl_easy_setopt)                                                                        \
	X(curl_easy_strerror)                                                                      \
	X(curl_free)                                                                               \
	X(curl_multi_add_handle)                                                                   \
	X(curl_multi_cleanup)                                                                      \
	X(curl_multi_info_read)                                                                    \
	X(curl_multi_init)                                                                         \
	X(curl_multi_perform)                                                                      \
	X(curl_multi_poll)                                                                         \
	X(curl_multi_remove_handle)                                                                \
	X(curl_multi_setopt)                                                                       \
	X(curl_multi_wakeup)                                                                       \
	X(curl_global_init)                                                                        \
	X(curl_slist_append)                                                                       \
	X(curl_slist_free_all)                                                                     \
	X(curl_url)                                                                                \
	X(curl_url_cleanup)                                                                        \
	X(curl_url_get)                                                                            \
	X(curl_url_set)                                                                            \
	X(curl_version_info)

struct curl_dl_table {
#define CURL_DL_MEMBER(f) __typeof__(f) *f;
	CURL_DL_FUNCS(CURL_DL_MEMBER)
#undef CURL_DL_MEMBER
};
/* All NULL until curl_dl_open() succeeds; never changed after that. */
extern struct curl_dl_table curl_dl;

/*
 * Loads libcurl (dlopen, all symbols resolved, curl_global_init) unless that is done already.
 * 0, or -ENOENT / -ENOSYS / -EIO with a message that names the library.
 */
int curl_dl_open(struct err *e);
/* The soname that was loaded, or NULL before curl_dl_open() succeeded. */
const char *curl_dl_soname(void);

/*
 * A CURLOPT_OPENSOCKETFUNCTION: curl's sockets made with SOCK_CLOEXEC, so that a delegate
 * exec'd while a connection is open does not inherit it.
 */
curl_socket_t curl_dl_open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *a);

/*
 * libcurl 7.88 makes its multi handle's wakeup socketpair (created in the first
 * curl_easy_perform of a handle, or in curl_multi_init) without SOCK_CLOEXEC, and no option
 * changes that. So: a snapshot of the open fds before that call, and FD_CLOEXEC afterwards on
 * every fd that appeared meanwhile without it. Only fds below CURL_DL_FDS_MAX are seen.
 */
#define CURL_DL_FDS_MAX 1024
struct curl_dl_fds {
	unsigned long long open[CURL_DL_FDS_MAX / 64];
	bool valid; /* false: /proc/self/fd could not be read */
};
void curl_dl_fds_snapshot(struct curl_dl_fds *ret);
/* Returns the number of fds that got FD_CLOEXEC. */
int curl_dl_fds_cloexec_since(const struct curl_dl_fds *before);

#ifndef CURL_DL_NO_REDIRECT
#undef curl_easy_getinfo
#undef curl_easy_setopt
#undef curl_multi_setopt
#define curl_easy_cleanup curl_dl.curl_easy_cleanup
#define curl_easy_duphandle curl_dl.curl_easy_duphandle
#define curl_easy_getinfo curl_dl.curl_easy_getinfo
#define curl_easy_init curl_dl.curl_easy_init
#define curl_easy_perform curl_dl.curl_easy_perform
#define curl_easy_setopt curl_dl.curl_easy_setopt
#define curl_easy_strerror curl_dl.curl_easy_strerror
#define curl_free curl_dl.curl_free
#define curl_multi_add_handle curl_dl.curl_multi_add_handle
#define curl_multi_cleanup curl_dl.curl_multi_cleanup
#define curl_multi_info_read curl_dl.curl_multi_info_read
#define curl_multi_init curl_dl.curl_multi_init
#define curl_multi_perform curl_dl.curl_multi_perform
#define curl_multi_poll curl_dl.curl_multi_poll
#define curl_multi_remove_handle curl_dl.curl_multi_remove_handle
#define curl_multi_setopt curl_dl.curl_multi_setopt
#define curl_multi_wakeup curl_dl.curl_multi_wakeup
#define curl_global_init curl_dl.curl_global_init
#define curl_slist_append curl_dl.curl_slist_append
#define curl_slist_free_all curl_dl.curl_slist_free_all
#define curl_url curl_dl.curl_url
#define curl_url_cleanup curl_dl.curl_url_cleanup
#define curl_url_get curl_dl.curl_url_get
#define curl_url_set curl_dl.curl_url_set
#define curl_version_info curl_dl.curl_version_info
#endif
