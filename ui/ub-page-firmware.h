/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UbPageFirmware: pick firmware by hardware, from a folder or a file; mismatches refused unless overridden */
#pragma once

#include <gtk/gtk.h>

#include "ub-page.h"

G_BEGIN_DECLS

#define UB_TYPE_PAGE_FIRMWARE (ub_page_firmware_get_type())
G_DECLARE_FINAL_TYPE(UbPageFirmware, ub_page_firmware, UB, PAGE_FIRMWARE, UbPage)

G_END_DECLS
