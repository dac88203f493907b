/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Identification follows the recipe measured on all 1474 STM32 images of vesc_fw_archive
 * (shared/reference/boards-and-firmware.md 5.3): the UAVCAN node name "org.vesc.<HW_NAME>",
 * then the bare name among the terminal's hw_status strings (FW <= 5.03), then caller-supplied
 * names as whole NUL-delimited strings; the version only from "release_X_YY" (3.x-5.x builds
 * keep it as code immediates, so it is reported unknown rather than guessed).
 */
#include "ub-firmware-info.h"

#include <string.h>

#include "ub-image-loader.h"
#include "ub-vesc-layout.h"

struct _UbFirmwareInfo {
	GObject parent_instance;
	UbFirmwareKind kind;
	gchar *filename;
	GPtrArray *hw_names; /* NULL-terminated */
	UbFirmwareHwSource hw_source;
	gboolean has_version;
	guint version_major;
	guint version_minor;
	gchar *version_string;
	gchar *git_hash;
	UbFirmwareLayout layout;
	UbFirmwareConfig config;
	guint32 load_address;
	guint32 flash_address;
	gsize size;
	gboolean has_vector_table;
	guint32 initial_sp;
	guint32 reset_vector;
	const gchar *mcu;
	gchar *sha256;
	gboolean bootloader_generic;
	GPtrArray *bootloader_hw_names; /* NULL-terminated */
	gint bootloader_compression;
	UbFirmwarePresence app_presence;
	UbFirmwarePresence bootloader_presence;
	UbFirmwareInfo *bootloader; /* dumps: what sits in sector 11 */
	GPtrArray *notes;           /* NULL-terminated */
};

G_DEFINE_TYPE(UbFirmwareInfo, ub_firmware_info, G_TYPE_OBJECT)

#define UAVCAN_PREFIX "org.vesc."
/* longest HW_NAME seen in bldc hwconf is ~24 characters; anything much longer is not a name */
#define HW_NAME_MAX 64
/* the 2017-2020 bootloaders are 3.8-4.3 KB, the heatshrink-capable ones from 2022 5.2-5.8 KB
 * (vesc_tool res/bootloaders history, reference 4.3) */
#define BOOTLOADER_COMPRESSION_MIN_SIZE 5000
#define BOOTLOADER_PLAIN_MAX_SIZE 4500

static void
ub_firmware_info_finalize(GObject *object)
{
	UbFirmwareInfo *self = UB_FIRMWARE_INFO(object);

	g_free(self->filename);
	g_ptr_array_unref(self->hw_names);
	g_free(self->version_string);
	g_free(self->git_hash);
	g_free(self->sha256);
	g_ptr_array_unref(self->bootloader_hw_names);
	g_clear_object(&self->bootloader);
	g_ptr_array_unref(self->notes);
	G_OBJECT_CLASS(ub_firmware_info_parent_class)->finalize(object);
}

static void
ub_firmware_info_class_init(UbFirmwareInfoClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_firmware_info_finalize;
}

static GPtrArray *
new_strv_array(void)
{
	GPtrArray *array = g_ptr_array_new_with_free_func(g_free);

	g_ptr_array_add(array, NULL);
	return array;
}

/* keeps the trailing NULL so the array doubles as a gchar ** */
static void
strv_array_add(GPtrArray *array, const gchar *value)
{
	g_ptr_array_insert(array, (gint)array->len - 1, g_strdup(value));
}

static gboolean
strv_array_contains_hw_name(GPtrArray *array, const gchar *value)
{
	for (guint i = 0; i + 1 < array->len; i++) {
		if (ub_firmware_hw_name_equal(g_ptr_array_index(array, i), value))
			return TRUE;
	}
	return FALSE;
}

static void
ub_firmware_info_init(UbFirmwareInfo *self)
{
	self->hw_names = new_strv_array();
	self->bootloader_hw_names = new_strv_array();
	self->notes = new_strv_array();
	self->bootloader_compression = -1;
}

G_GNUC_PRINTF(2, 3)
static void
add_note(UbFirmwareInfo *self, const gchar *format, ...)
{
	va_list args;
	g_autofree gchar *text = NULL;

	va_start(args, format);
	text = g_strdup_vprintf(format, args);
	va_end(args);
	strv_array_add(self->notes, text);
}

static guint32
read_u32(const guint8 *data)
{
	return (guint32)data[0] | (guint32)data[1] << 8 | (guint32)data[2] << 16 |
	       (guint32)data[3] << 24;
}

static gboolean
all_bytes_are(const guint8 *data, gsize size, guint8 value)
{
	for (gsize i = 0; i < size; i++) {
		if (data[i] != value)
			return FALSE;
	}
	return TRUE;
}

/* a flat view of memory: data[0] is at address base */
typedef struct {
	const guint8 *data;
	gsize size;
	guint32 base;
} MemoryView;

/* pointer to [address, address + size) if the view covers all of it, else NULL */
static const guint8 *
view_get(const MemoryView *view, guint32 address, gsize size)
{
	guint64 start = address;
	guint64 end = start + size;

	if (start < view->base || end > (guint64)view->base + view->size)
		return NULL;
	return view->data + (start - view->base);
}

static gboolean
is_printable_name_char(guint8 c)
{
	return c >= 0x20 && c <= 0x7E;
}

/* length of the printable string at data[0], if a NUL ends it within max and size; else 0 */
static gsize
printable_string_length(const guint8 *data, gsize size, gsize max)
{
	gsize length = 0;

	while (length < size && length <= max && is_printable_name_char(data[length]))
		length++;
	if (length == 0 || length > max || length >= size || data[length] != '\0')
		return 0;
	return length;
}

