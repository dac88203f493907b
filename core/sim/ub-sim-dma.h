/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbSimDma: the parts of an STM32F405 that move data while the core is halted: the two DMA
 * controllers (RM0090 §10: 8 streams each, peripheral-to-memory and memory-to-memory, normal
 * and circular) and ADC1 (RM0090 §13: regular sequence, single or continuous, scan, DMA
 * requests with DDS), the way VESC firmware streams its ADC samples into SRAM. Halting the
 * Cortex-M4 stops none of this: only disabling the stream (SxCR.EN) or gating the
 * controller's clock (RCC_AHB1ENR.DMAxEN) does.
 *
 * UbSimMcu owns one, decodes the register ranges to it, tells it the RCC enable bits, and
 * lets it catch up with the virtual clock (ub_sim_dma_update) before a register access and
 * after every slice of time; what the streams write goes through the MCU's bus callback.
 */
#pragma once

#include <glib-object.h>

#include "ub-sim-mcu.h"

G_BEGIN_DECLS

/* a transfer by a DMA stream onto the bus (SRAM, peripherals); size 1, 2 or 4 */
typedef UbSimAccess (*UbSimDmaBusWrite)(gpointer user_data, guint32 address, guint size,
                                        guint32 value);

#define UB_TYPE_SIM_DMA (ub_sim_dma_get_type())
G_DECLARE_FINAL_TYPE(UbSimDma, ub_sim_dma, UB, SIM_DMA, GObject)

UbSimDma *ub_sim_dma_new(UbSimDmaBusWrite bus_write, gpointer user_data);

/* DMA1, DMA2, ADC1 and the ADC common registers */
gboolean ub_sim_dma_owns(guint32 address);
UbSimAccess ub_sim_dma_read(UbSimDma *self, guint32 address, guint64 now, guint32 *value);
UbSimAccess ub_sim_dma_write(UbSimDma *self, guint32 address, guint32 value, guint64 now);

/* RCC_AHB1ENR (DMA1EN 21, DMA2EN 22), RCC_APB2ENR (ADC1EN 8), RCC_CFGR (PPRE2 for the ADC
 * clock; the core runs from the 16 MHz HSI) */
void ub_sim_dma_set_clocks(UbSimDma *self, guint32 ahb1enr, guint32 apb2enr, guint32 cfgr,
                           guint64 now);
/* runs the conversions and transfers due up to @now */
void ub_sim_dma_update(UbSimDma *self, guint64 now);
/* something runs that writes memory on its own (a stream enabled, clocked and fed) */
gboolean ub_sim_dma_is_active(UbSimDma *self);
/* system reset: every register back to its reset value, nothing runs */
void ub_sim_dma_reset(UbSimDma *self, guint64 now);

/* transfers done so far (for reports and tests) */
guint64 ub_sim_dma_get_transfers(UbSimDma *self);

G_END_DECLS
