/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Runs a fuzz target over files without libFuzzer, so the seed corpus is a regression test in
 * every build (gcc included): fuzz-image-ihex FILE|DIR ...
 */
#include <glib.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static guint
run_path(const gchar *path)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *contents = NULL;
	gsize size = 0;
	guint count = 0;

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
	return 1;
}

int
main(int argc, char **argv)
{
	guint count = 0;

	for (int i = 1; i < argc; i++)
		count += run_path(argv[i]);
	g_print("1..1\nok 1 - %u inputs and their prefixes\n", count);
	return count > 0 ? 0 : 1;
}