static void
add_hw_name(UbFirmwareInfo *self, const guint8 *name, gsize length)
{
	g_autofree gchar *copy = g_strndup((const gchar *)name, length);

	if (!strv_array_contains_hw_name(self->hw_names, copy))
		strv_array_add(self->hw_names, copy);
}

static void
find_uavcan_names(UbFirmwareInfo *self, const guint8 *data, gsize size)
{
	gsize prefix_length = strlen(UAVCAN_PREFIX);
	gsize offset = 0;

	while (offset + prefix_length < size) {
		const guint8 *hit =
		        memmem(data + offset, size - offset, UAVCAN_PREFIX, prefix_length);
		gsize name_offset;
		gsize length;

		if (hit == NULL)
			break;
		name_offset = (gsize)(hit - data) + prefix_length;
		length = printable_string_length(data + name_offset, size - name_offset,
		                                 HW_NAME_MAX);
		if (length > 0)
			add_hw_name(self, data + name_offset, length);
		offset = name_offset;
	}
}

static gsize
skip_nuls(const guint8 *data, gsize size, gsize offset)
{
	while (offset < size && data[offset] == '\0')
		offset++;
	return offset;
}

/* terminal.c's hw_status strings, laid out by the linker as
 * "Firmware: %d.%d\0" [NUL padding] "<HW_NAME>\0" [NUL padding] "Hardware: %s\0" */
static void
find_terminal_names(UbFirmwareInfo *self, const guint8 *data, gsize size)
{
	const gchar *before = "Firmware: %d.%d";
	const gchar *after = "Hardware: %s";
	gsize before_length = strlen(before) + 1; /* with its NUL */
	gsize after_length = strlen(after) + 1;
	gsize offset = 0;

	while (offset < size) {
		const guint8 *hit = memmem(data + offset, size - offset, before, before_length);
		gsize name_offset;
		gsize length;
		gsize next;

		if (hit == NULL)
			return;
		offset = (gsize)(hit - data) + before_length;
		name_offset = skip_nuls(data, size, offset);
		length = printable_string_length(data + name_offset, size - name_offset,
		                                 HW_NAME_MAX);
		if (length == 0)
			continue;
		next = skip_nuls(data, size, name_offset + length);
		if (next + after_length <= size && memcmp(data + next, after, after_length) == 0)
			add_hw_name(self, data + name_offset, length);
	}
}

/* whole NUL-delimited strings only: "60" must not match inside "160" or "60_MK3" */
static gboolean
contains_whole_string(const guint8 *data, gsize size, const gchar *needle)
{
	gsize length = strlen(needle);
	gsize offset = 0;

	if (length == 0)
		return FALSE;
	while (offset + length < size) {
		const guint8 *hit = memmem(data + offset, size - offset, needle, length);
		gsize position;

		if (hit == NULL)
			return FALSE;
		position = (gsize)(hit - data);
		if ((position == 0 || data[position - 1] == '\0') && position + length < size &&
		    data[position + length] == '\0')
			return TRUE;
		offset = position + 1;
	}
	return FALSE;
}

static void
find_known_names(UbFirmwareInfo *self, const guint8 *data, gsize size,
                 const gchar *const *known_hw_names)
{
	if (known_hw_names == NULL)
		return;
	for (guint i = 0; known_hw_names[i] != NULL; i++) {
		if (contains_whole_string(data, size, known_hw_names[i]))
			add_hw_name(self, (const guint8 *)known_hw_names[i],
			            strlen(known_hw_names[i]));
	}
}

static gboolean
parse_decimal(const guint8 *data, gsize length, guint *value)
{
	guint result = 0;

	if (length == 0 || length > 3)
		return FALSE;
	for (gsize i = 0; i < length; i++) {
		if (!g_ascii_isdigit(data[i]))
			return FALSE;
		result = result * 10 + (guint)(data[i] - '0');
	}
	*value = result;
	return TRUE;
}

/* "release_6_05\0" as a whole string (firmware_metadata.h: the git branch of the build) */
static gboolean
parse_release_string(const guint8 *string, gsize length, guint *major, guint *minor,
                     gchar **display)
{
	const gchar *prefix = "release_";
	gsize prefix_length = strlen(prefix);
	const guint8 *underscore;
	gsize major_length;

	if (length <= prefix_length || memcmp(string, prefix, prefix_length) != 0)
		return FALSE;
	underscore = memchr(string + prefix_length, '_', length - prefix_length);
	if (underscore == NULL)
		return FALSE;
	major_length = (gsize)(underscore - (string + prefix_length));
	if (!parse_decimal(string + prefix_length, major_length, major))
		return FALSE;
	if (!parse_decimal(underscore + 1, length - prefix_length - major_length - 1, minor))
		return FALSE;
	*display = g_strdup_printf(
	        "%.*s.%.*s", (gint)major_length, (const gchar *)string + prefix_length,
	        (gint)(length - prefix_length - major_length - 1), (const gchar *)underscore + 1);
	return TRUE;
}

/* the commit hash printed by the fw_info command: the string after "... Branch: %s" */
static void
find_git_hash(UbFirmwareInfo *self, const guint8 *data, gsize size)
{
	const gchar *anchor = "Branch: %s";
	gsize anchor_length = strlen(anchor) + 1;
	const guint8 *hit = memmem(data, size, anchor, anchor_length);
	gsize offset;
	gsize length;

	if (hit == NULL)
		return;
	offset = skip_nuls(data, size, (gsize)(hit - data) + anchor_length);
	length = printable_string_length(data + offset, size - offset, 40);
	if (length < 7)
		return;
	for (gsize i = 0; i < length; i++) {
		if (!g_ascii_isxdigit(data[offset + i]))
			return;
	}
	self->git_hash = g_strndup((const gchar *)data + offset, length);
}

