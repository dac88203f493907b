/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Firmware identification on the real VESC images in tests/data/firmware (SOURCES.md lists
 * what each holds), flash dumps, and the wrong-hardware guard. */
#include <glib/gstdio.h>
#include <string.h>

#include "ub-firmware-demo.h"
#include "ub-firmware-info.h"
#include "ub-image-bin.h"
#include "ub-vesc-layout.h"
#include "ub-test-firmware.h"

typedef struct {
	const gchar *file;
	UbFirmwareKind kind;
	const gchar *hw_names; /* comma-separated; bootloaders: the boards served */
	const gchar *version;
	UbFirmwareLayout layout;
	UbFirmwareConfig config;
	gsize size;
	guint32 reset_vector;
	guint32 flash_address;
	const gchar *git_hash;
} KnownImage;

static const KnownImage known_images[] = {
        {"vesc-fw-3.55-410_o_411_o_412-VESC_default.bin", UB_FIRMWARE_KIND_APPLICATION, "410",
         "unknown", UB_FIRMWARE_LAYOUT_384K, UB_FIRMWARE_CONFIG_ERASED, 393208, 0x0800C001,
         0x08000000, NULL},
        {"vesc-fw-5.02-410_o_411_o_412-VESC_default.bin", UB_FIRMWARE_KIND_APPLICATION, "410",
         "unknown", UB_FIRMWARE_LAYOUT_384K, UB_FIRMWARE_CONFIG_ERASED, 393208, 0x0800C001,
         0x08000000, NULL},
        {"vesc-fw-6.05-410_o_411_o_412-VESC_default.bin", UB_FIRMWARE_KIND_APPLICATION, "410",
         "6.05", UB_FIRMWARE_LAYOUT_512K, UB_FIRMWARE_CONFIG_ZEROED, 524280, 0x0800C001, 0x08000000,
         "820e853e"},
        {"vesc-fw-7.00-410_o_411_o_412-VESC_default.bin", UB_FIRMWARE_KIND_APPLICATION, "410",
         "7.00", UB_FIRMWARE_LAYOUT_512K, UB_FIRMWARE_CONFIG_ZEROED, 524280, 0x0800C001, 0x08000000,
         "26af69484014b6771d02e68c22f4cb96645b5f22"},
        {"vesc-fw-6.05-60-VESC_default.bin", UB_FIRMWARE_KIND_APPLICATION, "60", "6.05",
         UB_FIRMWARE_LAYOUT_512K, UB_FIRMWARE_CONFIG_ZEROED, 524280, 0x0800C001, 0x08000000, NULL},
        {"vesc-fw-6.05-UNITY-VESC_default.bin", UB_FIRMWARE_KIND_APPLICATION, "UNITY", "6.05",
         UB_FIRMWARE_LAYOUT_512K, UB_FIRMWARE_CONFIG_ZEROED, 524280, 0x0800C001, 0x08000000, NULL},
        {"vesc-bl-40_o_47_o_48_o_410_o_411_o_412_o_DAS_RS.bin", UB_FIRMWARE_KIND_BOOTLOADER,
         "40,47,48,410,411,412,DAS_RS", "unknown", UB_FIRMWARE_LAYOUT_UNKNOWN,
         UB_FIRMWARE_CONFIG_UNKNOWN, 5776, 0x080E0551, 0x080E0000, NULL},
        {"vesc-bl-generic.bin", UB_FIRMWARE_KIND_BOOTLOADER, "", "unknown",
         UB_FIRMWARE_LAYOUT_UNKNOWN, UB_FIRMWARE_CONFIG_UNKNOWN, 5280, 0x080E04F1, 0x080E0000,
         NULL},
};

static gchar *
shared_firmware_path(const gchar *file)
{
	return ub_test_firmware_path(file);
}

static GBytes *
load_shared(const gchar *file)
{
	g_autofree gchar *path = shared_firmware_path(file);
	g_autoptr(GError) error = NULL;
	g_autoptr(GMappedFile) mapped = NULL;

	mapped = g_mapped_file_new(path, FALSE, &error);
	g_assert_no_error(error);
	return g_mapped_file_get_bytes(mapped);
}

static gchar *
join_strv(const gchar *const *values)
{
	return g_strjoinv(",", (gchar **)values);
}

