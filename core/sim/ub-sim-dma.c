/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DMA1/DMA2 and ADC1 of the STM32F405 (RM0090 §10, §13), run lazily against the virtual clock.
 *
 * What is modelled is what firmware like VESC's does and what a debugger has to undo: ADC1
 * converting a regular sequence (scan, single or continuous, software start; the conversion
 * time follows SMPRx, RES, the ADC prescaler and APB2's), each conversion raising a DMA request
 * when CR2.DMA is set, and the DMA2 stream that listens to ADC1 (stream 0 or 4, channel 0)
 * moving DR into memory, normal or circular, with the half/complete flags. A request that no
 * enabled, clocked stream takes is an overrun: OVR is set and the ADC raises no more requests
 * until it is cleared (RM0090 §13.8.1). Not modelled: injected channels, external triggers,
 * ADC2/3, the FIFO (PSIZE and MSIZE must match), double buffering, memory-to-peripheral and
 * memory-to-memory streams (they stay idle), interrupts (the MCU model has no NVIC).
 */
#include "config.h"

#include <string.h>

#include "ub-sim-dma.h"

#define DMA1_BASE 0x40026000u
#define DMA2_BASE 0x40026400u
#define DMA_SIZE 0x400u
#define ADC1_BASE 0x40012000u
#define ADC_COMMON 0x40012300u

#define DMA_LISR 0x00
#define DMA_HISR 0x04
#define DMA_LIFCR 0x08
#define DMA_HIFCR 0x0C
#define DMA_STREAM0 0x10
#define DMA_STREAM_STRIDE 0x18

#define SCR_EN (1u << 0)
#define SCR_DIR_SHIFT 6
#define SCR_CIRC (1u << 8)
#define SCR_PINC (1u << 9)
#define SCR_MINC (1u << 10)
#define SCR_PSIZE_SHIFT 11
#define SCR_MSIZE_SHIFT 13
#define SCR_CHSEL_SHIFT 25

/* stream flags, shifted by the stream's position in LISR/HISR */
#define FLAG_TEIF (1u << 3)
#define FLAG_HTIF (1u << 4)
#define FLAG_TCIF (1u << 5)

#define ADC_SR 0x00
#define ADC_CR1 0x04
#define ADC_CR2 0x08
#define ADC_SMPR1 0x0C
#define ADC_SMPR2 0x10
#define ADC_SQR1 0x2C
#define ADC_SQR2 0x30
#define ADC_SQR3 0x34
#define ADC_DR 0x4C
#define ADC_CCR 0x04 /* in the common block */

#define ADC_SR_EOC (1u << 1)
#define ADC_SR_STRT (1u << 4)
#define ADC_SR_OVR (1u << 5)
#define ADC_CR1_SCAN (1u << 8)
#define ADC_CR2_ADON (1u << 0)
#define ADC_CR2_CONT (1u << 1)
#define ADC_CR2_DMA (1u << 8)
#define ADC_CR2_DDS (1u << 9)
#define ADC_CR2_SWSTART (1u << 30)

#define RCC_DMA1EN (1u << 21)
#define RCC_DMA2EN (1u << 22)
#define RCC_ADC1EN (1u << 8)

#define HSI_HZ G_GUINT64_CONSTANT(16000000)

typedef struct {
	guint32 cr, ndtr, par, m0ar, m1ar, fcr;
	guint32 reload; /* NDTR as it was when the stream was enabled */
} UbSimDmaStream;

struct _UbSimDma {
	GObject parent_instance;
	UbSimDmaBusWrite bus_write;
	gpointer bus_data;
	guint64 now;
	gboolean clock[2]; /* DMA1EN, DMA2EN */
	guint32 isr[2][2]; /* LISR, HISR per controller */
	UbSimDmaStream stream[2][8];
	guint64 transfers;

	/* ADC1 */
	gboolean adc_clock;
	guint64 pclk2_hz;
	guint32 adc_sr, adc_cr1, adc_cr2, adc_smpr1, adc_smpr2, adc_sqr1, adc_sqr2, adc_sqr3;
	guint32 adc_dr, adc_ccr;
	gboolean adc_running;
	gboolean adc_dma_done; /* DDS = 0: the stream finished, no more requests */
	guint adc_position;    /* index in the regular sequence of the next conversion */
	guint64 adc_next_ns;   /* when the next conversion ends */
	guint64 adc_conversions;
};

G_DEFINE_TYPE(UbSimDma, ub_sim_dma, G_TYPE_OBJECT)

static void
ub_sim_dma_class_init(UbSimDmaClass *klass)
{
}

static void
ub_sim_dma_init(UbSimDma *self)
{
	self->pclk2_hz = HSI_HZ;
}

UbSimDma *
ub_sim_dma_new(UbSimDmaBusWrite bus_write, gpointer user_data)
{
	UbSimDma *self;

	g_return_val_if_fail(bus_write != NULL, NULL);
	self = g_object_new(UB_TYPE_SIM_DMA, NULL);
	self->bus_write = bus_write;
	self->bus_data = user_data;
	return self;
}

gboolean
ub_sim_dma_owns(guint32 address)
{
	return (address >= DMA1_BASE && address < DMA2_BASE + DMA_SIZE) ||
	       (address >= ADC1_BASE && address < ADC1_BASE + 0x100) ||
	       (address >= ADC_COMMON && address < ADC_COMMON + 0x100);
}

/* ---- ADC1 ---- */

static guint
adc_sequence_length(UbSimDma *self)
{
	/* without SCAN only the first channel of the sequence converts */
	if ((self->adc_cr1 & ADC_CR1_SCAN) == 0)
		return 1;
	return ((self->adc_sqr1 >> 20) & 0xF) + 1;
}

static guint
adc_channel(UbSimDma *self, guint position)
{
	if (position < 6)
		return (self->adc_sqr3 >> (5 * position)) & 0x1F;
	if (position < 12)
		return (self->adc_sqr2 >> (5 * (position - 6))) & 0x1F;
	return (self->adc_sqr1 >> (5 * (position - 12))) & 0x1F;
}

/* RM0090 §13.5: sampling time + 12/10/8/6 cycles by resolution, at APB2 / ADCPRE */
static guint64
adc_conversion_ns(UbSimDma *self, guint position)
{
	static const guint sampling[] = {3, 15, 28, 56, 84, 112, 144, 480};
	static const guint resolution[] = {12, 10, 8, 6};
	guint channel = adc_channel(self, position);
	guint smp = channel < 10 ? (self->adc_smpr2 >> (3 * channel)) & 7
	                         : (self->adc_smpr1 >> (3 * MIN(channel - 10, 8u))) & 7;
	guint64 cycles = sampling[smp] + resolution[(self->adc_cr1 >> 24) & 3];
	guint64 adcclk = self->pclk2_hz / (2 * (((self->adc_ccr >> 16) & 3) + 1));

	return MAX(cycles * G_GUINT64_CONSTANT(1000000000) / adcclk, 1);
}

static guint64
adc_sequence_ns(UbSimDma *self)
{
	guint64 total = 0;

	for (guint i = 0; i < adc_sequence_length(self); i++)
		total += adc_conversion_ns(self, i);
	return total;
}

/* what the converter reads: a deterministic wander, so that each sample differs */
static guint32
adc_sample(UbSimDma *self, guint channel)
{
	guint64 x = self->adc_conversions * G_GUINT64_CONSTANT(6364136223846793005) +
	            channel * G_GUINT64_CONSTANT(1442695040888963407);
	guint32 value = (guint32)(x >> 52) & 0xFFF;
	guint res = (self->adc_cr1 >> 24) & 3;

	return value >> (2 * res);
}

/* ---- DMA streams ---- */

static guint
stream_flag_shift(guint stream)
{
	static const guint shift[] = {0, 6, 16, 22};
	return shift[stream & 3];
}

static void
stream_set_flags(UbSimDma *self, guint controller, guint stream, guint32 flags)
{
	self->isr[controller][stream / 4] |= flags << stream_flag_shift(stream);
}

static guint
size_bytes(guint32 field)
{
	return 1u << MIN(field & 3, 2u);
}

/* one peripheral-to-memory transfer of @value; FALSE on a bus error (the stream stops) */
static gboolean
stream_transfer(UbSimDma *self, guint controller, guint index, guint32 value)
{
	UbSimDmaStream *s = &self->stream[controller][index];
	guint msize = size_bytes(s->cr >> SCR_MSIZE_SHIFT);
	guint32 item = s->reload - s->ndtr;
	guint32 address = s->m0ar + ((s->cr & SCR_MINC) ? item * msize : 0);

	if (self->bus_write(self->bus_data, address, msize, value) != UB_SIM_ACCESS_OK) {
		/* RM0090 §10.3.16: a bus error disables the stream and sets TEIF */
		s->cr &= ~SCR_EN;
		stream_set_flags(self, controller, index, FLAG_TEIF);
		return FALSE;
	}
	self->transfers++;
	s->ndtr--;
	if (s->ndtr == s->reload / 2)
		stream_set_flags(self, controller, index, FLAG_HTIF);
	if (s->ndtr == 0) {
		stream_set_flags(self, controller, index, FLAG_TCIF);
		if (s->cr & SCR_CIRC) {
			s->ndtr = s->reload;
		} else {
			s->cr &= ~SCR_EN;
			if ((self->adc_cr2 & ADC_CR2_DDS) == 0)
				self->adc_dma_done = TRUE;
		}
	}
	return TRUE;
}

/* the stream that takes ADC1's requests: DMA2 stream 0 or 4, channel 0 (RM0090 Table 43) */
static gint
adc_stream(UbSimDma *self)
{
	static const guint candidates[] = {0, 4};

	if (!self->clock[1])
		return -1;
	for (guint i = 0; i < G_N_ELEMENTS(candidates); i++) {
		UbSimDmaStream *s = &self->stream[1][candidates[i]];
		if ((s->cr & SCR_EN) && ((s->cr >> SCR_CHSEL_SHIFT) & 7) == 0 &&
		    ((s->cr >> SCR_DIR_SHIFT) & 3) == 0)
			return (gint)candidates[i];
	}
	return -1;
}

static gboolean
adc_requests_dma(UbSimDma *self)
{
	return (self->adc_cr2 & ADC_CR2_DMA) && !(self->adc_sr & ADC_SR_OVR) &&
	       !self->adc_dma_done;
}

/* one conversion ends: DR, EOC, and the DMA request */
static void
adc_convert(UbSimDma *self)
{
	guint channel = adc_channel(self, self->adc_position);
	gint stream;

	self->adc_conversions++;
	if ((self->adc_sr & ADC_SR_EOC) && !(self->adc_cr2 & ADC_CR2_DMA)) {
		/* DR not read since the last conversion */
		self->adc_sr |= ADC_SR_OVR;
	}
	self->adc_dr = adc_sample(self, channel);
	self->adc_sr |= ADC_SR_EOC | ADC_SR_STRT;
	if (!adc_requests_dma(self))
		return;
	stream = adc_stream(self);
	if (stream < 0) {
		/* nobody took the request: overrun, and no more requests until OVR is cleared */
		self->adc_sr |= ADC_SR_OVR;
		return;
	}
	/* the DMA reads DR, which clears EOC */
	self->adc_sr &= ~ADC_SR_EOC;
	stream_transfer(self, 1, (guint)stream, self->adc_dr);
}

static gboolean
adc_converting(UbSimDma *self)
{
	return self->adc_running && self->adc_clock && (self->adc_cr2 & ADC_CR2_ADON);
}

/* a circular stream fed by a continuous scan repeats itself: skip whole sequences that leave
 * the same memory behind, keeping the counters and flags as if they had run */
static void
adc_skip_ahead(UbSimDma *self, guint64 now)
{
	guint64 period = adc_sequence_ns(self);
	guint length = adc_sequence_length(self);
	guint64 periods;
	guint64 keep;
	gint stream;
	UbSimDmaStream *s;

	if (!(self->adc_cr2 & ADC_CR2_CONT) || self->adc_position != 0 || period == 0 ||
	    now <= self->adc_next_ns || now - self->adc_next_ns < 4 * period)
		return;
	stream = adc_requests_dma(self) ? adc_stream(self) : -1;
	if (stream < 0)
		return;
	s = &self->stream[1][stream];
	/* leave at least two turns of the buffer to run for real */
	keep = 2 * ((guint64)s->reload / length + 2);
	periods = (now - self->adc_next_ns) / period;
	if (!(s->cr & SCR_CIRC) || s->reload == 0 || periods <= keep)
		return;
	periods -= keep;
	self->adc_next_ns += periods * period;
	self->adc_conversions += periods * length;
	self->transfers += periods * length;
	s->ndtr = s->reload - (guint32)(((s->reload - s->ndtr) + periods * length) % s->reload);
	if (s->ndtr == 0)
		s->ndtr = s->reload;
	stream_set_flags(self, 1, (guint)stream, FLAG_HTIF | FLAG_TCIF);
}

void
ub_sim_dma_update(UbSimDma *self, guint64 now)
{
	g_return_if_fail(UB_IS_SIM_DMA(self));
	if (now <= self->now)
		return;
	if (!adc_converting(self)) {
		self->now = now;
		return;
	}
	adc_skip_ahead(self, now);
	while (adc_converting(self) && self->adc_next_ns <= now) {
		adc_convert(self);
		self->adc_position++;
		if (self->adc_position >= adc_sequence_length(self)) {
			self->adc_position = 0;
			if (!(self->adc_cr2 & ADC_CR2_CONT)) {
				self->adc_running = FALSE;
				self->adc_sr &= ~ADC_SR_STRT;
				break;
			}
		}
		self->adc_next_ns += adc_conversion_ns(self, self->adc_position);
	}
	self->now = now;
}

gboolean
ub_sim_dma_is_active(UbSimDma *self)
{
	g_return_val_if_fail(UB_IS_SIM_DMA(self), FALSE);
	return adc_converting(self) && adc_requests_dma(self) && adc_stream(self) >= 0;
}

/* ---- registers ---- */

static UbSimAccess
dma_read(UbSimDma *self, guint controller, guint32 offset, guint32 *value)
{
	*value = 0;
	/* a controller whose clock is off reads 0 */
	if (!self->clock[controller])
		return UB_SIM_ACCESS_OK;
	if (offset == DMA_LISR || offset == DMA_HISR) {
		*value = self->isr[controller][offset / 4];
	} else if (offset >= DMA_STREAM0 && offset < DMA_STREAM0 + 8 * DMA_STREAM_STRIDE) {
		UbSimDmaStream *s =
		        &self->stream[controller][(offset - DMA_STREAM0) / DMA_STREAM_STRIDE];
		guint32 reg = (offset - DMA_STREAM0) % DMA_STREAM_STRIDE;
		guint32 regs[] = {s->cr, s->ndtr, s->par, s->m0ar, s->m1ar, s->fcr | 0x20u};
		*value = regs[reg / 4];
	}
	return UB_SIM_ACCESS_OK;
}

static void
dma_stream_write(UbSimDmaStream *s, guint32 reg, guint32 value)
{
	gboolean enabled = (s->cr & SCR_EN) != 0;

	switch (reg) {
	case 0x00:
		if (enabled) {
			/* only EN can change while the stream runs; clearing it stops it after the
			 * transfer in progress (immediately here) */
			if ((value & SCR_EN) == 0)
				s->cr &= ~SCR_EN;
			return;
		}
		s->cr = value & 0x0FEFFFFFu;
		if (value & SCR_EN) {
			s->reload = s->ndtr;
			if (s->reload == 0)
				s->cr &= ~SCR_EN;
		}
		break;
	case 0x04:
		if (!enabled)
			s->ndtr = value & 0xFFFF;
		break;
	case 0x08:
		if (!enabled)
			s->par = value;
		break;
	case 0x0C:
		if (!enabled)
			s->m0ar = value;
		break;
	case 0x10:
		if (!enabled)
			s->m1ar = value;
		break;
	case 0x14:
		if (!enabled)
			s->fcr = value & 0xBFu;
		break;
	default:
		break;
	}
}

static void
dma_write(UbSimDma *self, guint controller, guint32 offset, guint32 value)
{
	if (!self->clock[controller])
		return;
	if (offset == DMA_LIFCR || offset == DMA_HIFCR)
		self->isr[controller][(offset - DMA_LIFCR) / 4] &= ~value;
	else if (offset >= DMA_STREAM0 && offset < DMA_STREAM0 + 8 * DMA_STREAM_STRIDE)
		dma_stream_write(&self->stream[controller][(offset - DMA_STREAM0) / DMA_STREAM_STRIDE],
		                 (offset - DMA_STREAM0) % DMA_STREAM_STRIDE, value);
}

static UbSimAccess
adc_read(UbSimDma *self, guint32 offset, guint32 *value)
{
	*value = 0;
	if (!self->adc_clock)
		return UB_SIM_ACCESS_OK;
	switch (offset) {
	case ADC_SR:
		*value = self->adc_sr;
		break;
	case ADC_CR1:
		*value = self->adc_cr1;
		break;
	case ADC_CR2:
		*value = self->adc_cr2;
		break;
	case ADC_SMPR1:
		*value = self->adc_smpr1;
		break;
	case ADC_SMPR2:
		*value = self->adc_smpr2;
		break;
	case ADC_SQR1:
		*value = self->adc_sqr1;
		break;
	case ADC_SQR2:
		*value = self->adc_sqr2;
		break;
	case ADC_SQR3:
		*value = self->adc_sqr3;
		break;
	case ADC_DR:
		*value = self->adc_dr;
		self->adc_sr &= ~ADC_SR_EOC;
		break;
	default:
		break;
	}
	return UB_SIM_ACCESS_OK;
}

static void
adc_write(UbSimDma *self, guint32 offset, guint32 value, guint64 now)
{
	if (!self->adc_clock)
		return;
	switch (offset) {
	case ADC_SR:
		/* rc_w0: writing 0 clears a flag */
		self->adc_sr &= value | ~0x3Fu;
		break;
	case ADC_CR1:
		self->adc_cr1 = value & 0x07C0FFFFu;
		break;
	case ADC_CR2:
		if ((value & ADC_CR2_DMA) && !(self->adc_cr2 & ADC_CR2_DMA))
			self->adc_dma_done = FALSE;
		self->adc_cr2 = value & ~(ADC_CR2_SWSTART | (1u << 22));
		if (!(value & ADC_CR2_ADON)) {
			self->adc_running = FALSE;
			self->adc_sr &= ~ADC_SR_STRT;
		} else if ((value & ADC_CR2_SWSTART) && !self->adc_running) {
			self->adc_running = TRUE;
			self->adc_position = 0;
			self->adc_next_ns = now + adc_conversion_ns(self, 0);
		}
		break;
	case ADC_SMPR1:
		self->adc_smpr1 = value & 0x07FFFFFFu;
		break;
	case ADC_SMPR2:
		self->adc_smpr2 = value & 0x3FFFFFFFu;
		break;
	case ADC_SQR1:
		self->adc_sqr1 = value & 0x00FFFFFFu;
		break;
	case ADC_SQR2:
		self->adc_sqr2 = value & 0x3FFFFFFFu;
		break;
	case ADC_SQR3:
		self->adc_sqr3 = value & 0x3FFFFFFFu;
		break;
	default:
		break;
	}
}

UbSimAccess
ub_sim_dma_read(UbSimDma *self, guint32 address, guint64 now, guint32 *value)
{
	g_return_val_if_fail(UB_IS_SIM_DMA(self), UB_SIM_ACCESS_FAULT);
	ub_sim_dma_update(self, now);
	if (address >= DMA1_BASE && address < DMA2_BASE + DMA_SIZE)
		return dma_read(self, address >= DMA2_BASE, address & (DMA_SIZE - 1), value);
	if (address >= ADC1_BASE && address < ADC1_BASE + 0x100)
		return adc_read(self, address - ADC1_BASE, value);
	/* the common block: CCR; CSR/CDR read as nothing converted by ADC2/3 */
	*value = address == ADC_COMMON + ADC_CCR ? self->adc_ccr : 0;
	return UB_SIM_ACCESS_OK;
}

UbSimAccess
ub_sim_dma_write(UbSimDma *self, guint32 address, guint32 value, guint64 now)
{
	g_return_val_if_fail(UB_IS_SIM_DMA(self), UB_SIM_ACCESS_FAULT);
	ub_sim_dma_update(self, now);
	if (address >= DMA1_BASE && address < DMA2_BASE + DMA_SIZE)
		dma_write(self, address >= DMA2_BASE, address & (DMA_SIZE - 1), value);
	else if (address >= ADC1_BASE && address < ADC1_BASE + 0x100)
		adc_write(self, address - ADC1_BASE, value, now);
	else if (address == ADC_COMMON + ADC_CCR)
		self->adc_ccr = value & 0x00C3E000u;
	return UB_SIM_ACCESS_OK;
}

void
ub_sim_dma_set_clocks(UbSimDma *self, guint32 ahb1enr, guint32 apb2enr, guint32 cfgr,
                      guint64 now)
{
	static const guint64 ppre[] = {2, 4, 8, 16};
	gboolean adc_clock = (apb2enr & RCC_ADC1EN) != 0;

	g_return_if_fail(UB_IS_SIM_DMA(self));
	ub_sim_dma_update(self, now);
	self->clock[0] = (ahb1enr & RCC_DMA1EN) != 0;
	self->clock[1] = (ahb1enr & RCC_DMA2EN) != 0;
	/* PPRE2 (bits 15:13): 0xx = HCLK, 1xx = HCLK / 2^(xx + 1); HCLK is the HSI here */
	self->pclk2_hz = (cfgr & (1u << 15)) ? HSI_HZ / ppre[(cfgr >> 13) & 3] : HSI_HZ;
	if (adc_clock && !self->adc_clock && self->adc_running)
		self->adc_next_ns = now + adc_conversion_ns(self, self->adc_position);
	self->adc_clock = adc_clock;
}

void
ub_sim_dma_reset(UbSimDma *self, guint64 now)
{
	g_return_if_fail(UB_IS_SIM_DMA(self));
	memset(self->clock, 0, sizeof(self->clock));
	memset(self->isr, 0, sizeof(self->isr));
	memset(self->stream, 0, sizeof(self->stream));
	self->adc_clock = FALSE;
	self->pclk2_hz = HSI_HZ;
	self->adc_sr = self->adc_cr1 = self->adc_cr2 = 0;
	self->adc_smpr1 = self->adc_smpr2 = 0;
	self->adc_sqr1 = self->adc_sqr2 = self->adc_sqr3 = 0;
	self->adc_dr = self->adc_ccr = 0;
	self->adc_running = FALSE;
	self->adc_dma_done = FALSE;
	self->adc_position = 0;
	self->now = now;
}

guint64
ub_sim_dma_get_transfers(UbSimDma *self)
{
	g_return_val_if_fail(UB_IS_SIM_DMA(self), 0);
	return self->transfers;
}