static void
find_version(UbFirmwareInfo *self, const guint8 *data, gsize size)
{
	const gchar *needle = "release_";
	gsize needle_length = strlen(needle);
	gsize offset = 0;

	while (offset < size) {
		const guint8 *hit = memmem(data + offset, size - offset, needle, needle_length);
		gsize position;
		gsize length;
		guint major = 0;
		guint minor = 0;
		g_autofree gchar *display = NULL;

		if (hit == NULL)
			break;
		position = (gsize)(hit - data);
		offset = position + 1;
		if (position > 0 && data[position - 1] != '\0')
			continue;
		length = printable_string_length(hit, size - position, 32);
		if (length == 0 || !parse_release_string(hit, length, &major, &minor, &display))
			continue;
		if (self->has_version &&
		    (major != self->version_major || minor != self->version_minor)) {
			/* two different branch names: refuse to pick one */
			add_note(self, "conflicting version strings %s and %s",
			         self->version_string, display);
			self->has_version = FALSE;
			g_clear_pointer(&self->version_string, g_free);
			return;
		}
		if (!self->has_version) {
			self->has_version = TRUE;
			self->version_major = major;
			self->version_minor = minor;
			self->version_string = g_steal_pointer(&display);
		}
	}
	if (self->has_version)
		find_git_hash(self, data, size);
}

static gboolean
vector_table_valid(guint32 initial_sp, guint32 reset_vector)
{
	gboolean sp_ok = (initial_sp > UB_VESC_SRAM_ADDRESS &&
	                  initial_sp <= UB_VESC_SRAM_ADDRESS + UB_VESC_SRAM_SIZE) ||
	                 (initial_sp > UB_VESC_CCM_ADDRESS &&
	                  initial_sp <= UB_VESC_CCM_ADDRESS + UB_VESC_CCM_SIZE);
	gboolean pc_ok = (reset_vector & 1) != 0 && reset_vector >= UB_VESC_FLASH_ADDRESS &&
	                 reset_vector < UB_VESC_FLASH_ADDRESS + UB_VESC_FLASH_SIZE;

	return sp_ok && pc_ok;
}

static void
read_vector_table(UbFirmwareInfo *self, const guint8 *data, gsize size)
{
	if (size < 8)
		return;
	self->initial_sp = read_u32(data);
	self->reset_vector = read_u32(data + 4);
	self->has_vector_table = vector_table_valid(self->initial_sp, self->reset_vector);
}

static void
classify_config(UbFirmwareInfo *self, const MemoryView *view)
{
	const guint8 *config = view_get(view, UB_VESC_CONFIG_ADDRESS, UB_VESC_CONFIG_SIZE);

	if (config == NULL)
		self->config = UB_FIRMWARE_CONFIG_UNKNOWN;
	else if (all_bytes_are(config, UB_VESC_CONFIG_SIZE, 0xFF))
		self->config = UB_FIRMWARE_CONFIG_ERASED;
	else if (all_bytes_are(config, UB_VESC_CONFIG_SIZE, 0x00))
		self->config = UB_FIRMWARE_CONFIG_ZEROED;
	else
		self->config = UB_FIRMWARE_CONFIG_DATA;
}

/* the VESC application part, shared by images and dumps; data starts at 0x08000000 and the
 * configuration sectors are already masked */
static void
analyse_application(UbFirmwareInfo *self, const guint8 *data, gsize size,
                    const gchar *const *known_hw_names)
{
	find_uavcan_names(self, data, size);
	if (self->hw_names->len > 1) {
		self->hw_source = UB_FIRMWARE_HW_SOURCE_UAVCAN_NAME;
	} else {
		find_terminal_names(self, data, size);
		if (self->hw_names->len > 1) {
			self->hw_source = UB_FIRMWARE_HW_SOURCE_TERMINAL_STRING;
		} else {
			find_known_names(self, data, size, known_hw_names);
			if (self->hw_names->len > 1)
				self->hw_source = UB_FIRMWARE_HW_SOURCE_KNOWN_NAME;
		}
	}
	find_version(self, data, size);
}

static void
set_mcu_from_addresses(UbFirmwareInfo *self, guint64 end)
{
	/* all VESC firmware is built for the STM32F405/407 (DEV_ID 0x413, 1 MB, 128 KB SRAM);
	 * an image that fits that map and whose vector table points into it is taken as such */
	if (self->has_vector_table && self->load_address >= UB_VESC_FLASH_ADDRESS &&
	    end <= (guint64)UB_VESC_FLASH_ADDRESS + UB_VESC_FLASH_SIZE)
		self->mcu = "STM32F405";
}

static gchar *
compute_sha256(const guint8 *data, gsize size)
{
	return g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, size);
}

/* VESC Tool's convention: res/bootloaders/<names joined by _o_>.bin, generic.bin for all;
 * the project's stored copies carry a "vesc-bl-" prefix (tests/data/firmware/SOURCES.md) */
static void
names_from_bootloader_filename(UbFirmwareInfo *self)
{
	g_autofree gchar *basename = NULL;
	g_auto(GStrv) names = NULL;
	gchar *dot;
	const gchar *stem;

	if (self->filename == NULL)
		return;
	basename = g_path_get_basename(self->filename);
	dot = strrchr(basename, '.');
	if (dot != NULL)
		*dot = '\0';
	stem = basename;
	if (g_str_has_prefix(stem, "vesc-bl-"))
		stem += strlen("vesc-bl-");
	if (g_ascii_strcasecmp(stem, "generic") == 0) {
		self->bootloader_generic = TRUE;
		self->hw_source = UB_FIRMWARE_HW_SOURCE_FILENAME;
		return;
	}
	if (strstr(stem, "_o_") == NULL) {
		/* one name alone is indistinguishable from any other file name */
		add_note(self, "file name does not say which boards the bootloader serves");
		return;
	}
	names = ub_firmware_split_hw_names(stem);
	for (guint i = 0; names[i] != NULL; i++) {
		if (!strv_array_contains_hw_name(self->bootloader_hw_names, names[i]))
			strv_array_add(self->bootloader_hw_names, names[i]);
	}
	self->hw_source = UB_FIRMWARE_HW_SOURCE_FILENAME;
}

