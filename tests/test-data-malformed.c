/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Bad input beyond images: every field of every shipped data file (boards, probes, chips, the
 * diagnosis rules, the simulator's benches), one at a time, removed or replaced by a value of
 * the wrong kind or out of range, and the whole file cut short. Whatever the loader makes of
 * it, it must not crash, and a refusal must be a clear UB_DATA_ERROR naming the file. A damaged
 * chip file also stops a flash before the probe is opened: nothing is written.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

#include "ub-board-db.h"
#include "ub-chip-db.h"
#include "ub-verdict.h"
#include "ub-error.h"
#include "ub-probe-db.h"
#include "ub-sim-board.h"
#include "ub-sim-state.h"

typedef gboolean (*LoadFunc)(const char *dir, const char *file, GError **error);

typedef struct {
	const char *kind; /* folder under resources/data */
	const char *only; /* one file of it, or NULL for every *.json */
	LoadFunc load;
} Kind;

static gboolean
load_boards(const char *dir, const char *file, GError **error)
{
	g_autoptr(UbBoardDb) db = ub_board_db_new();
	return ub_board_db_load_dir(db, dir, error);
}

static gboolean
load_probes(const char *dir, const char *file, GError **error)
{
	g_autoptr(UbProbeDb) db = ub_probe_db_new();
	return ub_probe_db_load_dir(db, dir, error);
}

static gboolean
load_chips(const char *dir, const char *file, GError **error)
{
	g_autoptr(UbChipDb) db = ub_chip_db_new();
	return ub_chip_db_load_dir(db, dir, error);
}

static gboolean
load_rules(const char *dir, const char *file, GError **error)
{
	g_autoptr(UbRules) rules = ub_rules_new_from_file(file, error);
	return rules != NULL;
}

static gboolean
load_bench(const char *dir, const char *file, GError **error)
{
	g_autoptr(UbSimBoard) board = ub_sim_board_new_from_file(file, error);
	return board != NULL;
}

static const Kind kinds[] = {
        {"boards", NULL, load_boards},
        {"probes", NULL, load_probes},
        {"chips", NULL, load_chips},
        {"diagnosis", "rules.json", load_rules},
        {"sim-boards", NULL, load_bench},
};

typedef struct {
	guint mutants;
	guint accepted;
	guint refused;
} Tally;

/* the values a field gets instead of its own, put into @node */
static JsonNode *
replacement(JsonNode *node, guint which)
{
	g_autofree char *long_text = NULL;

	switch (which) {
	case 0:
		return json_node_init_null(node);
	case 1:
		return json_node_init_boolean(node, TRUE);
	case 2:
		return json_node_init_int(node, -1);
	case 3:
		return json_node_init_int(node, G_GINT64_CONSTANT(1) << 40);
	case 4:
		return json_node_init_double(node, 0.5);
	case 5:
		return json_node_init_string(node, "");
	case 6:
		long_text = g_strnfill(5000, 'x');
		return json_node_init_string(node, long_text);
	case 7:
		return json_node_init_string(node, "0xZZ\t\u00e9");
	case 8:
		return json_node_init_array(node, json_array_new());
	case 9:
	default:
		return json_node_init_object(node, json_object_new());
	}
}
#define N_REPLACEMENTS 10

/* every place a value sits, as the chain of member names / element indices that reach it */
static void
collect_paths(JsonNode *node, GPtrArray *prefix, GPtrArray *paths)
{
	if (JSON_NODE_HOLDS_OBJECT(node)) {
		JsonObject *object = json_node_get_object(node);
		g_autoptr(GList) members = json_object_get_members(object);
		for (GList *l = members; l != NULL; l = l->next) {
			GPtrArray *path = g_ptr_array_new_with_free_func(g_free);
			for (guint i = 0; i < prefix->len; i++)
				g_ptr_array_add(path, g_strdup(g_ptr_array_index(prefix, i)));
			g_ptr_array_add(path, g_strdup(l->data));
			g_ptr_array_add(paths, path);
			collect_paths(json_object_get_member(object, l->data), path, paths);
		}
	} else if (JSON_NODE_HOLDS_ARRAY(node)) {
		JsonArray *array = json_node_get_array(node);
		for (guint i = 0; i < json_array_get_length(array); i++) {
			GPtrArray *path = g_ptr_array_new_with_free_func(g_free);
			for (guint j = 0; j < prefix->len; j++)
				g_ptr_array_add(path, g_strdup(g_ptr_array_index(prefix, j)));
			g_ptr_array_add(path, g_strdup_printf("#%u", i));
			g_ptr_array_add(paths, path);
			collect_paths(json_array_get_element(array, i), path, paths);
		}
	}
}

/* a copy of @node with replacement @which (or, past the last one, nothing) where @path leads;
 * only the spine is new, the rest is shared (json-glib cannot re-initialise a node in place) */
static JsonNode *
rebuild(JsonNode *node, GPtrArray *path, guint depth, guint which)
{
	const char *step;

	if (depth == path->len)
		return which < N_REPLACEMENTS ? replacement(json_node_alloc(), which) : NULL;
	step = g_ptr_array_index(path, depth);
	if (JSON_NODE_HOLDS_OBJECT(node)) {
		JsonObject *object = json_node_get_object(node);
		JsonObject *copy = json_object_new();
		g_autoptr(GList) members = json_object_get_members(object);

		for (GList *l = members; l != NULL; l = l->next) {
			JsonNode *child = json_object_get_member(object, l->data);
			if (g_strcmp0(l->data, step) == 0) {
				JsonNode *changed = rebuild(child, path, depth + 1, which);
				if (changed != NULL)
					json_object_set_member(copy, l->data, changed);
			} else {
				json_object_set_member(copy, l->data, json_node_copy(child));
			}
		}
		return json_node_init_object(json_node_alloc(), copy);
	}
	if (JSON_NODE_HOLDS_ARRAY(node)) {
		JsonArray *array = json_node_get_array(node);
		JsonArray *copy = json_array_new();
		guint index = (guint)g_ascii_strtoull(step + 1, NULL, 10);

		for (guint i = 0; i < json_array_get_length(array); i++) {
			JsonNode *child = json_array_get_element(array, i);
			if (i == index) {
				JsonNode *changed = rebuild(child, path, depth + 1, which);
				if (changed != NULL)
					json_array_add_element(copy, changed);
			} else {
				json_array_add_element(copy, json_node_copy(child));
			}
		}
		return json_node_init_array(json_node_alloc(), copy);
	}
	return json_node_copy(node);
}

static void
try_mutant(const Kind *kind, const char *dir, const char *file, const char *text, gssize len,
           const char *what, Tally *tally)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *base = g_path_get_basename(file);

	/* no fsync for thousands of throw-away files; a fresh file, not the old one's tail */
	g_unlink(file);
	g_assert_true(g_file_set_contents_full(file, text, len, G_FILE_SET_CONTENTS_NONE, 0644,
	                                       NULL));
	tally->mutants++;
	if (kind->load(dir, file, &error)) {
		tally->accepted++;
		return;
	}
	tally->refused++;
	if (error == NULL || error->domain != UB_DATA_ERROR || strstr(error->message, base) == NULL)
		g_error("%s, %s: refused without a clear data error: %s", base, what,
		        error != NULL ? error->message : "(no error)");
}

