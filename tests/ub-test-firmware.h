/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The real VESC images the tests use live in tests/data/firmware (GPL-3.0; provenance, licence
 * and where their source is: tests/data/firmware/SOURCES.md). They are part of the repository,
 * so a missing one is a broken checkout and fails the test; nothing skips for want of it.
 */
#pragma once

#include <glib.h>

#define UB_TEST_FW_355 "vesc-fw-3.55-410_o_411_o_412-VESC_default.bin"
#define UB_TEST_FW_502 "vesc-fw-5.02-410_o_411_o_412-VESC_default.bin"
#define UB_TEST_FW_605 "vesc-fw-6.05-410_o_411_o_412-VESC_default.bin"
#define UB_TEST_FW_700 "vesc-fw-7.00-410_o_411_o_412-VESC_default.bin"
#define UB_TEST_FW_605_60 "vesc-fw-6.05-60-VESC_default.bin"
#define UB_TEST_FW_605_UNITY "vesc-fw-6.05-UNITY-VESC_default.bin"
#define UB_TEST_BL_410 "vesc-bl-40_o_47_o_48_o_410_o_411_o_412_o_DAS_RS.bin"
#define UB_TEST_BL_GENERIC "vesc-bl-generic.bin"

/* the folder holding them (G_TEST_SRCDIR/data/firmware) */
static inline gchar *
ub_test_firmware_dir(void)
{
	gchar *dir = g_test_build_filename(G_TEST_DIST, "data", "firmware", NULL);

	g_assert_true(g_file_test(dir, G_FILE_TEST_IS_DIR));
	return dir;
}

/* the path of one image; asserts it is there */
static inline gchar *
ub_test_firmware_path(const gchar *name)
{
	gchar *path = g_test_build_filename(G_TEST_DIST, "data", "firmware", name, NULL);

	if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
		g_printerr("%s is missing: tests/data/firmware is part of the checkout\n", path);
	g_assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR));
	return path;
}