static void
test_firmware_identify_shared(void)
{
	guint checked = 0;

	for (guint i = 0; i < G_N_ELEMENTS(known_images); i++) {
		const KnownImage *known = &known_images[i];
		g_autofree gchar *path = shared_firmware_path(known->file);
		g_autoptr(UbFirmwareInfo) info = NULL;
		g_autoptr(GError) error = NULL;
		g_autofree gchar *names = NULL;
		guint32 initial_sp = 0;
		guint32 reset_vector = 0;

		g_test_message("%s", known->file);
		info = ub_firmware_info_new_from_file(path, NULL, &error);
		g_assert_no_error(error);
		g_assert_cmpint(ub_firmware_info_get_kind(info), ==, known->kind);
		if (known->kind == UB_FIRMWARE_KIND_BOOTLOADER) {
			names = join_strv(ub_firmware_info_get_bootloader_hw_names(info));
			g_assert_cmpuint(
			        g_strv_length((gchar **)ub_firmware_info_get_hw_names(info)), ==,
			        0);
			g_assert_cmpint(ub_firmware_info_get_bootloader_generic(info), ==,
			                known->hw_names[0] == '\0');
			/* both 2022+ builds: heatshrink-capable */
			g_assert_cmpint(ub_firmware_info_get_bootloader_compression(info), ==, 1);
		} else {
			names = join_strv(ub_firmware_info_get_hw_names(info));
			g_assert_cmpint(ub_firmware_info_get_hw_source(info), ==,
			                UB_FIRMWARE_HW_SOURCE_UAVCAN_NAME);
		}
		g_assert_cmpstr(names, ==, known->hw_names);
		g_assert_cmpstr(ub_firmware_info_get_version_string(info), ==, known->version);
		g_assert_cmpint(ub_firmware_info_get_version(info, NULL, NULL), ==,
		                g_strcmp0(known->version, "unknown") != 0);
		g_assert_cmpint(ub_firmware_info_get_layout(info), ==, known->layout);
		g_assert_cmpint(ub_firmware_info_get_config(info), ==, known->config);
		g_assert_cmpuint(ub_firmware_info_get_size(info), ==, known->size);
		g_assert_true(ub_firmware_info_get_vector_table(info, &initial_sp, &reset_vector));
		g_assert_cmphex(initial_sp, ==, 0x20000800);
		g_assert_cmphex(reset_vector, ==, known->reset_vector);
		g_assert_cmphex(ub_firmware_info_get_load_address(info), ==, 0x08000000);
		g_assert_cmphex(ub_firmware_info_get_flash_address(info), ==, known->flash_address);
		g_assert_cmpstr(ub_firmware_info_get_mcu(info), ==, "STM32F405");
		if (known->git_hash != NULL)
			g_assert_cmpstr(ub_firmware_info_get_git_hash(info), ==, known->git_hash);
		checked++;
	}
	g_assert_cmpuint(checked, ==, G_N_ELEMENTS(known_images));
}

static UbFirmwareInfo *
identify_shared(const gchar *file)
{
	g_autofree gchar *path = shared_firmware_path(file);
	g_autoptr(GError) error = NULL;
	UbFirmwareInfo *info;

	info = ub_firmware_info_new_from_file(path, NULL, &error);
	g_assert_no_error(error);
	return info;
}

/* a FOCBOX runs HW 410 firmware: the Unity and VESC 6 builds must be refused */
static void
test_firmware_wrong_hardware_focbox(void)
{
	const gchar *focbox[] = {"410", NULL};
	const gchar *unity_board[] = {"unity", NULL};
	g_autoptr(UbFirmwareInfo) unity = identify_shared("vesc-fw-6.05-UNITY-VESC_default.bin");
	g_autoptr(UbFirmwareInfo) vesc6 = identify_shared("vesc-fw-6.05-60-VESC_default.bin");
	g_autoptr(UbFirmwareInfo) right =
	        identify_shared("vesc-fw-6.05-410_o_411_o_412-VESC_default.bin");
	g_autoptr(GError) error = NULL;

	g_assert_false(ub_firmware_info_check_compatible(unity, focbox, &error));
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_WRONG_HARDWARE);
	g_assert_cmpstr(error->message, ==,
	                "firmware is built for VESC hardware \"UNITY\", the board is \"410\"");
	g_clear_error(&error);

	g_assert_false(ub_firmware_info_check_compatible(vesc6, focbox, &error));
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_WRONG_HARDWARE);
	g_assert_cmpstr(error->message, ==,
	                "firmware is built for VESC hardware \"60\", the board is \"410\"");
	g_clear_error(&error);

	g_assert_true(ub_firmware_info_check_compatible(right, focbox, &error));
	g_assert_no_error(error);
	/* VESC Tool compares case-insensitively */
	g_assert_true(ub_firmware_info_check_compatible(unity, unity_board, &error));
	g_assert_no_error(error);
}

