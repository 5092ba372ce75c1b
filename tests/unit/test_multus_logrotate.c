// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Log rotation (logOptions): lumberjack's backup names made and recognised; many processes
 * writing one log with a tiny maxSize, after which every line is found exactly once and whole
 * across the log and its (gunzipped) backups; maxBackups, maxAge, leftovers of a compression
 * that died.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <zlib.h>

#include "multus/log.h"
#include "testutil.h"

#define T_2006 1136214245000LL /* 2006-01-02T15:04:05Z */

static void expect_name(const char *path, long long ms, const char *want)
{
	char *got = log_backup_name(path, ms);
	const char *slash = strrchr(want, '/');
	long long back = -1;
	bool gz = true;

	assert_non_null(got);
	assert_string_equal(got, want);
	/* And it is recognised as a backup of path, with the same time. */
	assert_int_equal(log_backup_parse(path, slash ? slash + 1 : want, &back, &gz), 1);
	assert_true(back == ms);
	assert_false(gz);
	free(got);
}

static void test_names(void **state)
{
	expect_name("/var/log/multus.log", T_2006, "/var/log/multus-2006-01-02T15-04-05.000.log");
	expect_name("/var/log/multus.log", T_2006 + 123,
		    "/var/log/multus-2006-01-02T15-04-05.123.log");
	expect_name("multus.log", T_2006 + 7, "multus-2006-01-02T15-04-05.007.log");
	/* As Go's filepath.Ext: the last dot of the last element, none in the directory. */
	expect_name("/var/log/multus", T_2006, "/var/log/multus-2006-01-02T15-04-05.000");
	expect_name("/a.d/multus", T_2006, "/a.d/multus-2006-01-02T15-04-05.000");
	expect_name("/x/cni.multus.log", T_2006, "/x/cni.multus-2006-01-02T15-04-05.000.log");
	expect_name("/x/.log", T_2006, "/x/-2006-01-02T15-04-05.000.log");
	expect_name("/x/m.log", 0, "/x/m-1970-01-01T00-00-00.000.log");
	assert_null(log_backup_name("/x/m.log", -1));
}

static void test_parse(void **state)
{
	static const char *const not_ours[] = {
		"multus.log",
		"multus.log.lock",
		"multus-2006-01-02T15-04-05.000.log.gz.tmp",
		"multus-2006-01-02T15-04-05.000.log.tmp",
		"multus-2006-01-02T15-04-05.000.log.gz.gz",
		"multus-2006-01-02T15-04-05.000.txt",
		"multus-2006-01-02T15-04-05.00.log",
		"multus-2006-01-02T15-04-05.0000.log",
		"multus-2006-01-02T15:04:05.000.log",
		"multus-2006-13-02T15-04-05.000.log",
		"multus-2006-01-32T15-04-05.000.log",
		"multus-2006-01-02T24-04-05.000.log",
		"multus-1969-12-31T23-59-59.000.log",
		"multus-2006-01-02T15-04-0a.000.log",
		"multus2006-01-02T15-04-05.000.log",
		"other-2006-01-02T15-04-05.000.log",
		"multus-x-2006-01-02T15-04-05.000.log",
		"",
	};
	long long ms = 0;
	bool gz = false;

	assert_int_equal(log_backup_parse("/var/log/multus.log",
					  "multus-2006-01-02T15-04-05.250.log.gz", &ms, &gz),
			 1);
	assert_true(ms == T_2006 + 250);
	assert_true(gz);
	for (size_t i = 0; i < ELEMENTSOF(not_ours); i++)
		if (log_backup_parse("/var/log/multus.log", not_ours[i], &ms, &gz) != 0)
			fail_msg("\"%s\" taken for a backup", not_ours[i]);
}

/* ---- reading back what was written ------------------------------------------------------ */

struct seen {
	char *dir;
	unsigned writers, lines;
	unsigned char *count; /* [writer * lines + line] */
	unsigned files, plain_backups, gz_backups, other;
	size_t biggest;
};

static char *read_gz(const char *path, size_t *ret_len)
{
	gzFile g = gzopen(path, "rb");
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap + 1);
	int n;

	assert_non_null(g);
	assert_non_null(buf);
	while ((n = gzread(g, buf + len, (unsigned)(cap - len))) > 0) {
		len += (size_t)n;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
	}
	assert_int_equal(n, 0);
	assert_int_equal(gzclose(g), Z_OK);
	buf[len] = '\0';
	*ret_len = len;
	return buf;
}