static void
test_kind(gconstpointer data)
{
	const Kind *kind = data;
	g_autofree char *source = g_build_filename(g_getenv("UB_DATA_DIR"), kind->kind, NULL);
	g_autofree char *dir = g_dir_make_tmp("ub-malformed-XXXXXX", NULL);
	g_autoptr(GDir) handle = g_dir_open(source, 0, NULL);
	g_autoptr(GHashTable) fields = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	const char *name;
	Tally tally = {0};

	g_assert_nonnull(handle);
	while ((name = g_dir_read_name(handle)) != NULL) {
		g_autofree char *original = g_build_filename(source, name, NULL);
		g_autofree char *file = g_build_filename(dir, name, NULL);
		g_autofree char *text = NULL;
		g_autoptr(JsonParser) parser = json_parser_new();
		g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(
		        (GDestroyNotify)g_ptr_array_unref);
		g_autoptr(GPtrArray) prefix = g_ptr_array_new();
		g_autoptr(GError) error = NULL;
		gsize len = 0;

		if (!g_str_has_suffix(name, ".json") ||
		    (kind->only != NULL && g_strcmp0(kind->only, name) != 0))
			continue;
		g_assert_true(g_file_get_contents(original, &text, &len, NULL));
		/* as shipped it loads */
		g_assert_true(g_file_set_contents(file, text, (gssize)len, NULL));
		g_assert_true(kind->load(dir, file, &error));
		g_assert_no_error(error);
		g_assert_true(json_parser_load_from_data(parser, text, (gssize)len, NULL));
		collect_paths(json_parser_get_root(parser), prefix, paths);

		/* every field: removed, or of every wrong kind. A field is a place in the file's
		 * schema (its chain of names and indices): the files of a folder share most of
		 * theirs, and the loader reads a field the same whatever file it is in, so each
		 * is mutated in the first file that has it (the benches run their firmware when
		 * loaded: 22 files × every field would take minutes for nothing new) */
		for (guint p = 0; p < paths->len; p++) {
			GPtrArray *path = g_ptr_array_index(paths, p);
			g_autofree char *joined = NULL;

			g_ptr_array_add(path, NULL);
			joined = g_strjoinv(".", (char **)path->pdata);
			g_ptr_array_remove_index(path, path->len - 1);
			if (g_hash_table_contains(fields, joined))
				continue;
			g_hash_table_add(fields, g_strdup(joined));
			for (guint r = 0; r <= N_REPLACEMENTS; r++) {
				g_autoptr(JsonNode) root =
				        rebuild(json_parser_get_root(parser), path, 0, r);
				g_autoptr(JsonGenerator) generator = json_generator_new();
				g_autofree char *mutant = NULL;

				json_generator_set_root(generator, root);
				mutant = json_generator_to_data(generator, NULL);
				try_mutant(kind, dir, file, mutant, -1, joined, &tally);
			}
		}
		/* cut short anywhere */
		for (gsize cut = 0; cut < len; cut += 1 + len / 64)
			try_mutant(kind, dir, file, text, (gssize)cut, "truncated", &tally);
		g_unlink(file);
	}
	g_test_message("%s: %u fields, %u mutants, %u refused with a clear error, %u accepted",
	               kind->kind, g_hash_table_size(fields), tally.mutants, tally.refused,
	               tally.accepted);
	g_assert_cmpuint(tally.refused, >, 0);
	g_rmdir(dir);
}