static void
test_firmware_bootloader_compatible(void)
{
	const gchar *focbox[] = {"410", NULL};
	const gchar *vesc6[] = {"60", NULL};
	const gchar *das[] = {"das_rs", NULL};
	g_autoptr(UbFirmwareInfo) specific =
	        identify_shared("vesc-bl-40_o_47_o_48_o_410_o_411_o_412_o_DAS_RS.bin");
	g_autoptr(UbFirmwareInfo) generic = identify_shared("vesc-bl-generic.bin");
	g_autoptr(GError) error = NULL;

	g_assert_true(ub_firmware_info_check_compatible(specific, focbox, &error));
	g_assert_true(ub_firmware_info_check_compatible(specific, das, &error));
	g_assert_no_error(error);
	g_assert_false(ub_firmware_info_check_compatible(specific, vesc6, &error));
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_WRONG_HARDWARE);
	g_assert_cmpstr(error->message, ==,
	                "bootloader serves VESC hardware \"40\", \"47\", \"48\", \"410\", "
	                "\"411\", \"412\", \"DAS_RS\", the board is \"60\"");
	g_clear_error(&error);
	g_assert_true(ub_firmware_info_check_compatible(generic, vesc6, &error));
	g_assert_true(ub_firmware_info_check_compatible(generic, focbox, &error));
	g_assert_no_error(error);
}

static GBytes *
patched_copy(GBytes *original, const gchar *find, const gchar *replace)
{
	gsize size = 0;
	const guint8 *data = g_bytes_get_data(original, &size);
	guint8 *copy = g_memdup2(data, size);
	guint8 *hit;
	guint replaced = 0;

	g_assert_cmpuint(strlen(find), ==, strlen(replace));
	while ((hit = memmem(copy, size, find, strlen(find))) != NULL) {
		memcpy(hit, replace, strlen(replace));
		replaced++;
	}
	g_assert_cmpuint(replaced, >, 0);
	return g_bytes_new_take(copy, size);
}

static UbFirmwareInfo *
identify_bytes(GBytes *bytes, const gchar *const *known)
{
	g_autoptr(UbImageBin) image = ub_image_bin_new(UB_IMAGE_DEFAULT_BASE);
	g_autoptr(GError) error = NULL;
	UbFirmwareInfo *info;

	g_assert_true(ub_image_parse(UB_IMAGE(image), bytes, UB_IMAGE_PARSE_FLAG_NONE, &error));
	info = ub_firmware_info_new_from_image(UB_IMAGE(image), known, &error);
	g_assert_no_error(error);
	return info;
}

/* without the UAVCAN name, a <= 5.03 build still names its hardware among the terminal's
 * hw_status strings */
static void
test_firmware_terminal_fallback(void)
{
	g_autoptr(GBytes) original = load_shared("vesc-fw-3.55-410_o_411_o_412-VESC_default.bin");
	g_autoptr(GBytes) patched = NULL;
	g_autoptr(GBytes) no_anchor = NULL;
	g_autoptr(UbFirmwareInfo) info = NULL;
	g_autoptr(UbFirmwareInfo) none = NULL;
	g_autofree gchar *names = NULL;

	patched = patched_copy(original, "org.vesc.", "org.vesX.");
	info = identify_bytes(patched, NULL);
	names = join_strv(ub_firmware_info_get_hw_names(info));
	g_assert_cmpstr(names, ==, "410");
	g_assert_cmpint(ub_firmware_info_get_hw_source(info), ==,
	                UB_FIRMWARE_HW_SOURCE_TERMINAL_STRING);

	/* the bare name counts only between its two anchors */
	no_anchor = patched_copy(patched, "Hardware: %s", "Hardwire: %s");
	none = identify_bytes(no_anchor, NULL);
	g_assert_cmpuint(g_strv_length((gchar **)ub_firmware_info_get_hw_names(none)), ==, 0);
	g_assert_cmpint(ub_firmware_info_get_hw_source(none), ==, UB_FIRMWARE_HW_SOURCE_NONE);
}

