/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UbPageWelcome: what you need, and which board this is */
#pragma once

#include <gtk/gtk.h>

#include "ub-page.h"

G_BEGIN_DECLS

#define UB_TYPE_PAGE_WELCOME (ub_page_welcome_get_type())
G_DECLARE_FINAL_TYPE(UbPageWelcome, ub_page_welcome, UB, PAGE_WELCOME, UbPage)

G_END_DECLS