/* Every line of one file must be whole: "... [] wW-NNNNN <pad> END". */
static void take_lines(struct seen *s, const char *name, const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	if (len == 0)
		return;
	if (text[len - 1] != '\n')
		fail_msg("%s does not end with a whole line", name);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *w = strstr(p, " [] w");
		unsigned wr, ln;
		int used = 0;

		assert_non_null(nl);
		if (!w || w > nl || sscanf(w, " [] w%u-%u %*[x] END%n", &wr, &ln, &used) != 2 ||
		    w + used != nl)
			fail_msg("%s: split or foreign line \"%.*s\"", name, (int)(nl - p), p);
		if (wr >= s->writers || ln >= s->lines)
			fail_msg("%s: line out of range w%u-%u", name, wr, ln);
		s->count[wr * s->lines + ln]++;
		p = nl + 1;
	}
}

static void read_back(struct seen *s)
{
	DIR *d = opendir(s->dir);
	struct dirent *de;
	char *log = NULL;

	assert_non_null(d);
	assert_true(asprintf(&log, "%s/multus.log", s->dir) > 0);
	while ((de = readdir(d))) {
		char *path = NULL, *text;
		size_t len;
		bool gz = false;

		if (de->d_name[0] == '.')
			continue;
		assert_true(asprintf(&path, "%s/%s", s->dir, de->d_name) > 0);
		if (streq(de->d_name, "multus.log.lock")) {
			free(path);
			continue;
		}
		if (streq(de->d_name, "multus.log")) {
			text = tu_read(path);
			assert_non_null(text);
			len = strlen(text);
		} else if (log_backup_parse(log, de->d_name, NULL, &gz) == 1) {
			if (gz) {
				text = read_gz(path, &len);
				s->gz_backups++;
			} else {
				text = tu_read(path);
				assert_non_null(text);
				len = strlen(text);
				s->plain_backups++;
			}
		} else {
			s->other++;
			fprintf(stderr, "unexpected file %s\n", de->d_name);
			free(path);
			continue;
		}
		s->files++;
		if (len > s->biggest)
			s->biggest = len;
		take_lines(s, de->d_name, text, len);
		free(text);
		free(path);
	}
	closedir(d);
	free(log);
}

static void write_lines(const char *path, const struct log_rotate *rot, unsigned writer,
			unsigned from, unsigned to)
{
	log_set_rotate(rot);
	log_setup(LOG_LEVEL_INFO, path, false);
	log_set_container("");
	for (unsigned i = from; i < to; i++)
		log_info("w%u-%05u %s END", writer, i, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	log_close();
}

/* ---- many writers ------------------------------------------------------------------------ */

#define WRITERS 8
#define LINES 1500
#define MAX_BYTES 4096

static void test_concurrent(void **state)
{
	struct log_rotate rot = { .max_bytes = MAX_BYTES, .compress = true };
	struct seen s = { .writers = WRITERS, .lines = LINES };
	int go[2], status;
	pid_t pids[WRITERS];
	char *path = NULL;

	s.dir = tu_scratch("logrotate");
	assert_non_null(s.dir);
	assert_true(asprintf(&path, "%s/multus.log", s.dir) > 0);
	s.count = calloc(WRITERS * LINES, 1);
	assert_non_null(s.count);
	assert_int_equal(pipe(go), 0);
	for (unsigned w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] == 0) {
			char c;

			close(go[1]);
			/* All start together: the parent closes the pipe once every one is forked.
			 */
			if (read(go[0], &c, 1) < 0)
				_exit(2);
			write_lines(path, &rot, w, 0, LINES);
			_exit(0);
		}
	}
	close(go[0]);
	close(go[1]);
	for (unsigned w = 0; w < WRITERS; w++) {
		assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	read_back(&s);
	for (unsigned i = 0; i < WRITERS * LINES; i++)
		if (s.count[i] != 1)
			fail_msg("line w%u-%05u found %u times", i / LINES, i % LINES, s.count[i]);
	/* About 100 bytes a line: some 290 rotations, each backup compressed by the end. */
	assert_true(s.gz_backups > 100);
	assert_int_equal(s.plain_backups, 0);
	assert_int_equal(s.other, 0);
	/* Past maxSize by at most one line per concurrent writer. */
	assert_true(s.biggest <= MAX_BYTES + WRITERS * 200);
	fprintf(stderr, "# %u writers x %u lines: %u files, %u .gz backups, biggest %zu bytes\n",
		WRITERS, LINES, s.files, s.gz_backups, s.biggest);
	assert_int_equal(tu_rm_rf(s.dir), 0);
	free(s.count);
	free(s.dir);
	free(path);
}

/* ---- maxBackups, maxAge, leftovers ---------------------------------------------------------- */