static gsize
trimmed_length(const guint8 *data, gsize size)
{
	while (size > 0 && data[size - 1] == 0xFF)
		size--;
	return size;
}

static void
analyse_bootloader(UbFirmwareInfo *self, gsize code_size)
{
	self->flash_address = UB_VESC_BOOTLOADER_ADDRESS;
	if (code_size >= BOOTLOADER_COMPRESSION_MIN_SIZE)
		self->bootloader_compression = 1;
	else if (code_size <= BOOTLOADER_PLAIN_MAX_SIZE)
		self->bootloader_compression = 0;
	if (self->bootloader_compression == 0)
		add_note(self,
		         "bootloader of %" G_GSIZE_FORMAT " bytes predates heatshrink "
		         "support: USB updates to FW >= 6.00 will not install",
		         code_size);
	if (self->load_address != UB_VESC_BOOTLOADER_ADDRESS)
		add_note(self, "bootloader image based at 0x%08x; it must be written at 0x%08x",
		         self->load_address, (guint)UB_VESC_BOOTLOADER_ADDRESS);
}

static gboolean
looks_like_bootloader(UbFirmwareInfo *self, gsize size)
{
	if (!self->has_vector_table)
		return FALSE;
	if (self->reset_vector < UB_VESC_BOOTLOADER_ADDRESS ||
	    self->reset_vector >= UB_VESC_BOOTLOADER_ADDRESS + UB_VESC_BOOTLOADER_SECTOR_SIZE)
		return FALSE;
	/* placed in sector 11 already, or a raw .bin small enough to fit it */
	return self->load_address == UB_VESC_BOOTLOADER_ADDRESS ||
	       size <= UB_VESC_BOOTLOADER_SECTOR_SIZE;
}

static UbFirmwareLayout
layout_from_size(gsize size)
{
	if (size == UB_VESC_APP_SIZE_384K)
		return UB_FIRMWARE_LAYOUT_384K;
	if (size == UB_VESC_APP_SIZE_512K)
		return UB_FIRMWARE_LAYOUT_512K;
	return UB_FIRMWARE_LAYOUT_UNKNOWN;
}

/* copy of the app slot with sectors 1-2 set to 0xFF, so stored configuration bytes can never
 * look like a marker; covers [0x08000000, min(end, buffer)) */
static GBytes *
app_region_masked(const MemoryView *view)
{
	guint64 view_end = (guint64)view->base + view->size;
	guint64 end = MIN(view_end, (guint64)UB_VESC_BUFFER_ADDRESS);
	gsize size;
	guint8 *copy;

	if (view->base != UB_VESC_APP_ADDRESS || end <= UB_VESC_APP_ADDRESS)
		return NULL;
	size = (gsize)(end - UB_VESC_APP_ADDRESS);
	copy = g_memdup2(view->data, size);
	if (size > UB_VESC_CONFIG_ADDRESS - UB_VESC_APP_ADDRESS) {
		gsize from = UB_VESC_CONFIG_ADDRESS - UB_VESC_APP_ADDRESS;
		memset(copy + from, 0xFF, MIN(size - from, UB_VESC_CONFIG_SIZE));
	}
	return g_bytes_new_take(copy, size);
}

static void
analyse_application_layout(UbFirmwareInfo *self, gsize size)
{
	self->layout = layout_from_size(size);
	if (self->layout == UB_FIRMWARE_LAYOUT_UNKNOWN && self->has_version)
		self->layout = self->version_major >= 6 ? UB_FIRMWARE_LAYOUT_512K
		                                        : UB_FIRMWARE_LAYOUT_384K;
	if (self->layout == UB_FIRMWARE_LAYOUT_384K && !self->has_version)
		add_note(self, "<= 5.03 layout (384 KB app slot); this era does not store its "
		               "version as text");
	if (self->layout == UB_FIRMWARE_LAYOUT_512K)
		add_note(self, ">= 6.00 layout (512 KB app slot); USB updates need a "
		               "heatshrink-capable bootloader");
	if (self->layout == UB_FIRMWARE_LAYOUT_UNKNOWN)
		add_note(self,
		         "size %" G_GSIZE_FORMAT " matches no VESC app slot (%u or %u "
		         "bytes)",
		         size, (guint)UB_VESC_APP_SIZE_384K, (guint)UB_VESC_APP_SIZE_512K);
}

