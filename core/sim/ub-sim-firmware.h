/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The simulator's own firmware images, assembled at build time from core/sim/firmware (the .S
 * files) and embedded in the library: "demo-410" and "demo-60" (healthy VESC-like images),
 * "repurpose-swd" (turns PA13/PA14 into GPIO a few ms after reset: the brick), "deep-sleep"
 * (enters Stop mode) and "dma-adc" (ADC samples streamed into SRAM by circular DMA, data
 * cache on, the independent watchdog started 175 ms after reset: a running VESC).
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

G_END_DECLS