/* known names match whole NUL-delimited strings only: "60" inside "org.vesX.60" is no hit */
static void
test_firmware_known_names_whole_strings(void)
{
	const gchar *known[] = {"60", "410", "GESC", NULL};
	const gchar *board[] = {"60", NULL};
	g_autoptr(GBytes) original = load_shared("vesc-fw-6.05-60-VESC_default.bin");
	g_autoptr(GBytes) patched = NULL;
	g_autoptr(UbFirmwareInfo) info = NULL;
	g_autoptr(GError) error = NULL;
	gsize size = 0;
	guint8 *data;
	g_autoptr(GBytes) gesc = NULL;
	g_autoptr(UbFirmwareInfo) gesc_info = NULL;
	g_autofree gchar *names = NULL;

	patched = patched_copy(original, "org.vesc.", "org.vesX.");
	info = identify_bytes(patched, known);
	g_assert_cmpuint(g_strv_length((gchar **)ub_firmware_info_get_hw_names(info)), ==, 0);
	/* no name: refused, the message says why */
	g_assert_false(ub_firmware_info_check_compatible(info, board, &error));
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_WRONG_HARDWARE);
	g_assert_cmpstr(error->message, ==,
	                "image names no VESC hardware, so it cannot be confirmed to fit the "
	                "board \"60\"");

	/* a no-CAN build (GESC) keeps its name as a free string */
	data = g_bytes_unref_to_data(g_bytes_ref(patched), &size);
	memcpy(data + 0x70000, "\0GESC\0", 6);
	gesc = g_bytes_new_take(data, size);
	gesc_info = identify_bytes(gesc, known);
	names = join_strv(ub_firmware_info_get_hw_names(gesc_info));
	g_assert_cmpstr(names, ==, "GESC");
	g_assert_cmpint(ub_firmware_info_get_hw_source(gesc_info), ==,
	                UB_FIRMWARE_HW_SOURCE_KNOWN_NAME);
}

/* a 1 MB read-back laid out as a chip that ran this firmware */
static GBytes *
make_dump(GBytes *app, GBytes *bootloader, gboolean with_config, GBytes *staged)
{
	guint8 *flash = g_malloc(UB_VESC_FLASH_SIZE);

	memset(flash, 0xFF, UB_VESC_FLASH_SIZE);
	if (app != NULL)
		memcpy(flash, g_bytes_get_data(app, NULL), g_bytes_get_size(app));
	/* erased config sectors, as a mass erase + .bin write with 0xFF gap leaves them... */
	memset(flash + (UB_VESC_CONFIG_ADDRESS - UB_VESC_FLASH_ADDRESS), 0xFF, UB_VESC_CONFIG_SIZE);
	if (with_config) {
		/* ...or one valid EEPROM-emulation page (status 0x0000) with a variable */
		guint8 *page = flash + (UB_VESC_CONFIG_ADDRESS - UB_VESC_FLASH_ADDRESS);
		memset(page, 0x00, 4);
		page[4] = 0x34;
		page[5] = 0x12;
		page[6] = 0x01;
		page[7] = 0x00;
	}
	if (staged != NULL)
		memcpy(flash + (UB_VESC_BUFFER_ADDRESS - UB_VESC_FLASH_ADDRESS) + 6,
		       g_bytes_get_data(staged, NULL), MIN(g_bytes_get_size(staged), 0x5FFF0));
	if (bootloader != NULL)
		memcpy(flash + (UB_VESC_BOOTLOADER_ADDRESS - UB_VESC_FLASH_ADDRESS),
		       g_bytes_get_data(bootloader, NULL), g_bytes_get_size(bootloader));
	return g_bytes_new_take(flash, UB_VESC_FLASH_SIZE);
}