/* the chip as read back: app, configuration, staging buffer (ignored), bootloader */
static void
analyse_dump(UbFirmwareInfo *self, const MemoryView *view, const gchar *const *known_hw_names)
{
	const guint8 *vectors = view_get(view, UB_VESC_APP_ADDRESS, 8);
	const guint8 *bootloader =
	        view_get(view, UB_VESC_BOOTLOADER_ADDRESS, UB_VESC_BOOTLOADER_SECTOR_SIZE);
	g_autoptr(GBytes) app = app_region_masked(view);

	self->kind = UB_FIRMWARE_KIND_FLASH_DUMP;
	self->flash_address = view->base;
	if (vectors != NULL) {
		read_vector_table(self, vectors, 8);
		self->app_presence = all_bytes_are(vectors, 8, 0xFF) ? UB_FIRMWARE_PRESENCE_ABSENT
		                                                     : UB_FIRMWARE_PRESENCE_PRESENT;
		if (self->app_presence == UB_FIRMWARE_PRESENCE_PRESENT && !self->has_vector_table)
			add_note(self,
			         "vector table at 0x%08x is not valid (SP 0x%08x, reset "
			         "0x%08x): the chip cannot boot",
			         (guint)UB_VESC_APP_ADDRESS, self->initial_sp, self->reset_vector);
	}
	classify_config(self, view);
	if (app != NULL && self->app_presence == UB_FIRMWARE_PRESENCE_PRESENT) {
		gsize size = 0;
		const guint8 *data = g_bytes_get_data(app, &size);

		analyse_application(self, data, size, known_hw_names);
		/* every 6.00-7.00 build carries its release branch (reference 5.3); a VESC app
		 * without one is from the 384 KB era */
		if (self->has_version)
			self->layout = self->version_major >= 6 ? UB_FIRMWARE_LAYOUT_512K
			                                        : UB_FIRMWARE_LAYOUT_384K;
		else if (self->hw_names->len > 1)
			self->layout = UB_FIRMWARE_LAYOUT_384K;
	}
	if (bootloader != NULL) {
		gsize code_size = trimmed_length(bootloader, UB_VESC_BOOTLOADER_SECTOR_SIZE);

		if (code_size == 0) {
			self->bootloader_presence = UB_FIRMWARE_PRESENCE_ABSENT;
		} else {
			UbFirmwareInfo *sub = g_object_new(UB_TYPE_FIRMWARE_INFO, NULL);

			self->bootloader_presence = UB_FIRMWARE_PRESENCE_PRESENT;
			sub->kind = UB_FIRMWARE_KIND_BOOTLOADER;
			sub->load_address = UB_VESC_BOOTLOADER_ADDRESS;
			sub->size = code_size;
			read_vector_table(sub, bootloader, code_size);
			sub->sha256 = compute_sha256(bootloader, code_size);
			analyse_bootloader(sub, code_size);
			set_mcu_from_addresses(sub,
			                       (guint64)UB_VESC_BOOTLOADER_ADDRESS + code_size);
			if (!sub->has_vector_table)
				add_note(self, "sector 11 holds data but no valid bootloader "
				               "vector table");
			self->bootloader = sub;
		}
	}
	set_mcu_from_addresses(self, (guint64)view->base + view->size);
}

static UbFirmwareInfo *
identify_view(const MemoryView *view, const gchar *filename, gboolean is_dump,
              const gchar *const *known_hw_names)
{
	g_autoptr(UbFirmwareInfo) self = g_object_new(UB_TYPE_FIRMWARE_INFO, NULL);
	guint64 end = (guint64)view->base + view->size;

	self->filename = g_strdup(filename);
	self->load_address = view->base;
	self->flash_address = view->base;
	self->size = view->size;
	self->sha256 = compute_sha256(view->data, view->size);

	/* a read-back of the whole chip, whether handed over as a dump or as a backup file */
	if (is_dump ||
	    (view->base == UB_VESC_APP_ADDRESS && end > (guint64)UB_VESC_BOOTLOADER_ADDRESS)) {
		analyse_dump(self, view, known_hw_names);
		return g_steal_pointer(&self);
	}

	read_vector_table(self, view->data, view->size);
	if (looks_like_bootloader(self, view->size)) {
		self->kind = UB_FIRMWARE_KIND_BOOTLOADER;
		analyse_bootloader(self, trimmed_length(view->data, view->size));
		names_from_bootloader_filename(self);
	} else if (self->has_vector_table && view->base == UB_VESC_APP_ADDRESS) {
		g_autoptr(GBytes) app = app_region_masked(view);
		gsize size = 0;
		const guint8 *data = g_bytes_get_data(app, &size);

		self->kind = UB_FIRMWARE_KIND_APPLICATION;
		classify_config(self, view);
		analyse_application(self, data, size, known_hw_names);
		analyse_application_layout(self, view->size);
		if (self->layout != UB_FIRMWARE_LAYOUT_UNKNOWN &&
		    !all_bytes_are(view->data + view->size - 8, 8, 0xFF))
			add_note(self, "the CRC slot (last 8 bytes) is not erased: this looks like "
			               "a read-back of a board that has booted");
	} else {
		self->kind = UB_FIRMWARE_KIND_UNKNOWN;
		if (!self->has_vector_table)
			add_note(self, "no valid Cortex-M vector table at 0x%08x", view->base);
		else
			add_note(self, "image starts at 0x%08x, not where VESC firmware goes",
			         view->base);
	}
	set_mcu_from_addresses(self, end);
	return g_steal_pointer(&self);
}

/**
 * ub_firmware_info_new_from_image:
 * @known_hw_names: (nullable): HW names to look for as whole strings when the image has no
 *   marker (e.g. the board database's names, or the archive directory's)
 *
 * Identifies an application, a bootloader, or (when the image spans the whole flash from
 * 0x08000000 into sector 11) a backup of a chip.
 */
