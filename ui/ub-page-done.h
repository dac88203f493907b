/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UbPageDone: what was done, where the backup is, and a copyable report */
#pragma once

#include <gtk/gtk.h>

#include "ub-page.h"

G_BEGIN_DECLS

#define UB_TYPE_PAGE_DONE (ub_page_done_get_type())
G_DECLARE_FINAL_TYPE(UbPageDone, ub_page_done, UB, PAGE_DONE, UbPage)

G_END_DECLS
