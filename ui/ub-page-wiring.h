/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UbPageWiring: pinout, checklist, measured target voltage and the wiring check */
#pragma once

#include <gtk/gtk.h>

#include "ub-page.h"

G_BEGIN_DECLS

#define UB_TYPE_PAGE_WIRING (ub_page_wiring_get_type())
G_DECLARE_FINAL_TYPE(UbPageWiring, ub_page_wiring, UB, PAGE_WIRING, UbPage)

G_END_DECLS