UbFirmwareInfo *
ub_firmware_info_new_from_image(UbImage *image, const gchar *const *known_hw_names, GError **error)
{
	g_autoptr(GBytes) flat = NULL;
	MemoryView view;

	g_return_val_if_fail(UB_IS_IMAGE(image), NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	/* gaps read as erased flash, which is what they are after programming */
	flat = ub_image_flatten(image, 0xFF, error);
	if (flat == NULL)
		return NULL;
	view.data = g_bytes_get_data(flat, &view.size);
	view.base = ub_image_get_lowest_address(image);
	return identify_view(&view, ub_image_get_filename(image), FALSE, known_hw_names);
}

UbFirmwareInfo *
ub_firmware_info_new_from_file(const gchar *path, const gchar *const *known_hw_names,
                               GError **error)
{
	g_autoptr(UbImage) image = NULL;
	UbFirmwareInfo *info;

	g_return_val_if_fail(path != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);
	image = ub_image_new_from_file(path, UB_IMAGE_DEFAULT_BASE, error);
	if (image == NULL)
		return NULL;
	info = ub_firmware_info_new_from_image(image, known_hw_names, error);
	if (info == NULL) {
		g_autofree gchar *basename = g_path_get_basename(path);
		g_prefix_error(error, "%s: ", basename);
	}
	return info;
}

/**
 * ub_firmware_info_new_from_dump:
 * @dump: bytes read from the chip
 * @address: where @dump starts (normally 0x08000000)
 *
 * Says which hardware the installed firmware was built for, whether a bootloader is in sector
 * 11, and whether sectors 1-2 hold a configuration. The staging buffer (sectors 8-10) is not
 * searched: it may hold the image of a failed update, not the one that runs.
 */
UbFirmwareInfo *
ub_firmware_info_new_from_dump(GBytes *dump, guint32 address, const gchar *const *known_hw_names,
                               GError **error)
{
	MemoryView view;

	g_return_val_if_fail(dump != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);
	view.data = g_bytes_get_data(dump, &view.size);
	view.base = address;
	if (view.size < 8) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "flash dump of %" G_GSIZE_FORMAT " bytes is too short", view.size);
		return NULL;
	}
	if ((guint64)address + view.size > G_MAXUINT32 + (guint64)1) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_TOO_LARGE,
		            "flash dump at 0x%08x passes the 4 GiB address space", address);
		return NULL;
	}
	return identify_view(&view, NULL, TRUE, known_hw_names);
}

UbFirmwareKind
ub_firmware_info_get_kind(UbFirmwareInfo *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), UB_FIRMWARE_KIND_UNKNOWN);
	return self->kind;
}

const gchar *
ub_firmware_info_get_filename(UbFirmwareInfo *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), NULL);
	return self->filename;
}

/**
 * ub_firmware_info_get_hw_names:
 *
 * Returns: (transfer none): the VESC HW_NAMEs the application was built for (usually one;
 *   empty when none was found). For dumps: those of the installed application.
 */
const gchar *const *
ub_firmware_info_get_hw_names(UbFirmwareInfo *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), NULL);
	return (const gchar *const *)self->hw_names->pdata;
}

UbFirmwareHwSource
ub_firmware_info_get_hw_source(UbFirmwareInfo *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), UB_FIRMWARE_HW_SOURCE_NONE);
	return self->hw_source;
}

/**
 * ub_firmware_info_get_version:
 *
 * Returns: %TRUE if the image states its version ("release_X_YY"); never estimated
 */
gboolean
ub_firmware_info_get_version(UbFirmwareInfo *self, guint *major, guint *minor)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), FALSE);
	if (!self->has_version)
		return FALSE;
	if (major != NULL)
		*major = self->version_major;
	if (minor != NULL)
		*minor = self->version_minor;
	return TRUE;
}

/* "6.05", or "unknown" */
const gchar *
ub_firmware_info_get_version_string(UbFirmwareInfo *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), NULL);
	return self->version_string != NULL ? self->version_string : "unknown";
}

const gchar *
ub_firmware_info_get_git_hash(UbFirmwareInfo *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), NULL);
	return self->git_hash;
}

UbFirmwareLayout
ub_firmware_info_get_layout(UbFirmwareInfo *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), UB_FIRMWARE_LAYOUT_UNKNOWN);
	return self->layout;
}

UbFirmwareConfig
ub_firmware_info_get_config(UbFirmwareInfo *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), UB_FIRMWARE_CONFIG_UNKNOWN);
	return self->config;
}

/* where the image's first byte is based (a raw .bin: the base it was opened with) */
guint32
ub_firmware_info_get_load_address(UbFirmwareInfo *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), 0);
	return self->load_address;
}

/* where it belongs on the chip: 0x080E0000 for a bootloader, else the load address */
guint32
ub_firmware_info_get_flash_address(UbFirmwareInfo *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), 0);
	return self->flash_address;
}

gsize
ub_firmware_info_get_size(UbFirmwareInfo *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), 0);
	return self->size;
}

/**
 * ub_firmware_info_get_vector_table:
 *
 * Returns: %TRUE if the first two words form a plausible STM32F4 vector table (SP in SRAM or
 *   CCM, thumb reset vector in flash); the words are returned either way when present
 */
gboolean
ub_firmware_info_get_vector_table(UbFirmwareInfo *self, guint32 *initial_sp, guint32 *reset_vector)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), FALSE);
	if (initial_sp != NULL)
		*initial_sp = self->initial_sp;
	if (reset_vector != NULL)
		*reset_vector = self->reset_vector;
	return self->has_vector_table;
}

/* "STM32F405" or NULL when the image does not fit that chip's map */
const gchar *
ub_firmware_info_get_mcu(UbFirmwareInfo *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), NULL);
	return self->mcu;
}

const gchar *
ub_firmware_info_get_sha256(UbFirmwareInfo *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), NULL);
	return self->sha256;
}

/* generic.bin: serves every STM32F40x board */
gboolean
ub_firmware_info_get_bootloader_generic(UbFirmwareInfo *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), FALSE);
	return self->bootloader_generic;
}

const gchar *const *
ub_firmware_info_get_bootloader_hw_names(UbFirmwareInfo *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), NULL);
	return (const gchar *const *)self->bootloader_hw_names->pdata;
}

