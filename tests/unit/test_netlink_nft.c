// SPDX-License-Identifier: GPL-2.0-or-later
/* nft_comment_matches on the comments the reference plugins really write (Go's
 * fmt.Sprintf("name: %q id: %q", ...); portmap prefixes "dnat "). No root needed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "netlink/nft.h"

static void test_exact(void **state)
{
	(void)state;
	assert_true(nft_comment_matches("name: \"mynet\" id: \"abc123\"", "abc123"));
	/* A real 64-hex containerd id. */
	assert_true(nft_comment_matches(
	    "name: \"cbr0\" id: \"0f3a8e1c2b7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7\"",
	    "0f3a8e1c2b7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7"));
	assert_false(nft_comment_matches("name: \"mynet\" id: \"abc123\"", "abc124"));
}

static void test_trailing_and_leading_text(void **state)
{
	(void)state;
	/* portmap's DNAT jump. */
	assert_true(nft_comment_matches("dnat name: \"mynet\" id: \"abc123\"", "abc123"));
	assert_true(nft_comment_matches("name: \"mynet\" id: \"abc123\" more", "abc123"));
	assert_true(nft_comment_matches("name: \"mynet\" id: \"abc123\" x: \"y\"", "abc123"));
	/* The closing quote must end the value: no text glued to it. */
	assert_false(nft_comment_matches("name: \"mynet\" id: \"abc123\"x", "abc123"));
	/* Keys count only at a word start. */
	assert_false(nft_comment_matches("name: \"mynet\" xid: \"abc123\"", "abc123"));
	assert_false(nft_comment_matches("xname: \"mynet\" id: \"abc123\"", "abc123"));
}

static void test_prefix_suffix_ids(void **state)
{
	(void)state;
	assert_false(nft_comment_matches("name: \"net\" id: \"abcd\"", "abc"));
	assert_false(nft_comment_matches("name: \"net\" id: \"xabc\"", "abc"));
	assert_false(nft_comment_matches("name: \"net\" id: \"abc\"", "abcd"));
	assert_false(nft_comment_matches("name: \"net\" id: \"abc\"", "xabc"));
	assert_false(nft_comment_matches("name: \"net\" id: \"abc\"", "ab"));
	assert_true(nft_comment_matches("name: \"net\" id: \"abc\"", "abc"));
}

static void test_empty_and_null(void **state)
{
	(void)state;
	assert_false(nft_comment_matches("name: \"net\" id: \"\"", ""));
	assert_false(nft_comment_matches("name: \"net\" id: \"abc\"", ""));
	assert_false(nft_comment_matches(NULL, "abc"));
	assert_false(nft_comment_matches("name: \"net\" id: \"abc\"", NULL));
	assert_false(nft_comment_matches("", "abc"));
	assert_false(nft_comment_matches("name: \"net\" id: \"\"", "abc"));
}

static void test_other_comments(void **state)
{
	(void)state;
	/* Untagged comments that the same plugins write. */
	assert_false(nft_comment_matches("CNI portfwd requiring masquerade", "abc"));
	assert_false(nft_comment_matches("CNI portfwd masquerade mark", "abc"));
	/* No name key: not the plugins' tag. */
	assert_false(nft_comment_matches("id: \"abc\"", "abc"));
	/* Unquoted. */
	assert_false(nft_comment_matches("name: net id: abc", "abc"));
	assert_false(nft_comment_matches("name: \"net\" id: abc", "abc"));
}

static void test_odd_quotes(void **state)
{
	(void)state;
	/* Unterminated value. */
	assert_false(nft_comment_matches("name: \"net\" id: \"abc", "abc"));
	/* A network name that holds an id-looking text, escaped by %q: it is part of the name. */
	assert_false(nft_comment_matches("name: \"x\\\" id: \\\"abc\" id: \"real\"", "abc"));
	assert_true(nft_comment_matches("name: \"x\\\" id: \\\"abc\" id: \"real\"", "real"));
	/* An unescaped name with a quote in it: the id key then sits inside a quoted value. */
	assert_false(nft_comment_matches("name: \"a\"b\" id: \"abc\"", "abc"));
	/* Escaped quote and backslash inside the id compare as the characters themselves. */
	assert_true(nft_comment_matches("name: \"n\" id: \"a\\\"b\"", "a\"b"));
	assert_true(nft_comment_matches("name: \"n\" id: \"a\\\\b\"", "a\\b"));
	assert_false(nft_comment_matches("name: \"n\" id: \"a\\\"b\"", "a\\\"b"));
	/* Quote characters in the wanted id never match an unescaped comment. */
	assert_false(nft_comment_matches("name: \"n\" id: \"abc\"", "abc\""));
	assert_false(nft_comment_matches("name: \"n\" id: \"abc\"", "\"abc"));
	/* Two ids: either one may match (a rule may carry two comment matches joined). */
	assert_true(nft_comment_matches("name: \"n\" id: \"one\" id: \"two\"", "two"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_trailing_and_leading_text),
		cmocka_unit_test(test_prefix_suffix_ids),
		cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_other_comments),
		cmocka_unit_test(test_odd_quotes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
