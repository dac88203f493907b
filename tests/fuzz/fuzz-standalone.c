/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Runs a fuzz target over files without libFuzzer, so the seed corpus is a regression test in
 * every build (gcc included), and fuzzes a little on top: every seed, a series of its
 * truncations, and --mutations N mutants of it (bits flipped, bytes set, inserted, deleted and
 * duplicated, JSON tokens dropped in), from a fixed random seed so a failure reproduces.
 *
 *   fuzz-data-board [--mutations N] FILE|DIR ...
 */
#include <glib.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static guint mutations;

static guint32
next_random(guint32 *state)
{
	/* xorshift32: the same mutants on every run */
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

static void
insert_bytes(GByteArray *buffer, guint at, const guint8 *data, guint n)
{
	guint len = buffer->len;

	g_byte_array_set_size(buffer, len + n);
	memmove(buffer->data + at + n, buffer->data + at, len - at);
	memcpy(buffer->data + at, data, n);
}

static void
mutate(GByteArray *buffer, guint32 *state)
{
	static const char *const tokens[] = {"null", "-1", "\"\"", "[]", "{}", "\"", "1e999",
	                                     "99999999999999999999", "0x", "\\u0000", ",", ":",
	                                     "true", "\"0xFFFFFFFF\""};
	guint op = next_random(state) % 6;
	guint len = buffer->len;
	guint at = len > 0 ? next_random(state) % len : 0;

	switch (op) {
	case 0:
		if (len > 0)
			buffer->data[at] ^= (guint8)(1u << (next_random(state) % 8));
		break;
	case 1:
		if (len > 0)
			buffer->data[at] = (guint8)next_random(state);
		break;
	case 2: {
		guint8 byte = (guint8)next_random(state);
		insert_bytes(buffer, at, &byte, 1);
		break;
	}
	case 3:
		if (len > 0) {
			/* MIN() evaluates its arguments twice: draw the number first */
			guint n = 1 + next_random(state) % 16;
			g_byte_array_remove_range(buffer, at, MIN(len - at, n));
		}
		break;
	case 4:
		if (len > 0) {
			guint want = 1 + next_random(state) % 64;
			guint n = MIN(len - at, want);
			g_autofree guint8 *copy = g_memdup2(buffer->data + at, n);
			insert_bytes(buffer, next_random(state) % (buffer->len + 1), copy, n);
		}
		break;
	case 5:
	default: {
		const char *token = tokens[next_random(state) % G_N_ELEMENTS(tokens)];
		insert_bytes(buffer, at, (const guint8 *)token, (guint)strlen(token));
		break;
	}
	}
}

static guint
run_path(const gchar *path)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *contents = NULL;
	gsize size = 0;
	guint count = 0;
	guint32 state;

	if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
		g_autoptr(GDir) dir = g_dir_open(path, 0, &error);
		const gchar *name;

		g_assert_no_error(error);
		while ((name = g_dir_read_name(dir)) != NULL) {
			g_autofree gchar *child = g_build_filename(path, name, NULL);
			count += run_path(child);
		}
		return count;
	}
	g_file_get_contents(path, &contents, &size, &error);
	g_assert_no_error(error);
	LLVMFuzzerTestOneInput((const uint8_t *)contents, size);
	/* every prefix too: truncated files are the commonest corruption */
	for (gsize length = 0; length < size; length += 1 + length / 16)
		LLVMFuzzerTestOneInput((const uint8_t *)contents, length);
	state = g_str_hash(path) | 1;
	for (guint i = 0; i < mutations; i++) {
		g_autoptr(GByteArray) buffer = g_byte_array_sized_new((guint)size + 64);
		guint rounds = 1 + next_random(&state) % 4;

		g_byte_array_append(buffer, (const guint8 *)contents, (guint)size);
		for (guint r = 0; r < rounds; r++)
			mutate(buffer, &state);
		LLVMFuzzerTestOneInput(buffer->data, buffer->len);
	}
	return 1;
}

int
main(int argc, char **argv)
{
	guint count = 0;

	for (int i = 1; i < argc; i++) {
		if (g_strcmp0(argv[i], "--mutations") == 0 && i + 1 < argc) {
			mutations = (guint)g_ascii_strtoull(argv[++i], NULL, 10);
			continue;
		}
		count += run_path(argv[i]);
	}
	g_print("1..1\nok 1 - %u inputs, their prefixes and %u mutants of each\n", count,
	        mutations);
	return count > 0 ? 0 : 1;
}
