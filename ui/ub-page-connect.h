/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UbPageConnect: the connection ladder with live status */
#pragma once

#include <gtk/gtk.h>

#include "ub-page.h"

G_BEGIN_DECLS

#define UB_TYPE_PAGE_CONNECT (ub_page_connect_get_type())
G_DECLARE_FINAL_TYPE(UbPageConnect, ub_page_connect, UB, PAGE_CONNECT, UbPage)

G_END_DECLS