static void
test_firmware_dump(void)
{
	g_autoptr(GBytes) app = load_shared("vesc-fw-6.05-60-VESC_default.bin");
	/* a 384 KB build fits the 384 KB staging buffer uncompressed, marker included */
	g_autoptr(GBytes) staged = load_shared("vesc-fw-3.55-410_o_411_o_412-VESC_default.bin");
	g_autoptr(GBytes) bootloader = load_shared("vesc-bl-generic.bin");
	g_autoptr(GBytes) dump = NULL;
	g_autoptr(UbFirmwareInfo) info = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *names = NULL;
	UbFirmwareInfo *sub;
	guint32 reset_vector = 0;

	/* a failed update left a 410 image in the staging buffer: not what runs */
	dump = make_dump(app, bootloader, TRUE, staged);
	info = ub_firmware_info_new_from_dump(dump, UB_VESC_FLASH_ADDRESS, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpint(ub_firmware_info_get_kind(info), ==, UB_FIRMWARE_KIND_FLASH_DUMP);
	names = join_strv(ub_firmware_info_get_hw_names(info));
	g_assert_cmpstr(names, ==, "60");
	g_assert_cmpstr(ub_firmware_info_get_version_string(info), ==, "6.05");
	g_assert_cmpint(ub_firmware_info_get_layout(info), ==, UB_FIRMWARE_LAYOUT_512K);
	g_assert_cmpint(ub_firmware_info_get_config(info), ==, UB_FIRMWARE_CONFIG_DATA);
	g_assert_cmpint(ub_firmware_info_get_app_presence(info), ==, UB_FIRMWARE_PRESENCE_PRESENT);
	g_assert_cmpint(ub_firmware_info_get_bootloader_presence(info), ==,
	                UB_FIRMWARE_PRESENCE_PRESENT);
	sub = ub_firmware_info_get_bootloader(info);
	g_assert_nonnull(sub);
	g_assert_cmpuint(ub_firmware_info_get_size(sub), ==, 5280);
	g_assert_true(ub_firmware_info_get_vector_table(sub, NULL, &reset_vector));
	g_assert_cmphex(reset_vector, ==, 0x080E04F1);
	g_assert_cmpint(ub_firmware_info_get_bootloader_compression(sub), ==, 1);
	g_assert_cmpstr(ub_firmware_info_get_mcu(info), ==, "STM32F405");
}

/* the same identification whether the firmware comes from the file or from the chip */
static void
test_firmware_dump_matches_file(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(known_images); i++) {
		const KnownImage *known = &known_images[i];
		g_autoptr(GBytes) app = NULL;
		g_autoptr(GBytes) dump = NULL;
		g_autoptr(UbFirmwareInfo) from_file = NULL;
		g_autoptr(UbFirmwareInfo) from_dump = NULL;
		g_autoptr(GError) error = NULL;
		g_autofree gchar *file_names = NULL;
		g_autofree gchar *dump_names = NULL;

		if (known->kind != UB_FIRMWARE_KIND_APPLICATION)
			continue;
		app = load_shared(known->file);
		from_file = identify_bytes(app, NULL);
		dump = make_dump(app, NULL, FALSE, NULL);
		from_dump =
		        ub_firmware_info_new_from_dump(dump, UB_VESC_FLASH_ADDRESS, NULL, &error);
		g_assert_no_error(error);
		file_names = join_strv(ub_firmware_info_get_hw_names(from_file));
		dump_names = join_strv(ub_firmware_info_get_hw_names(from_dump));
		g_assert_cmpstr(file_names, ==, dump_names);
		g_assert_cmpstr(ub_firmware_info_get_version_string(from_file), ==,
		                ub_firmware_info_get_version_string(from_dump));
		g_assert_cmpint(ub_firmware_info_get_layout(from_file), ==,
		                ub_firmware_info_get_layout(from_dump));
		g_assert_cmpint(ub_firmware_info_get_config(from_dump), ==,
		                UB_FIRMWARE_CONFIG_ERASED);
		g_assert_cmpint(ub_firmware_info_get_bootloader_presence(from_dump), ==,
		                UB_FIRMWARE_PRESENCE_ABSENT);
	}
}

