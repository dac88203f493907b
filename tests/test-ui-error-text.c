/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The error table: every core (domain, code) has its own words; cancelling reads as stopped. */
#include "config.h"

#include <gio/gio.h>

#include "ub-error-text.h"
#include "ub-error.h"

static void
assert_all_codes_known(GQuark domain, gint last_code)
{
	UbErrorText generic;
	g_autoptr(GError) unknown = g_error_new_literal(g_quark_from_static_string("ub-test-unknown"),
							 0, "unknown");

	ub_error_text_lookup(unknown, &generic);
	for (gint code = 0; code <= last_code; code++) {
		g_autoptr(GError) error = g_error_new(domain, code, "code %d", code);
		UbErrorText text;

		ub_error_text_lookup(error, &text);
		if (g_strcmp0(text.title, generic.title) == 0)
			g_error("%s code %d has no entry", g_quark_to_string(domain), code);
		g_assert_nonnull(text.cause);
		g_assert_nonnull(text.next_step);
		g_assert_false(text.stopped);
	}
}

static void
test_every_code_has_text(void)
{
	assert_all_codes_known(UB_PROBE_ERROR, UB_PROBE_ERROR_FAILED);
	assert_all_codes_known(UB_TARGET_ERROR, UB_TARGET_ERROR_WAS_RESET);
	assert_all_codes_known(UB_FLASH_ERROR, UB_FLASH_ERROR_INTERRUPTED);
	assert_all_codes_known(UB_IMAGE_ERROR, UB_IMAGE_ERROR_OTHER_CHIP);
	assert_all_codes_known(UB_DATA_ERROR, UB_DATA_ERROR_INVALID);
	assert_all_codes_known(UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_AMBIGUOUS);
}

static void
test_specific_words(void)
{
	g_autoptr(GError) denied = g_error_new_literal(UB_PROBE_ERROR,
						       UB_PROBE_ERROR_PERMISSION_DENIED, "EACCES");
	g_autoptr(GError) wrong = g_error_new_literal(UB_IMAGE_ERROR,
						      UB_IMAGE_ERROR_WRONG_HARDWARE, "HW 60");
	UbErrorText text;

	ub_error_text_lookup(denied, &text);
	g_assert_nonnull(strstr(text.next_step, "udev"));
	ub_error_text_lookup(wrong, &text);
	g_assert_nonnull(strstr(text.title, "other hardware"));
}

/* a busy probe: the wizard names the program that holds it, when the system could tell */
static void
test_busy_holder(void)
{
	g_autoptr(GError) named = g_error_new_literal(
	        UB_PROBE_ERROR, UB_PROBE_ERROR_BUSY,
	        "claiming interface 0: the probe is in use by openocd (pid 4711)");
	g_autoptr(GError) anonymous =
	        g_error_new_literal(UB_PROBE_ERROR, UB_PROBE_ERROR_BUSY, "Resource busy");
	g_autoptr(GError) other = g_error_new_literal(UB_PROBE_ERROR, UB_PROBE_ERROR_TIMEOUT,
	                                              "in use by nobody");
	g_autofree char *holder = ub_error_text_get_holder(named);

	g_assert_cmpstr(holder, ==, "openocd (pid 4711)");
	g_assert_null(ub_error_text_get_holder(anonymous));
	g_assert_null(ub_error_text_get_holder(other));
}

static void
test_cancelled_is_stopped(void)
{
	g_autoptr(GError) error = g_error_new_literal(G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
	UbErrorText text;

	ub_error_text_lookup(error, &text);
	g_assert_true(text.stopped);
	g_assert_cmpstr(text.title, ==, "Stopped");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ui/error-text/every-code", test_every_code_has_text);
	g_test_add_func("/ui/error-text/specific-words", test_specific_words);
	g_test_add_func("/ui/error-text/cancelled", test_cancelled_is_stopped);
	g_test_add_func("/ui/error-text/busy-holder", test_busy_holder);
	return g_test_run();
}