/* a damaged chip file stops a job before the probe is opened: the chip is as it was */
static void
test_nothing_written(void)
{
	g_autofree char *cli = g_test_build_filename(G_TEST_BUILT, "..", "app", "unbrick-cli", NULL);
	g_autofree char *dir = g_dir_make_tmp("ub-malformed-XXXXXX", NULL);
	g_autofree char *data = g_build_filename(dir, "data", NULL);
	g_autofree char *chips = g_build_filename(data, "chips", NULL);
	g_autofree char *chip = g_build_filename(chips, "stm32f40x.json", NULL);
	g_autofree char *state = g_build_filename(dir, "bench.state", NULL);
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	g_autoptr(GBytes) before = NULL;
	g_autoptr(GBytes) after = NULL;
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) envp = g_get_environ();
	g_autofree char *benches = g_build_filename(g_getenv("UB_DATA_DIR"), "sim-boards", NULL);
	const char *argv[] = {cli, "erase", "--sim", "focbox", "--sim-state", state, NULL};
	int status = 0;

	if (!g_file_test(cli, G_FILE_TEST_IS_EXECUTABLE)) {
		g_test_skip("unbrick-cli is not built");
		return;
	}
	{
		g_autoptr(UbSimBoard) board = ub_sim_board_new_from_name("focbox", &error);
		g_assert_true(ub_sim_board_save_state(board, state, &error));
		g_assert_no_error(error);
	}
	before = ub_sim_state_read_flash(state, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpint(g_mkdir_with_parents(chips, 0700), ==, 0);
	g_assert_true(g_file_set_contents(chip, "{\"chips\": [{\"id\": 5}", -1, NULL));
	envp = g_environ_setenv(envp, "UB_DATA_DIR", data, TRUE);
	envp = g_environ_setenv(envp, "UB_BACKUP_DIR", dir, TRUE);
	envp = g_environ_setenv(envp, "UB_STATE_DIR", dir, TRUE);
	/* the benches themselves still come from the tree */
	envp = g_environ_setenv(envp, "UB_SIM_BOARDS_DIR", benches, TRUE);
	g_assert_true(g_spawn_sync(NULL, (char **)argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out,
	                           &err, &status, &error));
	g_assert_no_error(error);
	g_test_message("%s", err);
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 8);
	g_assert_nonnull(strstr(err, "stm32f40x.json"));
	g_assert_nonnull(strstr(err, "nothing on the chip was changed"));
	after = ub_sim_state_read_flash(state, NULL, &error);
	g_assert_true(g_bytes_equal(before, after));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (guint i = 0; i < G_N_ELEMENTS(kinds); i++) {
		g_autofree char *path = g_strdup_printf("/data/malformed/%s", kinds[i].kind);
		g_test_add_data_func(path, &kinds[i], test_kind);
	}
	g_test_add_func("/data/malformed/nothing-written", test_nothing_written);
	return g_test_run();
}
