/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The simulator's own firmware images, assembled at build time from core/sim/firmware (the .S
 * files) and embedded in the library: "demo-410" and "demo-60" (healthy VESC-like images), and
 * "repurpose-swd" (turns PA13/PA14 into GPIO "takeover_ms" after reset: the brick), "deep-sleep"
 * (Stop mode), "reset-loop" (watchdog on, then a fault: lockup, reset, again) and
 * "watchdog-reset" (a watchdog nobody reloads) and "dma-adc" (a running VESC: ADC samples
 * streamed into SRAM by circular DMA, data cache on, the independent watchdog started 175 ms
 * after reset).
 *
 * An image may carry parameters a bench sets, like a real firmware's configuration block: the
 * tag "ubsim-param:NAME\0", padded to a word, then the 32-bit value the code reads.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
	const char *name;
	const guint8 *data;
	gsize size;
} UbSimFirmwareImage;

/* NULL-terminated table (generated) */
extern const UbSimFirmwareImage ub_sim_firmware_images[];

/* the image based at 0x08000000, or NULL if there is none of that name */
GBytes *ub_sim_firmware_lookup(const char *name);
/* a copy of @image with parameter @name set to @value; FALSE if the image has no such one */
GBytes *ub_sim_firmware_set_param(GBytes *image, const char *name, guint32 value,
				  GError **error);

G_END_DECLS
