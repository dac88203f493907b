/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UbPageFlash: backup, erase, write and verify as one weighted progress bar */
#pragma once

#include <gtk/gtk.h>

#include "ub-page.h"

G_BEGIN_DECLS

#define UB_TYPE_PAGE_FLASH (ub_page_flash_get_type())
G_DECLARE_FINAL_TYPE(UbPageFlash, ub_page_flash, UB, PAGE_FLASH, UbPage)

G_END_DECLS