static void test_max_backups(void **state)
{
	struct log_rotate rot = { .max_bytes = 1000, .max_backups = 3 };
	struct seen s = { .writers = 1, .lines = 300 };
	char *path = NULL;
	unsigned first;

	s.dir = tu_scratch("logrotate");
	assert_non_null(s.dir);
	assert_true(asprintf(&path, "%s/multus.log", s.dir) > 0);
	s.count = calloc(s.lines, 1);
	assert_non_null(s.count);
	write_lines(path, &rot, 0, 0, s.lines);
	read_back(&s);
	/* Three plain backups and the log; what they hold is the newest lines, each once. */
	assert_int_equal(s.plain_backups, 3);
	assert_int_equal(s.gz_backups, 0);
	assert_int_equal(s.files, 4);
	for (first = 0; first < s.lines && !s.count[first]; first++)
		;
	assert_true(first > 100);
	for (unsigned i = first; i < s.lines; i++)
		if (s.count[i] != 1)
			fail_msg("line %u found %u times", i, s.count[i]);
	assert_int_equal(tu_rm_rf(s.dir), 0);
	free(s.count);
	free(s.dir);
	free(path);
}

static char *backup_at(const char *path, long long ms, const char *suffix, const char *text)
{
	char *name = log_backup_name(path, ms), *full = NULL;
	int fd;

	assert_non_null(name);
	assert_true(asprintf(&full, "%s%s", name, suffix) > 0);
	fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	free(name);
	return full;
}

static bool exists(const char *p)
{
	return access(p, F_OK) == 0;
}

static void test_max_age_and_leftovers(void **state)
{
	struct log_rotate rot = { .max_bytes = 200, .max_age_days = 5, .compress = true };
	long long now = (long long)time(NULL) * 1000, day = 86400000LL;
	char *path = NULL, *old, *old_gz, *recent, *recent_gz, *pair, *pair_gz, *tmp, *foreign;
	char *log_text, *gz_text;
	size_t len;

	char *dir = tu_scratch("logrotate");
	assert_non_null(dir);
	assert_true(asprintf(&path, "%s/multus.log", dir) > 0);
	old = backup_at(path, now - 10 * day, "", "old\n");
	old_gz = backup_at(path, now - 10 * day - 1, ".gz", "not gzip, never read\n");
	recent = backup_at(path, now - day, "", "recent line\n");
	/* A compression that renamed its .gz but died before removing the original. */
	pair = backup_at(path, now - 2 * day, "", "pair\n");
	free(backup_at(path, now - 2 * day, ".gz.tmp", "half"));
	pair_gz = backup_at(path, now - 2 * day, ".gz", "");
	tmp = backup_at(path, now - 3 * day, ".gz.tmp", "half of another");
	foreign = tu_write(dir, "multus-notatime.log", 0600, "keep\n");
	assert_non_null(foreign);
	/* The log is full: the first line rotates it. */
	free(tu_write(dir, "multus.log", 0600,
		      "............................................................"
		      "............................................................"
		      "............................................................\n"));
	write_lines(path, &rot, 0, 0, 1);

	assert_false(exists(old));
	assert_false(exists(old_gz));
	assert_false(exists(recent));
	assert_true(asprintf(&recent_gz, "%s.gz", recent) > 0);
	gz_text = read_gz(recent_gz, &len);
	assert_string_equal(gz_text, "recent line\n");
	free(gz_text);
	assert_false(exists(pair));
	assert_true(exists(pair_gz));
	assert_false(exists(tmp));
	assert_true(exists(foreign));
	log_text = tu_read(path);
	assert_non_null(log_text);
	assert_non_null(strstr(log_text, "w0-00000"));
	assert_null(strstr(log_text, "....")); /* the old content is in the new backup */
	free(log_text);

	free(old);
	free(old_gz);
	free(recent);
	free(recent_gz);
	free(pair);
	free(pair_gz);
	free(tmp);
	free(foreign);
	free(path);
	assert_int_equal(tu_rm_rf(dir), 0);
	free(dir);
}

/* Without rotation (max_bytes 0) the log only grows and no lock file is made. */
static void test_no_rotation(void **state)
{
	struct log_rotate rot = { 0 };
	char *dir = tu_scratch("logrotate"), *path = NULL, *lock = NULL, *text;
	size_t n = 0;

	assert_non_null(dir);
	assert_true(asprintf(&path, "%s/multus.log", dir) > 0);
	assert_true(asprintf(&lock, "%s.lock", path) > 0);
	write_lines(path, &rot, 0, 0, 100);
	text = tu_read(path);
	assert_non_null(text);
	for (const char *p = text; (p = strstr(p, " END\n")); p++)
		n++;
	assert_int_equal(n, 100);
	assert_false(exists(lock));
	free(text);
	free(path);
	free(lock);
	assert_int_equal(tu_rm_rf(dir), 0);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_max_backups),
		cmocka_unit_test(test_max_age_and_leftovers),
		cmocka_unit_test(test_no_rotation),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
