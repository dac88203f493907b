/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ub-error.h"
#include "ub-sim-state.h"

/* FILE.live: a header, then the flash as it is on the chip (mapped from its offset, which is
 * a multiple of any page size) */
#define STATE_MAGIC "UBSIMST1"
#define STATE_VERSION 1
#define STATE_HEADER 65536u
#define STATE_SIZE (STATE_HEADER + UB_SIM_FLASH_SIZE)
#define OFF_VERSION 8
#define OFF_OPTCR 12
#define OFF_PID 16
#define OFF_BOARD 20
#define BOARD_MAX 64

struct _UbSimState {
	GObject parent_instance;
	UbSimBoard *board;
	UbSimMcu *mcu;
	UbSimClock *clock;
	char *path;      /* the state file */
	char *live_path; /* FILE.live */
	int fd;
	guint8 *map;
	gboolean attached; /* the bench's flash is the file's */
	guint32 optcr;
};

G_DEFINE_TYPE(UbSimState, ub_sim_state, G_TYPE_OBJECT)

static guint32
get_le32(const guint8 *p)
{
	return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
}

static void
put_le32(guint8 *p, guint32 v)
{
	p[0] = (guint8)v;
	p[1] = (guint8)(v >> 8);
	p[2] = (guint8)(v >> 16);
	p[3] = (guint8)(v >> 24);
}

/* the option bytes change rarely: the header follows them after every step of the clock, and
 * before a fault scheduled later (a kill) strikes in the same step */
static void
ub_sim_state_tick(gpointer user_data, guint64 start_ns, guint64 step_ns)
{
	UbSimState *self = UB_SIM_STATE(user_data);
	guint32 optcr = ub_sim_mcu_get_option_bytes(self->mcu);

	ub_sim_mcu_sync_flash(self->mcu);
	if (optcr != self->optcr) {
		self->optcr = optcr;
		put_le32(self->map + OFF_OPTCR, optcr);
	}
}

static void
ub_sim_state_finalize(GObject *object)
{
	UbSimState *self = UB_SIM_STATE(object);

	if (self->attached) {
		ub_sim_clock_remove_ticker(self->clock, ub_sim_state_tick, self);
		ub_sim_state_tick(self, 0, 0);
		/* the chip goes back to memory of its own before the file goes away */
		ub_sim_mcu_unmap_flash(self->mcu);
		put_le32(self->map + OFF_PID, 0);
	}
	/* a refused attach leaves the file as it found it */
	if (self->map != NULL)
		munmap(self->map, STATE_SIZE);
	if (self->fd >= 0)
		close(self->fd);
	g_clear_object(&self->mcu);
	g_clear_object(&self->clock);
	g_clear_object(&self->board);
	g_free(self->path);
	g_free(self->live_path);
	G_OBJECT_CLASS(ub_sim_state_parent_class)->finalize(object);
}

static void
ub_sim_state_class_init(UbSimStateClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_sim_state_finalize;
}

static void
ub_sim_state_init(UbSimState *self)
{
	self->fd = -1;
}

static gboolean
ub_sim_state_check_header(const guint8 *header, const char *path, GError **error)
{
	if (memcmp(header, STATE_MAGIC, 8) != 0 ||
	    get_le32(header + OFF_VERSION) != STATE_VERSION ||
	    memchr(header + OFF_BOARD, '\0', BOARD_MAX) == NULL) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
		            "%s is not a simulated bench's state file", path);
		return FALSE;
	}
	return TRUE;
}

/* who holds the file: its header names the program's pid, /proc its name */
static char *
ub_sim_state_holder(int fd)
{
	guint8 header[OFF_BOARD];
	g_autofree char *comm_path = NULL;
	g_autofree char *comm = NULL;
	guint32 pid;

	if (pread(fd, header, sizeof(header), 0) != (gssize)sizeof(header))
		return g_strdup("another program");
	pid = get_le32(header + OFF_PID);
	if (pid == 0)
		return g_strdup("another program");
	comm_path = g_strdup_printf("/proc/%u/comm", pid);
	if (!g_file_get_contents(comm_path, &comm, NULL, NULL))
		return g_strdup_printf("another program (pid %u)", pid);
	return g_strdup_printf("%s (pid %u)", g_strstrip(comm), pid);
}

