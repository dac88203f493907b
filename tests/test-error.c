/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-error.h"

static void
test_error_domains_distinct(void)
{
	GQuark domains[] = {UB_PROBE_ERROR, UB_TARGET_ERROR, UB_FLASH_ERROR, UB_IMAGE_ERROR,
			    UB_DATA_ERROR};
	for (guint i = 0; i < G_N_ELEMENTS(domains); i++) {
		g_assert_cmpuint(domains[i], !=, 0);
		for (guint j = i + 1; j < G_N_ELEMENTS(domains); j++)
			g_assert_cmpuint(domains[i], !=, domains[j]);
	}
	g_assert_cmpstr(g_quark_to_string(UB_TARGET_ERROR), ==, "ub-target-error-quark");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/core/error/domains-distinct", test_error_domains_distinct);
	return g_test_run();
}