/* 1 heatshrink-capable (2022+), 0 older, -1 cannot tell */
gint
ub_firmware_info_get_bootloader_compression(UbFirmwareInfo *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), -1);
	return self->bootloader_compression;
}

UbFirmwarePresence
ub_firmware_info_get_app_presence(UbFirmwareInfo *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), UB_FIRMWARE_PRESENCE_UNKNOWN);
	return self->app_presence;
}

UbFirmwarePresence
ub_firmware_info_get_bootloader_presence(UbFirmwareInfo *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), UB_FIRMWARE_PRESENCE_UNKNOWN);
	return self->bootloader_presence;
}

/**
 * ub_firmware_info_get_bootloader:
 *
 * Returns: (transfer none) (nullable): for dumps, the bootloader found in sector 11
 */
UbFirmwareInfo *
ub_firmware_info_get_bootloader(UbFirmwareInfo *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), NULL);
	return self->bootloader;
}

/* human-readable remarks for logs and reports */
const gchar *const *
ub_firmware_info_get_notes(UbFirmwareInfo *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), NULL);
	return (const gchar *const *)self->notes->pdata;
}

/* VESC Tool compares HW names case-insensitively (pagefirmware.cpp) */
gboolean
ub_firmware_hw_name_equal(const gchar *a, const gchar *b)
{
	if (a == NULL || b == NULL)
		return FALSE;
	return g_ascii_strcasecmp(a, b) == 0;
}

/**
 * ub_firmware_split_hw_names:
 * @joined: a VESC Tool directory or bootloader name, e.g. "410_o_411_o_412"
 *
 * Returns: (transfer full): the names, empty parts dropped
 */
gchar **
ub_firmware_split_hw_names(const gchar *joined)
{
	g_auto(GStrv) parts = NULL;
	GPtrArray *names = g_ptr_array_new();

	g_return_val_if_fail(joined != NULL, NULL);
	parts = g_strsplit(joined, "_o_", -1);
	for (guint i = 0; parts[i] != NULL; i++) {
		if (parts[i][0] != '\0')
			g_ptr_array_add(names, g_strdup(parts[i]));
	}
	g_ptr_array_add(names, NULL);
	return (gchar **)g_ptr_array_free(names, FALSE);
}

/* whether a board with @hw_name can run this image (bootloaders: is it served) */
gboolean
ub_firmware_info_serves_hw_name(UbFirmwareInfo *self, const gchar *hw_name)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), FALSE);
	g_return_val_if_fail(hw_name != NULL, FALSE);
	if (self->kind == UB_FIRMWARE_KIND_BOOTLOADER)
		return self->bootloader_generic ||
		       strv_array_contains_hw_name(self->bootloader_hw_names, hw_name);
	return strv_array_contains_hw_name(self->hw_names, hw_name);
}

static gchar *
join_names(const gchar *const *names)
{
	g_autoptr(GString) out = g_string_new(NULL);

	for (guint i = 0; names[i] != NULL; i++) {
		if (i > 0)
			g_string_append(out, ", ");
		g_string_append_printf(out, "\"%s\"", names[i]);
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

/**
 * ub_firmware_info_check_compatible:
 * @board_hw_names: the HW names the board is known under (at least one)
 *
 * Refuses, with UB_IMAGE_ERROR_WRONG_HARDWARE and a message naming both sides, firmware built
 * for other hardware, a bootloader that does not serve the board, and an image whose hardware
 * cannot be told (no marker): flashing it unchecked is how boards burn. The caller may offer an
 * explicit override.
 */
gboolean
ub_firmware_info_check_compatible(UbFirmwareInfo *self, const gchar *const *board_hw_names,
                                  GError **error)
{
	g_autofree gchar *board = NULL;
	g_autofree gchar *image = NULL;

	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(self), FALSE);
	g_return_val_if_fail(board_hw_names != NULL && board_hw_names[0] != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	for (guint i = 0; board_hw_names[i] != NULL; i++) {
		if (ub_firmware_info_serves_hw_name(self, board_hw_names[i]))
			return TRUE;
	}
	board = join_names(board_hw_names);
	if (self->kind == UB_FIRMWARE_KIND_BOOTLOADER) {
		if (self->bootloader_hw_names->len <= 1) {
			g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_WRONG_HARDWARE,
			            "cannot tell which boards this bootloader serves; the board is "
			            "%s",
			            board);
			return FALSE;
		}
		image = join_names(ub_firmware_info_get_bootloader_hw_names(self));
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_WRONG_HARDWARE,
		            "bootloader serves VESC hardware %s, the board is %s", image, board);
		return FALSE;
	}
	if (self->hw_names->len <= 1) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_WRONG_HARDWARE,
		            "image names no VESC hardware, so it cannot be confirmed to fit the "
		            "board %s",
		            board);
		return FALSE;
	}
	image = join_names(ub_firmware_info_get_hw_names(self));
	g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_WRONG_HARDWARE,
	            "firmware is built for VESC hardware %s, the board is %s", image, board);
	return FALSE;
}

const gchar *
ub_firmware_kind_to_string(UbFirmwareKind kind)
{
	switch (kind) {
	case UB_FIRMWARE_KIND_APPLICATION:
		return "application";
	case UB_FIRMWARE_KIND_BOOTLOADER:
		return "bootloader";
	case UB_FIRMWARE_KIND_FLASH_DUMP:
		return "flash-dump";
	case UB_FIRMWARE_KIND_UNKNOWN:
	default:
		return "unknown";
	}
}

const gchar *
ub_firmware_layout_to_string(UbFirmwareLayout layout)
{
	switch (layout) {
	case UB_FIRMWARE_LAYOUT_384K:
		return "384k";
	case UB_FIRMWARE_LAYOUT_512K:
		return "512k";
	case UB_FIRMWARE_LAYOUT_UNKNOWN:
	default:
		return "unknown";
	}
}

