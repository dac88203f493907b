/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UbPageRecovery: reset-pin guidance and connect under reset */
#pragma once

#include <gtk/gtk.h>

#include "ub-page.h"


G_BEGIN_DECLS

#define UB_TYPE_PAGE_RECOVERY (ub_page_recovery_get_type())
G_DECLARE_FINAL_TYPE(UbPageRecovery, ub_page_recovery, UB, PAGE_RECOVERY, UbPage)

G_END_DECLS