UbSimState *
ub_sim_state_attach(UbSimBoard *board, const char *path, GError **error)
{
	g_autoptr(UbSimState) self = NULL;
	g_autoptr(GBytes) flash = NULL;
	struct stat st;
	const char *name;
	gboolean fresh;
	const char *live;

	g_return_val_if_fail(UB_IS_SIM_BOARD(board), NULL);
	g_return_val_if_fail(path != NULL, NULL);

	self = g_object_new(UB_TYPE_SIM_STATE, NULL);
	self->board = g_object_ref(board);
	self->mcu = g_object_ref(ub_sim_board_get_mcu(board));
	self->clock = g_object_ref(ub_sim_board_get_clock(board));
	self->path = g_strdup(path);
	self->live_path = g_strconcat(path, ".live", NULL);
	live = self->live_path;
	name = ub_sim_board_get_name(board);

	self->fd = open(live, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (self->fd < 0) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "cannot open %s: %s", live,
		            g_strerror(errno));
		return NULL;
	}
	/* one program per bench, as one program per USB probe */
	if (flock(self->fd, LOCK_EX | LOCK_NB) != 0) {
		g_autofree char *holder = ub_sim_state_holder(self->fd);
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_BUSY,
		            "the probe of the bench %s is in use by %s", name, holder);
		return NULL;
	}
	if (fstat(self->fd, &st) != 0) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "%s: %s", live,
		            g_strerror(errno));
		return NULL;
	}
	fresh = st.st_size == 0;
	if (!fresh && st.st_size != (off_t)STATE_SIZE) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
		            "%s is not a simulated bench's state file (%" G_GINT64_FORMAT " bytes)",
		            live, (gint64)st.st_size);
		return NULL;
	}
	if (fresh && ftruncate(self->fd, STATE_SIZE) != 0) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "%s: %s", live,
		            g_strerror(errno));
		return NULL;
	}
	self->map = mmap(NULL, STATE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	if (self->map == MAP_FAILED) {
		self->map = NULL;
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "cannot map %s: %s", live,
		            g_strerror(errno));
		return NULL;
	}
	if (fresh) {
		/* the live copy starts as the chip on the bench is now */
		memcpy(self->map, STATE_MAGIC, 8);
		put_le32(self->map + OFF_VERSION, STATE_VERSION);
		g_strlcpy((char *)self->map + OFF_BOARD, name, BOARD_MAX);
		put_le32(self->map + OFF_OPTCR, ub_sim_mcu_get_option_bytes(self->mcu));
		flash = ub_sim_mcu_dump_flash(self->mcu);
		memcpy(self->map + STATE_HEADER, g_bytes_get_data(flash, NULL), UB_SIM_FLASH_SIZE);
	} else {
		if (!ub_sim_state_check_header(self->map, live, error))
			return NULL;
		if (g_strcmp0((const char *)self->map + OFF_BOARD, name) != 0) {
			g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
			            "%s holds the bench %s, not %s", live,
			            (const char *)self->map + OFF_BOARD, name);
			return NULL;
		}
	}
	put_le32(self->map + OFF_PID, (guint32)getpid());
	self->optcr = get_le32(self->map + OFF_OPTCR);
	if (!ub_sim_mcu_map_flash(self->mcu, self->fd, STATE_HEADER, error))
		return NULL;
	if (!fresh) {
		/* a killed program's chip: as after a power cycle (option bytes load at reset) */
		ub_sim_mcu_set_option_bytes(self->mcu, self->optcr);
		self->optcr = ub_sim_mcu_get_option_bytes(self->mcu);
		if (ub_sim_mcu_get_powered(self->mcu)) {
			ub_sim_mcu_set_powered(self->mcu, FALSE);
			ub_sim_mcu_set_powered(self->mcu, TRUE);
		}
	}
	ub_sim_clock_add_ticker(self->clock, ub_sim_state_tick, self);
	self->attached = TRUE;
	return g_steal_pointer(&self);
}

gboolean
ub_sim_state_save(UbSimState *self, GError **error)
{
	g_return_val_if_fail(UB_IS_SIM_STATE(self), FALSE);
	if (!ub_sim_board_save_state(self->board, self->path, error))
		return FALSE;
	/* FILE holds the chip now; while the lock is held nobody takes the live copy */
	if (g_unlink(self->live_path) != 0 && errno != ENOENT) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "cannot remove %s: %s",
		            self->live_path, g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

/* FILE as ub_sim_board_save_state() writes it: the flash in base64, the option bytes */
static GBytes *
ub_sim_state_read_saved(const char *path, guint32 *optcr, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *root;
	const char *text;
	guchar *data;
	gsize len = 0;

	if (!json_parser_load_from_file(parser, path, error))
		return NULL;
	if (!JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)) ||
	    (root = json_node_get_object(json_parser_get_root(parser))) == NULL ||
	    (text = json_object_get_string_member_with_default(root, "flash", NULL)) == NULL) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
		            "%s is not a simulated bench's state file", path);
		return NULL;
	}
	data = g_base64_decode(text, &len);
	if (len != UB_SIM_FLASH_SIZE) {
		g_free(data);
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
		            "%s: the flash is not 1 MiB", path);
		return NULL;
	}
	if (optcr != NULL)
		*optcr = (guint32)json_object_get_int_member_with_default(root, "option_bytes", 0);
	return g_bytes_new_take(data, len);
}

GBytes *
ub_sim_state_read_flash(const char *path, guint32 *optcr, GError **error)
{
	g_autofree char *live = NULL;
	g_autofree guint8 *contents = NULL;
	gsize len = 0;
	g_autoptr(GError) error_local = NULL;

	g_return_val_if_fail(path != NULL, NULL);
	live = g_strconcat(path, ".live", NULL);
	if (!g_file_test(live, G_FILE_TEST_EXISTS))
		return ub_sim_state_read_saved(path, optcr, error);
	if (!g_file_get_contents(live, (char **)&contents, &len, &error_local)) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "%s", error_local->message);
		return NULL;
	}
	if (len != STATE_SIZE) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
		            "%s is not a simulated bench's state file", live);
		return NULL;
	}
	if (!ub_sim_state_check_header(contents, live, error))
		return NULL;
	if (optcr != NULL)
		*optcr = get_le32(contents + OFF_OPTCR);
	return g_bytes_new(contents + STATE_HEADER, UB_SIM_FLASH_SIZE);
}