const gchar *
ub_firmware_config_to_string(UbFirmwareConfig config)
{
	switch (config) {
	case UB_FIRMWARE_CONFIG_ERASED:
		return "erased";
	case UB_FIRMWARE_CONFIG_ZEROED:
		return "zeroed";
	case UB_FIRMWARE_CONFIG_DATA:
		return "data";
	case UB_FIRMWARE_CONFIG_UNKNOWN:
	default:
		return "unknown";
	}
}

const gchar *
ub_firmware_hw_source_to_string(UbFirmwareHwSource source)
{
	switch (source) {
	case UB_FIRMWARE_HW_SOURCE_UAVCAN_NAME:
		return "uavcan-name";
	case UB_FIRMWARE_HW_SOURCE_TERMINAL_STRING:
		return "terminal-string";
	case UB_FIRMWARE_HW_SOURCE_KNOWN_NAME:
		return "known-name";
	case UB_FIRMWARE_HW_SOURCE_FILENAME:
		return "filename";
	case UB_FIRMWARE_HW_SOURCE_NONE:
	default:
		return "none";
	}
}

const gchar *
ub_firmware_presence_to_string(UbFirmwarePresence presence)
{
	switch (presence) {
	case UB_FIRMWARE_PRESENCE_ABSENT:
		return "absent";
	case UB_FIRMWARE_PRESENCE_PRESENT:
		return "present";
	case UB_FIRMWARE_PRESENCE_UNKNOWN:
	default:
		return "unknown";
	}
}

static void
add_string_array(JsonBuilder *builder, const gchar *name, const gchar *const *values)
{
	json_builder_set_member_name(builder, name);
	json_builder_begin_array(builder);
	for (guint i = 0; values[i] != NULL; i++)
		json_builder_add_string_value(builder, values[i]);
	json_builder_end_array(builder);
}

static void
add_hex_member(JsonBuilder *builder, const gchar *name, guint32 value)
{
	g_autofree gchar *text = g_strdup_printf("0x%08x", value);

	json_builder_set_member_name(builder, name);
	json_builder_add_string_value(builder, text);
}

/**
 * ub_firmware_info_to_json:
 *
 * Adds one JSON object describing @self (addresses as "0x%08x" strings).
 */
void
ub_firmware_info_to_json(UbFirmwareInfo *self, JsonBuilder *builder)
{
	g_return_if_fail(UB_IS_FIRMWARE_INFO(self));
	g_return_if_fail(JSON_IS_BUILDER(builder));

	json_builder_begin_object(builder);
	if (self->filename != NULL) {
		json_builder_set_member_name(builder, "file");
		json_builder_add_string_value(builder, self->filename);
	}
	json_builder_set_member_name(builder, "kind");
	json_builder_add_string_value(builder, ub_firmware_kind_to_string(self->kind));
	add_string_array(builder, "hw_names", ub_firmware_info_get_hw_names(self));
	json_builder_set_member_name(builder, "hw_source");
	json_builder_add_string_value(builder, ub_firmware_hw_source_to_string(self->hw_source));
	json_builder_set_member_name(builder, "version");
	json_builder_add_string_value(builder, ub_firmware_info_get_version_string(self));
	if (self->git_hash != NULL) {
		json_builder_set_member_name(builder, "git_hash");
		json_builder_add_string_value(builder, self->git_hash);
	}
	json_builder_set_member_name(builder, "layout");
	json_builder_add_string_value(builder, ub_firmware_layout_to_string(self->layout));
	json_builder_set_member_name(builder, "config_sectors");
	json_builder_add_string_value(builder, ub_firmware_config_to_string(self->config));
	add_hex_member(builder, "load_address", self->load_address);
	add_hex_member(builder, "flash_address", self->flash_address);
	json_builder_set_member_name(builder, "size");
	json_builder_add_int_value(builder, (gint64)self->size);
	json_builder_set_member_name(builder, "vector_table_valid");
	json_builder_add_boolean_value(builder, self->has_vector_table);
	add_hex_member(builder, "initial_sp", self->initial_sp);
	add_hex_member(builder, "reset_vector", self->reset_vector);
	json_builder_set_member_name(builder, "mcu");
	if (self->mcu != NULL)
		json_builder_add_string_value(builder, self->mcu);
	else
		json_builder_add_null_value(builder);
	json_builder_set_member_name(builder, "sha256");
	json_builder_add_string_value(builder, self->sha256);
	if (self->kind == UB_FIRMWARE_KIND_BOOTLOADER) {
		json_builder_set_member_name(builder, "bootloader_generic");
		json_builder_add_boolean_value(builder, self->bootloader_generic);
		add_string_array(builder, "bootloader_hw_names",
		                 ub_firmware_info_get_bootloader_hw_names(self));
		json_builder_set_member_name(builder, "bootloader_compression");
		if (self->bootloader_compression < 0)
			json_builder_add_null_value(builder);
		else
			json_builder_add_boolean_value(builder, self->bootloader_compression > 0);
	}
	if (self->kind == UB_FIRMWARE_KIND_FLASH_DUMP) {
		json_builder_set_member_name(builder, "app");
		json_builder_add_string_value(builder,
		                              ub_firmware_presence_to_string(self->app_presence));
		json_builder_set_member_name(builder, "bootloader");
		if (self->bootloader != NULL)
			ub_firmware_info_to_json(self->bootloader, builder);
		else
			json_builder_add_string_value(
			        builder, ub_firmware_presence_to_string(self->bootloader_presence));
	}
	add_string_array(builder, "notes", ub_firmware_info_get_notes(self));
	json_builder_end_object(builder);
}