/* a full-chip backup file (what `unbrick-cli backup` writes) identifies as a dump */
static void
test_firmware_backup_file(void)
{
	g_autoptr(GBytes) app = load_shared("vesc-fw-5.02-410_o_411_o_412-VESC_default.bin");
	g_autoptr(GBytes) bootloader =
	        load_shared("vesc-bl-40_o_47_o_48_o_410_o_411_o_412_o_DAS_RS.bin");
	g_autoptr(GBytes) dump = NULL;
	g_autoptr(UbFirmwareInfo) info = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *dir = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *names = NULL;

	dump = make_dump(app, bootloader, TRUE, NULL);
	dir = g_dir_make_tmp("unbrick-backup-XXXXXX", &error);
	g_assert_no_error(error);
	path = g_build_filename(dir, "backup.bin", NULL);
	g_file_set_contents(path, g_bytes_get_data(dump, NULL), (gssize)g_bytes_get_size(dump),
	                    &error);
	g_assert_no_error(error);
	info = ub_firmware_info_new_from_file(path, NULL, &error);
	g_assert_no_error(error);
	g_unlink(path);
	g_rmdir(dir);
	g_assert_cmpint(ub_firmware_info_get_kind(info), ==, UB_FIRMWARE_KIND_FLASH_DUMP);
	names = join_strv(ub_firmware_info_get_hw_names(info));
	g_assert_cmpstr(names, ==, "410");
	/* 5.02 states no version; no release string means the 384 KB era */
	g_assert_cmpstr(ub_firmware_info_get_version_string(info), ==, "unknown");
	g_assert_cmpint(ub_firmware_info_get_layout(info), ==, UB_FIRMWARE_LAYOUT_384K);
	g_assert_cmpint(ub_firmware_info_get_config(info), ==, UB_FIRMWARE_CONFIG_DATA);
	g_assert_cmpint(ub_firmware_info_get_bootloader_presence(info), ==,
	                UB_FIRMWARE_PRESENCE_PRESENT);
}

