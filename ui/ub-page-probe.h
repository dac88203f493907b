/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UbPageProbe: the live list of plugged-in probes; explains and offers the udev rule */
#pragma once

#include <gtk/gtk.h>

#include "ub-page.h"

G_BEGIN_DECLS

#define UB_TYPE_PAGE_PROBE (ub_page_probe_get_type())
G_DECLARE_FINAL_TYPE(UbPageProbe, ub_page_probe, UB, PAGE_PROBE, UbPage)

G_END_DECLS