static void
test_firmware_dump_erased(void)
{
	g_autoptr(GBytes) dump = make_dump(NULL, NULL, FALSE, NULL);
	g_autoptr(UbFirmwareInfo) info = NULL;
	g_autoptr(GError) error = NULL;

	info = ub_firmware_info_new_from_dump(dump, UB_VESC_FLASH_ADDRESS, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpint(ub_firmware_info_get_app_presence(info), ==, UB_FIRMWARE_PRESENCE_ABSENT);
	g_assert_cmpint(ub_firmware_info_get_bootloader_presence(info), ==,
	                UB_FIRMWARE_PRESENCE_ABSENT);
	g_assert_cmpint(ub_firmware_info_get_config(info), ==, UB_FIRMWARE_CONFIG_ERASED);
	g_assert_cmpuint(g_strv_length((gchar **)ub_firmware_info_get_hw_names(info)), ==, 0);
	g_assert_cmpstr(ub_firmware_info_get_version_string(info), ==, "unknown");
	g_assert_null(ub_firmware_info_get_bootloader(info));
}

/* only part of the chip read: what is not covered stays unknown */
static void
test_firmware_dump_partial(void)
{
	guint8 words[16] = {0x00, 0x08, 0x00, 0x20, 0x01, 0xC0, 0x00, 0x08};
	g_autoptr(GBytes) dump = g_bytes_new(words, sizeof(words));
	g_autoptr(UbFirmwareInfo) info = NULL;
	g_autoptr(GError) error = NULL;

	info = ub_firmware_info_new_from_dump(dump, UB_VESC_FLASH_ADDRESS, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpint(ub_firmware_info_get_app_presence(info), ==, UB_FIRMWARE_PRESENCE_PRESENT);
	g_assert_cmpint(ub_firmware_info_get_bootloader_presence(info), ==,
	                UB_FIRMWARE_PRESENCE_UNKNOWN);
	g_assert_cmpint(ub_firmware_info_get_config(info), ==, UB_FIRMWARE_CONFIG_UNKNOWN);
	g_assert_true(ub_firmware_info_get_vector_table(info, NULL, NULL));
}

static void
test_firmware_split_names(void)
{
	g_auto(GStrv) names = ub_firmware_split_hw_names("410_o_411_o_412");
	g_auto(GStrv) single = ub_firmware_split_hw_names("60_MK3");
	g_auto(GStrv) spaced = ub_firmware_split_hw_names("Go-FOC DV6 PRO");

	g_assert_cmpuint(g_strv_length(names), ==, 3);
	g_assert_cmpstr(names[2], ==, "412");
	g_assert_cmpuint(g_strv_length(single), ==, 1);
	g_assert_cmpstr(single[0], ==, "60_MK3");
	g_assert_cmpstr(spaced[0], ==, "Go-FOC DV6 PRO");
	g_assert_true(ub_firmware_hw_name_equal("Unity", "UNITY"));
	g_assert_false(ub_firmware_hw_name_equal("60", "60_MK3"));
}

/* the project's own stand-in image identifies like an archive build, in both layouts */
static void
test_firmware_demo_image(void)
{
	const UbFirmwareLayout layouts[] = {UB_FIRMWARE_LAYOUT_384K, UB_FIRMWARE_LAYOUT_512K};
	const UbFirmwareConfig fills[] = {UB_FIRMWARE_CONFIG_ERASED, UB_FIRMWARE_CONFIG_ZEROED};
	const gsize sizes[] = {393208, 524280};
	const gchar *focbox[] = {"410", NULL};
	const gchar *vesc6[] = {"60", NULL};

	for (guint i = 0; i < G_N_ELEMENTS(layouts); i++) {
		g_autoptr(UbImage) image = NULL;
		g_autoptr(UbFirmwareInfo) info = NULL;
		g_autoptr(GError) error = NULL;
		g_autofree gchar *names = NULL;
		guint32 reset_vector = 0;

		image = ub_firmware_demo_image_new("410", layouts[i], &error);
		g_assert_no_error(error);
		g_assert_true(ub_image_check_flash(image, 0x08000000, 0x100000, &error));
		info = ub_firmware_info_new_from_image(image, NULL, &error);
		g_assert_no_error(error);
		g_assert_cmpint(ub_firmware_info_get_kind(info), ==, UB_FIRMWARE_KIND_APPLICATION);
		names = join_strv(ub_firmware_info_get_hw_names(info));
		g_assert_cmpstr(names, ==, "410");
		g_assert_cmpstr(ub_firmware_info_get_version_string(info), ==, "unknown");
		g_assert_cmpint(ub_firmware_info_get_layout(info), ==, layouts[i]);
		g_assert_cmpint(ub_firmware_info_get_config(info), ==, fills[i]);
		g_assert_cmpuint(ub_firmware_info_get_size(info), ==, sizes[i]);
		g_assert_true(ub_firmware_info_get_vector_table(info, NULL, &reset_vector));
		g_assert_cmphex(reset_vector, ==, 0x0800C001);
		g_assert_true(ub_firmware_info_check_compatible(info, focbox, &error));
		g_assert_false(ub_firmware_info_check_compatible(info, vesc6, &error));
		g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_WRONG_HARDWARE);
	}
}

static void
test_firmware_demo_image_invalid(void)
{
	g_autoptr(UbImage) image = NULL;
	g_autoptr(GError) error = NULL;

	image = ub_firmware_demo_image_new("", UB_FIRMWARE_LAYOUT_512K, &error);
	g_assert_null(image);
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID);
	g_clear_error(&error);
	image = ub_firmware_demo_image_new("410", UB_FIRMWARE_LAYOUT_UNKNOWN, &error);
	g_assert_null(image);
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_UNSUPPORTED);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/core/firmware/identify-shared", test_firmware_identify_shared);
	g_test_add_func("/core/firmware/wrong-hardware-focbox",
	                test_firmware_wrong_hardware_focbox);
	g_test_add_func("/core/firmware/bootloader-compatible",
	                test_firmware_bootloader_compatible);
	g_test_add_func("/core/firmware/terminal-fallback", test_firmware_terminal_fallback);
	g_test_add_func("/core/firmware/known-names-whole-strings",
	                test_firmware_known_names_whole_strings);
	g_test_add_func("/core/firmware/dump", test_firmware_dump);
	g_test_add_func("/core/firmware/dump-matches-file", test_firmware_dump_matches_file);
	g_test_add_func("/core/firmware/backup-file", test_firmware_backup_file);
	g_test_add_func("/core/firmware/dump-erased", test_firmware_dump_erased);
	g_test_add_func("/core/firmware/dump-partial", test_firmware_dump_partial);
	g_test_add_func("/core/firmware/split-names", test_firmware_split_names);
	g_test_add_func("/core/firmware/demo-image", test_firmware_demo_image);
	g_test_add_func("/core/firmware/demo-image-invalid", test_firmware_demo_image_invalid);
	return g_test_run();
}
