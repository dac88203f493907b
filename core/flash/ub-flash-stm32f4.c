/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-error.h"
#include "ub-flash-stm32f4.h"
#include "ub-flash-stub.h"

/* RM0090 §3.9.7 FLASH_CR */
#define CR_PG (1u << 0)
#define CR_SER (1u << 1)
#define CR_MER (1u << 2)
#define CR_SNB_SHIFT 3
#define CR_PSIZE_SHIFT 8
#define CR_STRT (1u << 16)
#define CR_LOCK (1u << 31)
/* RM0090 §3.9.8 FLASH_OPTCR */
#define OPTCR_OPTLOCK (1u << 0)
#define OPTCR_OPTSTRT (1u << 1)
#define OPTCR_NWRP_SHIFT 16
#define OPTCR_RDP_SHIFT 8
#define SR_CLEAR 0xf3u

/* RM0090 §3.5.1 key sequences */
#define FLASH_KEY1 0x45670123u
#define FLASH_KEY2 0xcdef89abu
#define FLASH_OPTKEY1 0x08192a3bu
#define FLASH_OPTKEY2 0x4c5d6e7fu

/* xPSR with only the Thumb bit: Thread mode, no exception active */
#define XPSR_THUMB 0x01000000u
/* RM0090 §38.16.4: stop IWDG and WWDG while the core is halted */
#define DBGMCU_APB1_FZ 0xe0042008u
#define DBGMCU_WDG_STOP 0x1800u
/* RM0090 §7.3.10 RCC_AHB1ENR: the bus masters besides the core that can write SRAM */
#define RCC_AHB1ENR 0x40023830u
#define RCC_DMA1EN (1u << 21)
#define RCC_DMA2EN (1u << 22)
#define RCC_OTGHSEN (1u << 29)
#define RCC_BUS_MASTERS (RCC_DMA1EN | RCC_DMA2EN | RCC_OTGHSEN)
/* the CRC unit (RM0090 §4) the loader checks flash with */
#define RCC_CRCEN (1u << 12)
/* RM0090 §10.5: DMA controllers, 8 streams each, SxCR at 0x10 + 0x18 × stream */
#define DMA1_BASE 0x40026000u
#define DMA2_BASE 0x40026400u
#define DMA_STREAMS 8u
#define DMA_STREAM_CR(base, stream) ((base) + 0x10u + 0x18u * (stream))
#define DMA_SCR_EN (1u << 0)
/* RM0090 §3.9.1 FLASH_ACR */
#define ACR_ICEN (1u << 9)
#define ACR_DCEN (1u << 10)
#define ACR_ICRST (1u << 11)
#define ACR_DCRST (1u << 12)
/* RM0090 §3.7.1: the option bytes as stored (not the OPTCR register's copy) */
#define OPTION_BYTES_RDP_USER 0x1fffc000u
#define OPTION_BYTES_NWRP 0x1fffc008u

/* SRAM plan while the loader runs: code + control block, then the ring */
#define SRAM_BASE 0x20000000u
#define STUB_ADDR SRAM_BASE
#define STUB_MAX 0x400u
#define RING_ADDR (SRAM_BASE + 0x800u)
/* results of a batch of checks, side by side between the loader and the ring */
#define RESULTS_ADDR (SRAM_BASE + 0x400u)
#define RESULTS_MAX 128u
#define SLOT_DATA 0x4000u
/* the link test's pattern: 2048 transfers, enough to see an error rate of 0.1 % */
#define LINK_TEST_BYTES 0x1000u
/* link errors a session steps the SWD clock down for before it gives up */
#define LINK_RETRIES 4
/* below this the board has no supply (a link error then is no noise) */
#define LINK_MIN_MV 1500
#define SLOT_STRIDE (SLOT_DATA + 0x20u)
#define SLOT_COUNT 7u
/* granularity of the on-chip CRC and blank checks */
#define VERIFY_BLOCK 0x1000u
#define BLANK_BLOCK 0x400u
/* a run of erased words at least this long is not sent at all */
#define SKIP_RUN_MIN 64u
/* host-side pieces for direct writes and reads: progress and cancellation granularity */
#define DIRECT_PIECE 0x1000u
#define READ_PIECE 0x1800u

/* core speed for on-chip loops (16 MHz HSI, the slowest clock the core can be left at): the
 * CRC unit takes a word in 4 cycles (RM0090 §4.3), the blank check about a cycle a word;
 * only used to plan waits */
#define CRC_NS_PER_BYTE 70
#define BLANK_NS_PER_BYTE 55

typedef struct {
	guint32 seq;
	UbFlashStubCmd cmd;
	guint32 addr;
	guint32 len;
	guint32 buf;
	guint64 expected_us;
	guint64 timeout_us;
	guint64 end_us; /* when it should be done (device clock), if each takes its expected time */
} UbFlashPending;

struct _UbFlashStm32f4 {
	GObject parent_instance;
	UbTarget *target;
	UbProbe *probe;  /* the target's: for accesses of a given width */
	GArray *sectors; /* UbFlashSector */
	UbFlashPsize psize;
	gboolean use_stub;
	UbFlashEventFunc event_func;
	gpointer event_data;
	UbFlashStats stats;
	/* what the session changed on the chip, put back by finish() */
	gboolean prepared;
	guint32 saved_acr;
	guint32 saved_ahb1enr;
	/* the loader session */
	gboolean stub_active;
	gboolean stub_unusable;
	guint32 stub_control;
	guint32 stub_first;
	guint32 stub_next;
	guint32 stub_done;
	guint64 stub_busy_until; /* the last queued command's end_us */
	gboolean clock_tuned;
	guint link_retries;
	GArray *pending; /* UbFlashPending, oldest first */
	/* progress of the running erase + program: datasheet time done of all */
	UbProgress *op_progress;
	guint64 op_total_us;
	guint64 op_done_us;
};

G_DEFINE_TYPE(UbFlashStm32f4, ub_flash_stm32f4, G_TYPE_OBJECT)

/* RM0090 Table 5: STM32F405/407, 1 MiB single bank */
static const UbFlashSector ub_flash_f40x_sectors[] = {
        {0, 0x08000000, 0x4000},  {1, 0x08004000, 0x4000},   {2, 0x08008000, 0x4000},
        {3, 0x0800c000, 0x4000},  {4, 0x08010000, 0x10000},  {5, 0x08020000, 0x20000},
        {6, 0x08040000, 0x20000}, {7, 0x08060000, 0x20000},  {8, 0x08080000, 0x20000},
        {9, 0x080a0000, 0x20000}, {10, 0x080c0000, 0x20000}, {11, 0x080e0000, 0x20000},
};

static gboolean
seq_before(guint32 a, guint32 b)
{
	return (gint32)(a - b) < 0;
}

static void
put_le32(guint8 *buf, guint32 value)
{
	value = GUINT32_TO_LE(value);
	memcpy(buf, &value, 4);
}

static guint32
get_le32(const guint8 *buf)
{
	guint32 value;

	memcpy(&value, buf, 4);
	return GUINT32_FROM_LE(value);
}

static void
ub_flash_stm32f4_sleep(UbFlashStm32f4 *self, guint64 us)
{
	/* the device's clock: on a simulated bench, waiting is what lets the erase finish */
	ub_clock_sleep_us(ub_target_get_clock(self->target), us);
}

/* ---- timing (DS8626, §6.6 of our reference) ---- */

guint64
ub_flash_stm32f4_erase_time_us(guint32 sector_size, UbFlashPsize psize)
{
	static const guint64 ms16[] = {400, 300, 250};
	static const guint64 ms64[] = {1200, 700, 550};
	static const guint64 ms128[] = {2000, 1300, 1000};
	guint index = MIN((guint)psize, 2u);

	if (sector_size <= 0x4000)
		return ms16[index] * 1000;
	if (sector_size <= 0x10000)
		return ms64[index] * 1000;
	return ms128[index] * 1000 * (sector_size / 0x20000u);
}

guint64
ub_flash_stm32f4_mass_erase_time_us(UbFlashPsize psize)
{
	static const guint64 ms[] = {16000, 11000, 8000};
	return ms[MIN((guint)psize, 2u)] * 1000;
}

static guint
psize_bytes(UbFlashPsize psize)
{
	return 1u << (guint)psize;
}

/* elements the flash really programs: all-ones elements are skipped on erased flash */
static guint64
count_program_elements(const guint8 *data, gsize len, UbFlashPsize psize)
{
	guint width = psize_bytes(psize);
	guint64 count = 0;

	for (gsize i = 0; i + width <= len; i += width) {
		for (guint j = 0; j < width; j++) {
			if (data[i + j] != 0xff) {
				count++;
				break;
			}
		}
	}
	return count;
}

/* ---- properties ---- */

UbFlashStm32f4 *
ub_flash_stm32f4_new(UbTarget *target)
{
	UbFlashStm32f4 *self;

	g_return_val_if_fail(UB_IS_TARGET(target), NULL);
	self = g_object_new(UB_TYPE_FLASH_STM32F4, NULL);
	self->target = g_object_ref(target);
	self->probe = g_object_ref(ub_target_get_probe(target));
	return self;
}

void
ub_flash_stm32f4_set_sectors(UbFlashStm32f4 *self, const UbFlashSector *sectors, guint n)
{
	g_return_if_fail(UB_IS_FLASH_STM32F4(self));
	g_return_if_fail(sectors != NULL && n > 0);
	g_array_set_size(self->sectors, 0);
	g_array_append_vals(self->sectors, sectors, n);
}

const UbFlashSector *
ub_flash_stm32f4_get_sectors(UbFlashStm32f4 *self, guint *n)
{
	g_return_val_if_fail(UB_IS_FLASH_STM32F4(self), NULL);
	if (n != NULL)
		*n = self->sectors->len;
	return (const UbFlashSector *)self->sectors->data;
}

guint32
ub_flash_stm32f4_get_base(UbFlashStm32f4 *self)
{
	g_return_val_if_fail(UB_IS_FLASH_STM32F4(self), 0);
	return g_array_index(self->sectors, UbFlashSector, 0).address;
}

guint32
ub_flash_stm32f4_get_size(UbFlashStm32f4 *self)
{
	const UbFlashSector *last;

	g_return_val_if_fail(UB_IS_FLASH_STM32F4(self), 0);
	last = &g_array_index(self->sectors, UbFlashSector, self->sectors->len - 1);
	return last->address + last->size - ub_flash_stm32f4_get_base(self);
}

gint
ub_flash_stm32f4_sector_for_address(UbFlashStm32f4 *self, guint32 address)
{
	g_return_val_if_fail(UB_IS_FLASH_STM32F4(self), -1);
	for (guint i = 0; i < self->sectors->len; i++) {
		const UbFlashSector *sector = &g_array_index(self->sectors, UbFlashSector, i);
		if (address >= sector->address && address - sector->address < sector->size)
			return (gint)i;
	}
	return -1;
}

void
ub_flash_stm32f4_set_psize(UbFlashStm32f4 *self, UbFlashPsize psize)
{
	g_return_if_fail(UB_IS_FLASH_STM32F4(self));
	g_return_if_fail(psize <= UB_FLASH_PSIZE_X32);
	self->psize = psize;
}

UbFlashPsize
ub_flash_stm32f4_get_psize(UbFlashStm32f4 *self)
{
	g_return_val_if_fail(UB_IS_FLASH_STM32F4(self), UB_FLASH_PSIZE_X8);
	return self->psize;
}

gboolean
ub_flash_psize_for_voltage(guint millivolts, UbFlashPsize *psize)
{
	/* RM0090 Table 7: x32 from 2.7 V, x16 from 2.1 V, x8 from 1.8 V (x64 needs VPP). The
	 * reading is the probe's ADC estimate at its VDD pin: 100 mV of it are not trusted for
	 * the wider widths (audit F10). */
	if (millivolts >= 2800)
		*psize = UB_FLASH_PSIZE_X32;
	else if (millivolts >= 2200)
		*psize = UB_FLASH_PSIZE_X16;
	else if (millivolts >= 1800)
		*psize = UB_FLASH_PSIZE_X8;
	else
		return FALSE;
	return TRUE;
}

void
ub_flash_stm32f4_set_use_stub(UbFlashStm32f4 *self, gboolean use_stub)
{
	g_return_if_fail(UB_IS_FLASH_STM32F4(self));
	self->use_stub = use_stub;
}

void
ub_flash_stm32f4_set_event_func(UbFlashStm32f4 *self, UbFlashEventFunc func, gpointer user_data)
{
	g_return_if_fail(UB_IS_FLASH_STM32F4(self));
	self->event_func = func;
	self->event_data = user_data;
}

static void
ub_flash_stm32f4_event(UbFlashStm32f4 *self, UbFlashEvent event, guint32 address, guint32 length)
{
	if (self->event_func != NULL)
		self->event_func(event, address, length, self->event_data);
}

void
ub_flash_stm32f4_get_stats(UbFlashStm32f4 *self, UbFlashStats *stats)
{
	g_return_if_fail(UB_IS_FLASH_STM32F4(self));
	*stats = self->stats;
	stats->swd_khz = ub_target_get_swd_khz(self->target);
	stats->swd_fallbacks = self->link_retries;
}

void
ub_flash_stm32f4_reset_stats(UbFlashStm32f4 *self)
{
	g_return_if_fail(UB_IS_FLASH_STM32F4(self));
	memset(&self->stats, 0, sizeof(self->stats));
}

/* ---- registers ---- */

static gboolean link_retry(UbFlashStm32f4 *self, GError **error_local);

static gboolean
read32(UbFlashStm32f4 *self, guint32 address, guint32 *value, GError **error)
{
	for (;;) {
		g_autoptr(GError) error_local = NULL;
		if (ub_target_read_u32(self->target, address, value, &error_local))
			return TRUE;
		if (!link_retry(self, &error_local)) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
	}
}

static gboolean
write32(UbFlashStm32f4 *self, guint32 address, guint32 value, GError **error)
{
	return ub_target_write_u32(self->target, address, value, error);
}

gboolean
ub_flash_stm32f4_check_sr(guint32 sr, GError **error)
{
	/* most specific first: a protected sector also flags the sequence on some parts */
	if (sr & UB_STM32F4_SR_WRPERR) {
		g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_WRITE_PROTECTED,
		            "write-protected by the option bytes (nWRP), FLASH_SR 0x%08x", sr);
		return FALSE;
	}
	if (sr & UB_STM32F4_SR_PGAERR) {
		g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_ALIGNMENT,
		            "programming alignment error (PGAERR), FLASH_SR 0x%08x", sr);
		return FALSE;
	}
	if (sr & UB_STM32F4_SR_PGPERR) {
		g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_PARALLELISM,
		            "write width differs from the programming parallelism (PGPERR), "
		            "FLASH_SR 0x%08x",
		            sr);
		return FALSE;
	}
	if (sr & UB_STM32F4_SR_PGSERR) {
		g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_SEQUENCE,
		            "programming sequence error (PGSERR), FLASH_SR 0x%08x", sr);
		return FALSE;
	}
	if (sr & UB_STM32F4_SR_OPERR) {
		g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_OPERATION,
		            "flash operation error (OPERR), FLASH_SR 0x%08x", sr);
		return FALSE;
	}
	return TRUE;
}

/* waits for BSY to fall, sleeping about as long as the operation should take */
static gboolean
wait_not_busy(UbFlashStm32f4 *self, guint64 expected_us, guint64 timeout_us, guint32 *sr,
              GCancellable *cancellable, GError **error)
{
	guint64 waited = 0;
	guint64 nap = expected_us;

	for (;;) {
		if (nap > 0) {
			ub_flash_stm32f4_sleep(self, nap);
			waited += nap;
		}
		if (!read32(self, UB_STM32F4_FLASH_SR, sr, error))
			return FALSE;
		if ((*sr & UB_STM32F4_SR_BSY) == 0)
			return TRUE;
		if (waited > timeout_us) {
			g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_BUSY_TIMEOUT,
			            "the flash stayed busy for %" G_GUINT64_FORMAT
			            " ms (FLASH_SR 0x%08x)",
			            waited / 1000, *sr);
			return FALSE;
		}
		/* an erase must not be left half-way: cancellation waits for BSY */
		nap = MAX(expected_us / 8, 1000);
	}
}

gboolean
ub_flash_stm32f4_unlock(UbFlashStm32f4 *self, GError **error)
{
	guint32 cr = 0;

	g_return_val_if_fail(UB_IS_FLASH_STM32F4(self), FALSE);
	if (!read32(self, UB_STM32F4_FLASH_CR, &cr, error))
		return FALSE;
	if ((cr & CR_LOCK) == 0)
		return TRUE;
	/* a wrong key raises a bus error and locks FLASH_CR until reset (RM0090 §3.5.1) */
	if (!write32(self, UB_STM32F4_FLASH_KEYR, FLASH_KEY1, error) ||
	    !write32(self, UB_STM32F4_FLASH_KEYR, FLASH_KEY2, error) ||
	    !read32(self, UB_STM32F4_FLASH_CR, &cr, error)) {
		g_prefix_error(error, "cannot unlock the flash: ");
		return FALSE;
	}
	if (cr & CR_LOCK) {
		g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_LOCKED,
		            "FLASH_CR stayed locked after the key sequence (0x%08x); a wrong key "
		            "earlier locks it until the next reset",
		            cr);
		return FALSE;
	}
	return TRUE;
}

gboolean
ub_flash_stm32f4_lock(UbFlashStm32f4 *self, GError **error)
{
	g_return_val_if_fail(UB_IS_FLASH_STM32F4(self), FALSE);
	return write32(self, UB_STM32F4_FLASH_CR, CR_LOCK, error);
}

/* ---- option bytes ---- */

gboolean
ub_flash_stm32f4_read_option_bytes(UbFlashStm32f4 *self, UbFlashOptionBytes *ob, GError **error)
{
	guint32 optcr = 0;

	g_return_val_if_fail(UB_IS_FLASH_STM32F4(self), FALSE);
	g_return_val_if_fail(ob != NULL, FALSE);
	if (!read32(self, UB_STM32F4_FLASH_OPTCR, &optcr, error)) {
		g_prefix_error(error, "cannot read the option bytes: ");
		return FALSE;
	}
	ob->optcr = optcr;
	ob->rdp = (optcr >> OPTCR_RDP_SHIFT) & 0xff;
	ob->nwrp = (optcr >> OPTCR_NWRP_SHIFT) & 0xfff;
	ob->bor_level = (optcr >> 2) & 0x3;
	ob->user = (optcr >> 5) & 0x7;
	return TRUE;
}

static gboolean session_prepare(UbFlashStm32f4 *self, GError **error);
static gboolean check_not_reset(UbFlashStm32f4 *self, const char *what, GError **error);
static void stub_abort(UbFlashStm32f4 *self);

/* RM0090 §3.7.1: what the option bytes hold now (OPTCR reads back whatever was written) */
static gboolean
read_stored_option_bytes(UbFlashStm32f4 *self, guint32 *optcr, GError **error)
{
	guint32 rdp_user = 0;
	guint32 nwrp = 0;

	if (!read32(self, OPTION_BYTES_RDP_USER, &rdp_user, error) ||
	    !read32(self, OPTION_BYTES_NWRP, &nwrp, error)) {
		g_prefix_error(error, "reading the stored option bytes: ");
		return FALSE;
	}
	*optcr = (rdp_user & 0xffecu) | ((nwrp & 0xfffu) << OPTCR_NWRP_SHIFT);
	return TRUE;
}

static guint8
option_rdp(guint32 optcr)
{
	return (optcr >> OPTCR_RDP_SHIFT) & 0xff;
}

gboolean
ub_flash_stm32f4_write_option_bytes(UbFlashStm32f4 *self, guint32 optcr, GCancellable *cancellable,
                                    GError **error)
{
	UbFlashOptionBytes old = {0};
	guint32 value = 0;
	guint32 sr = 0;
	guint32 stored = 0;
	guint64 expected;
	guint64 timeout;
	gboolean regression;

	g_return_val_if_fail(UB_IS_FLASH_STM32F4(self), FALSE);
	/* halted, watchdogs frozen: a reset between the erase and the programming of the option
	 * bytes leaves them erased, read protection level 1 (RM0090 §3.7.2) */
	if (self->stub_active)
		stub_abort(self);
	if (!session_prepare(self, error) ||
	    !ub_flash_stm32f4_read_option_bytes(self, &old, error))
		return FALSE;
	if (old.rdp == UB_STM32F4_RDP_LEVEL2) {
		g_set_error_literal(error, UB_TARGET_ERROR, UB_TARGET_ERROR_LOCKED_FOREVER,
		                    "read protection level 2: the option bytes cannot change");
		return FALSE;
	}
	if (old.optcr & OPTCR_OPTLOCK) {
		if (!write32(self, UB_STM32F4_FLASH_OPTKEYR, FLASH_OPTKEY1, error) ||
		    !write32(self, UB_STM32F4_FLASH_OPTKEYR, FLASH_OPTKEY2, error) ||
		    !read32(self, UB_STM32F4_FLASH_OPTCR, &value, error)) {
			g_prefix_error(error, "cannot unlock the option bytes: ");
			return FALSE;
		}
		if (value & OPTCR_OPTLOCK) {
			g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_LOCKED,
			            "FLASH_OPTCR stayed locked after the key sequence (0x%08x)",
			            value);
			return FALSE;
		}
	}
	if (!wait_not_busy(self, 0, 1000000, &sr, cancellable, error) ||
	    !write32(self, UB_STM32F4_FLASH_SR, SR_CLEAR, error))
		return FALSE;
	optcr &= ~(OPTCR_OPTLOCK | OPTCR_OPTSTRT);
	/* Leaving level 1 erases the whole flash first (RM0090 §3.7.3); which parallelism that
	 * erase uses is not documented, so it is timed as x8, the slowest: 32 s at most
	 * (DS8626), with half of that again to spare (audit F6). Any other change erases and
	 * reprograms the option sector, which DS8626 does not time: a 16 KiB x8 erase. */
	regression = old.rdp != UB_STM32F4_RDP_LEVEL0 &&
	             option_rdp(optcr) == UB_STM32F4_RDP_LEVEL0;
	expected = regression ? ub_flash_stm32f4_mass_erase_time_us(UB_FLASH_PSIZE_X8)
	                      : ub_flash_stm32f4_erase_time_us(0x4000, UB_FLASH_PSIZE_X8);
	timeout = regression ? expected * 3 : expected * 4 + 1000000;
	if (!write32(self, UB_STM32F4_FLASH_OPTCR, optcr, error) ||
	    !write32(self, UB_STM32F4_FLASH_OPTCR, optcr | OPTCR_OPTSTRT, error) ||
	    !wait_not_busy(self, expected, timeout, &sr, cancellable, error) ||
	    !check_not_reset(self, "the option byte change", error)) {
		g_prefix_error(error, "option bytes: ");
		return FALSE;
	}
	if (!ub_flash_stm32f4_check_sr(sr, error)) {
		g_prefix_error(error, "option bytes: ");
		return FALSE;
	}
	if (!write32(self, UB_STM32F4_FLASH_OPTCR, optcr | OPTCR_OPTLOCK, error))
		return FALSE;
	/* the stored bytes say what really happened (audit F15) */
	if (!read_stored_option_bytes(self, &stored, error))
		return FALSE;
	if ((stored & 0x0fffffecu) != (optcr & 0x0fffffecu)) {
		g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_FAILED,
		            "the option bytes hold 0x%08x after writing 0x%08x", stored,
		            optcr & 0x0fffffecu);
		return FALSE;
	}
	return TRUE;
}

gboolean
ub_flash_stm32f4_clear_write_protection(UbFlashStm32f4 *self, GCancellable *cancellable,
                                        GError **error)
{
	UbFlashOptionBytes ob = {0};
	guint32 mask = ((1u << self->sectors->len) - 1) << OPTCR_NWRP_SHIFT;

	g_return_val_if_fail(UB_IS_FLASH_STM32F4(self), FALSE);
	if (!ub_flash_stm32f4_read_option_bytes(self, &ob, error))
		return FALSE;
	if ((ob.optcr & mask) == mask)
		return TRUE;
	return ub_flash_stm32f4_write_option_bytes(self, ob.optcr | mask, cancellable, error);
}

gboolean
ub_flash_stm32f4_remove_read_protection(UbFlashStm32f4 *self, gboolean erase_all_consent,
                                        GCancellable *cancellable, GError **error)
{
	UbFlashOptionBytes ob = {0};
	guint32 optcr;

	g_return_val_if_fail(UB_IS_FLASH_STM32F4(self), FALSE);
	if (!ub_flash_stm32f4_read_option_bytes(self, &ob, error))
		return FALSE;
	if (ob.rdp == UB_STM32F4_RDP_LEVEL0)
		return TRUE;
	if (ob.rdp == UB_STM32F4_RDP_LEVEL2) {
		g_set_error_literal(error, UB_TARGET_ERROR, UB_TARGET_ERROR_LOCKED_FOREVER,
		                    "read protection level 2 is permanent");
		return FALSE;
	}
	if (!erase_all_consent) {
		g_set_error_literal(error, UB_TARGET_ERROR, UB_TARGET_ERROR_READ_PROTECTED,
		                    "read protection level 1: removing it erases the whole flash, "
		                    "which needs explicit consent");
		return FALSE;
	}
	optcr = (ob.optcr & ~(0xffu << OPTCR_RDP_SHIFT)) |
	        ((guint32)UB_STM32F4_RDP_LEVEL0 << OPTCR_RDP_SHIFT);
	if (!ub_flash_stm32f4_write_option_bytes(self, optcr, cancellable, error))
		return FALSE;
	self->stats.mass_erases++;
	return TRUE;
}

/* the device's time now, for the debug log's phase times */
static guint64
clock_us(UbFlashStm32f4 *self)
{
	return ub_clock_get_us(ub_target_get_clock(self->target));
}

/* ---- bulk transfers that survive a marginal link ---- */

/* a link error (noise on the wires): one SWD clock step slower and TRUE to try again, a few
 * times per session. Only for transfers that may be repeated: SRAM, and reads. */
static gboolean
link_retry(UbFlashStm32f4 *self, GError **error_local)
{
	guint mv = 0;

	if (!ub_target_error_is_link(*error_local) || self->link_retries >= LINK_RETRIES)
		return FALSE;
	/* a board that lost its supply fails the same way: a probe that measures it says so */
	if ((ub_probe_get_features(self->probe) & UB_PROBE_FEATURE_TARGET_VOLTAGE) != 0 &&
	    ub_probe_get_target_voltage(self->probe, &mv, NULL) && mv < LINK_MIN_MV)
		return FALSE;
	g_debug("%s", (*error_local)->message);
	if (!ub_target_swd_step_down(self->target, NULL))
		return FALSE;
	self->link_retries++;
	/* at the slower clock the debug port must answer, else the target is gone (unpowered,
	 * reset, unplugged), not the wires noisy */
	if (!ub_target_dp_answers(self->target))
		return FALSE;
	g_clear_error(error_local);
	return TRUE;
}

static gboolean
mem_read(UbFlashStm32f4 *self, guint32 address, guint8 *buffer, gsize len, UbAccess access,
         GError **error)
{
	for (;;) {
		g_autoptr(GError) error_local = NULL;
		if (ub_probe_read_memory(self->probe, address, buffer, len, access, &error_local))
			return TRUE;
		if (!link_retry(self, &error_local)) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
	}
}

/* SRAM only: a write to flash is not repeated */
static gboolean
mem_write_sram(UbFlashStm32f4 *self, guint32 address, const guint8 *data, gsize len,
               GError **error)
{
	for (;;) {
		g_autoptr(GError) error_local = NULL;
		if (ub_probe_write_memory(self->probe, address, data, len, UB_ACCESS_32,
		                          &error_local))
			return TRUE;
		if (!link_retry(self, &error_local)) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
	}
}

/* ---- progress of erase + write, fed as commands finish ---- */

/* Erases and programming go sector by sector (erase, then that sector's data), so they are
 * one step whose share is the datasheet time of the work done; its status says which kind
 * of work the flash is busy with. */
static void
op_begin(UbFlashStm32f4 *self, UbProgress *progress, guint64 total_us, gboolean erase_first)
{
	self->op_progress = progress;
	self->op_total_us = MAX(total_us, 1);
	self->op_done_us = 0;
	if (progress == NULL)
		return;
	ub_progress_add_step(progress, erase_first ? UB_STATUS_ERASE : UB_STATUS_WRITE, 100,
	                     "write");
}

/* @us of the datasheet time done; @next: what the flash turns to now */
static void
op_advance(UbFlashStm32f4 *self, guint64 us, UbStatus next)
{
	UbProgress *child;

	self->op_done_us += us;
	if (self->op_progress == NULL)
		return;
	child = ub_progress_get_child(self->op_progress);
	ub_progress_set_status(child, next);
	ub_progress_set_percentage_full(child, MIN(self->op_done_us, self->op_total_us),
	                                self->op_total_us);
}

static void
op_end(UbFlashStm32f4 *self, gboolean success)
{
	if (success && self->op_progress != NULL)
		ub_progress_step_done(self->op_progress);
	self->op_progress = NULL;
}

/* ---- the core and what runs beside it ---- */

static gboolean
core_halt(UbFlashStm32f4 *self, GError **error)
{
	return write32(self, UB_DHCSR, UB_DHCSR_DBGKEY | UB_DHCSR_C_HALT | UB_DHCSR_C_DEBUGEN,
	               error);
}

/* A reset since the last look (a watchdog, NRST, a dip in the supply) cut the operation
 * short: RM0090 leaves such a sector undefined, and after the reset BSY reads clear with no
 * error, which must not pass for success. The core, halted for the operation, runs again. */
static gboolean
check_not_reset(UbFlashStm32f4 *self, const char *what, GError **error)
{
	guint32 dhcsr = 0;

	if (!read32(self, UB_DHCSR, &dhcsr, error))
		return FALSE;
	if ((dhcsr & UB_DHCSR_S_RESET_ST) == 0 && (dhcsr & UB_DHCSR_S_HALT) != 0)
		return TRUE;
	self->prepared = FALSE;
	self->stub_active = FALSE;
	g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_INTERRUPTED,
	            "the chip reset during %s, which it left half done (DHCSR 0x%08x)", what,
	            dhcsr);
	return FALSE;
}

/* RM0090 §10.3.17: a stream stops after the transfer in progress; EN reads 1 until then */
static gboolean
stop_dma_streams(UbFlashStm32f4 *self, guint32 base, GError **error)
{
	guint8 regs[DMA_STREAMS * 0x18];

	if (!ub_probe_read_memory(self->probe, DMA_STREAM_CR(base, 0), regs, sizeof(regs),
	                          UB_ACCESS_32, error))
		return FALSE;
	for (guint stream = 0; stream < DMA_STREAMS; stream++) {
		guint32 cr = get_le32(regs + 0x18 * stream);
		guint polls = 0;

		if ((cr & DMA_SCR_EN) == 0)
			continue;
		g_info("stopping DMA%u stream %u (SxCR 0x%08x): it writes memory while the core "
		       "is halted",
		       base == DMA1_BASE ? 1u : 2u, stream, cr);
		if (!write32(self, DMA_STREAM_CR(base, stream), cr & ~DMA_SCR_EN, error))
			return FALSE;
		while (cr & DMA_SCR_EN) {
			if (polls++ >= 10) {
				g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAILED,
				            "DMA%u stream %u does not stop (SxCR 0x%08x)",
				            base == DMA1_BASE ? 1u : 2u, stream, cr);
				return FALSE;
			}
			if (!read32(self, DMA_STREAM_CR(base, stream), &cr, error))
				return FALSE;
		}
	}
	return TRUE;
}

/*
 * Before the first change: the core halted, and the chip made still around it.
 * - Halting the core stops neither the DMA controllers nor the watchdog. A running VESC
 *   streams ADC samples into SRAM by circular DMA, where the loader and its data go (audit
 *   F1): every enabled stream is disabled and the DMA1/DMA2/OTG_HS clocks gated (stlink-org
 *   gates DMA1EN/DMA2EN around its loader too).
 * - A halted core no longer reloads the watchdogs a firmware started (VESC: IWDG 17.6 ms,
 *   WWDG 12.5 ms); only DBG_IWDG_STOP/DBG_WWDG_STOP stop them (RM0090 §38.16.4). Every path needs it, erases,
 *   option bytes and direct writes as well as the loader (F2); a freeze that does not stick
 *   is refused rather than risked in the middle of an erase.
 * - The ART data cache keeps its lines over an erase (ST's HAL resets it after each one);
 *   both caches are turned off and reset, so every check reads the flash itself (F7).
 * Done once per session; finish() gives the caches and the clocks back.
 */
static gboolean
session_prepare(UbFlashStm32f4 *self, GError **error)
{
	guint32 sr = 0;
	guint32 fz = 0;
	guint32 ahb1enr = 0;
	guint32 acr = 0;
	guint32 dhcsr = 0;
	guint32 off;

	if (!core_halt(self, error))
		return FALSE;
	if (self->prepared)
		return TRUE;
	if (!read32(self, DBGMCU_APB1_FZ, &fz, error) ||
	    !write32(self, DBGMCU_APB1_FZ, fz | DBGMCU_WDG_STOP, error) ||
	    !read32(self, DBGMCU_APB1_FZ, &fz, error))
		return FALSE;
	if ((fz & DBGMCU_WDG_STOP) != DBGMCU_WDG_STOP) {
		g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAILED,
		            "the watchdogs cannot be stopped while the core is halted "
		            "(DBGMCU_APB1_FZ 0x%08x)",
		            fz);
		return FALSE;
	}
	if (!read32(self, RCC_AHB1ENR, &ahb1enr, error))
		return FALSE;
	if ((ahb1enr & RCC_DMA1EN) && !stop_dma_streams(self, DMA1_BASE, error))
		return FALSE;
	if ((ahb1enr & RCC_DMA2EN) && !stop_dma_streams(self, DMA2_BASE, error))
		return FALSE;
	/* the DMA clocks off, the CRC unit's on (the loader checks flash with it) */
	if ((ahb1enr & (RCC_BUS_MASTERS | RCC_CRCEN)) != RCC_CRCEN &&
	    !write32(self, RCC_AHB1ENR, (ahb1enr & ~RCC_BUS_MASTERS) | RCC_CRCEN, error))
		return FALSE;
	/* an operation an earlier session started (its program killed, its probe pulled, and
	 * no reset pin to cut it short) runs to its end: as long as the slowest there is, a
	 * mass erase at x8 (DS8626: 32 s at most) */
	if (!wait_not_busy(self, 0, 2 * ub_flash_stm32f4_mass_erase_time_us(UB_FLASH_PSIZE_X8),
	                   &sr, NULL, error)) {
		g_prefix_error(error, "an operation left running by an earlier session: ");
		return FALSE;
	}
	/* the caches reset only while disabled (RM0090 §3.9.1) */
	if (!read32(self, UB_STM32F4_FLASH_ACR, &acr, error))
		return FALSE;
	off = acr & ~(ACR_ICEN | ACR_DCEN | ACR_ICRST | ACR_DCRST);
	if (!write32(self, UB_STM32F4_FLASH_ACR, off, error) ||
	    !write32(self, UB_STM32F4_FLASH_ACR, off | ACR_ICRST | ACR_DCRST, error) ||
	    !write32(self, UB_STM32F4_FLASH_ACR, off, error))
		return FALSE;
	/* the fastest SWD clock the wires carry, measured once the DMA no longer writes SRAM
	 * (the ring is the scratch: the loader's data goes there anyway) */
	if (!self->clock_tuned) {
		if (!ub_target_tune_swd_clock(self->target, RING_ADDR, LINK_TEST_BYTES, error))
			return FALSE;
		self->clock_tuned = TRUE;
	}
	/* a reset before now is not this session's; from here on S_RESET_ST means one is */
	if (!read32(self, UB_DHCSR, &dhcsr, error))
		return FALSE;
	if ((dhcsr & UB_DHCSR_S_HALT) == 0 && (dhcsr & UB_DHCSR_S_RESET_ST) != 0) {
		/* nothing was changed yet: the reset only undid the preparation */
		g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_WAS_RESET,
		            "the chip reset while it was being prepared (NRST pulled, a watchdog "
		            "or a dip in the supply; DHCSR 0x%08x)",
		            dhcsr);
		return FALSE;
	}
	if ((dhcsr & UB_DHCSR_S_HALT) == 0) {
		g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NOT_HALTED,
		            "the core did not stay halted (DHCSR 0x%08x)", dhcsr);
		return FALSE;
	}
	self->saved_acr = acr;
	self->saved_ahb1enr = ahb1enr;
	self->prepared = TRUE;
	return TRUE;
}

/* the caches as the firmware had them (reset again: the flash changed under them), the bus
 * masters' and the CRC unit's clocks as they were; the DMA streams stay disabled */
static gboolean
session_restore(UbFlashStm32f4 *self, GError **error)
{
	guint32 off = self->saved_acr & ~(ACR_ICEN | ACR_DCEN | ACR_ICRST | ACR_DCRST);

	if (!self->prepared)
		return TRUE;
	self->prepared = FALSE;
	if (!write32(self, UB_STM32F4_FLASH_ACR, off | ACR_ICRST | ACR_DCRST, error) ||
	    !write32(self, UB_STM32F4_FLASH_ACR, off, error) ||
	    !write32(self, UB_STM32F4_FLASH_ACR, self->saved_acr & ~(ACR_ICRST | ACR_DCRST),
	             error))
		return FALSE;
	{
		guint32 ahb1enr = 0;
		guint32 mask = RCC_BUS_MASTERS | RCC_CRCEN;
		if (!read32(self, RCC_AHB1ENR, &ahb1enr, error))
			return FALSE;
		if ((ahb1enr & mask) != (self->saved_ahb1enr & mask) &&
		    !write32(self, RCC_AHB1ENR, (ahb1enr & ~mask) | (self->saved_ahb1enr & mask),
		             error))
			return FALSE;
	}
	return TRUE;
}

/* ---- the loader ---- */

static guint32
stub_slot_header(UbFlashStm32f4 *self, guint32 seq)
{
	guint32 slot = (seq - self->stub_first) % SLOT_COUNT;
	return RING_ADDR + slot * SLOT_STRIDE + SLOT_DATA;
}

static gboolean
stub_start(UbFlashStm32f4 *self, GError **error)
{
	guint8 image[STUB_MAX];
	guint32 control = ub_flash_stub_get_control_offset();
	guint32 sr = 0;

	if (!ub_flash_stub_check(error))
		return FALSE;
	if (ub_flash_stub_stm32f4_size > STUB_MAX) {
		g_set_error_literal(error, UB_FLASH_ERROR, UB_FLASH_ERROR_FAILED,
		                    "flash loader does not fit its SRAM slot");
		return FALSE;
	}
	if (!session_prepare(self, error) || !ub_flash_stm32f4_unlock(self, error))
		return FALSE;
	/* the loader stops on any error flag it finds: none may be left from before it */
	if (!wait_not_busy(self, 0, 1000000, &sr, NULL, error) ||
	    !write32(self, UB_STM32F4_FLASH_SR, SR_CLEAR, error))
		return FALSE;

	self->stub_first = g_random_int_range(1, G_MAXINT32);
	self->stub_next = self->stub_first;
	self->stub_done = self->stub_first - 1;
	g_array_set_size(self->pending, 0);
	memcpy(image, ub_flash_stub_stm32f4, ub_flash_stub_stm32f4_size);
	put_le32(image + control + UB_FLASH_STUB_CB_DONE, self->stub_done);
	put_le32(image + control + UB_FLASH_STUB_CB_PSIZE, self->psize);
	put_le32(image + control + UB_FLASH_STUB_CB_RING, RING_ADDR + SLOT_DATA);
	put_le32(image + control + UB_FLASH_STUB_CB_COUNT, SLOT_COUNT);
	put_le32(image + control + UB_FLASH_STUB_CB_STRIDE, SLOT_STRIDE);
	put_le32(image + control + UB_FLASH_STUB_CB_RESERVED, 0);
	put_le32(image + control + UB_FLASH_STUB_CB_FIRST, self->stub_first);
	put_le32(image + control + UB_FLASH_STUB_CB_ABORT, 0);
	if (!mem_write_sram(self, STUB_ADDR, image, ub_flash_stub_stm32f4_size, error)) {
		/* a bus fault in SRAM (not a lost probe) means the loader cannot be used */
		if (error != NULL && *error != NULL && (*error)->domain == UB_TARGET_ERROR)
			self->stub_unusable = TRUE;
		g_prefix_error(error, "cannot load the flash loader: ");
		return FALSE;
	}
	self->stub_control = STUB_ADDR + control;
	/* run in Thread mode with interrupts masked: C_MASKINTS changes only while halted */
	if (!ub_target_write_core_register(self->target, UB_REG_XPSR, XPSR_THUMB, error) ||
	    !ub_target_write_core_register(self->target, UB_REG_PC,
	                                   STUB_ADDR + ub_flash_stub_get_entry_offset(), error) ||
	    !write32(self, UB_DHCSR,
	             UB_DHCSR_DBGKEY | UB_DHCSR_C_MASKINTS | UB_DHCSR_C_HALT | UB_DHCSR_C_DEBUGEN,
	             error) ||
	    !write32(self, UB_DHCSR, UB_DHCSR_DBGKEY | UB_DHCSR_C_MASKINTS | UB_DHCSR_C_DEBUGEN,
	             error)) {
		g_prefix_error(error, "cannot start the flash loader: ");
		return FALSE;
	}
	self->stub_active = TRUE;
	self->stats.used_stub = TRUE;
	return TRUE;
}

static const UbFlashPending *
stub_first_pending(UbFlashStm32f4 *self)
{
	if (self->pending->len == 0)
		return NULL;
	return &g_array_index(self->pending, UbFlashPending, 0);
}

static void
stub_prefix_command(const UbFlashPending *pending, GError **error)
{
	if (pending == NULL)
		return;
	if (pending->cmd == UB_FLASH_STUB_CMD_ERASE_SECTOR)
		g_prefix_error(error, "sector %u: ", pending->addr);
	else if (pending->cmd == UB_FLASH_STUB_CMD_MASS_ERASE)
		g_prefix_error(error, "mass erase: ");
	else
		g_prefix_error(error, "at 0x%08x: ", pending->addr);
}

/* reads the control block; retires finished commands */
static gboolean
stub_poll(UbFlashStm32f4 *self, GError **error)
{
	guint8 cb[16];
	guint32 done;
	guint32 status;
	guint32 sr;
	guint32 fail;

	if (!mem_read(self, self->stub_control, cb, sizeof(cb), UB_ACCESS_32,
	                          error))
		return FALSE;
	done = get_le32(cb + UB_FLASH_STUB_CB_DONE);
	status = get_le32(cb + UB_FLASH_STUB_CB_STATUS);
	sr = get_le32(cb + UB_FLASH_STUB_CB_SR);
	fail = get_le32(cb + UB_FLASH_STUB_CB_FAIL);
	if (seq_before(self->stub_done, done))
		self->stub_done = done;
	while (self->pending->len > 0 &&
	       !seq_before(self->stub_done, stub_first_pending(self)->seq)) {
		const UbFlashPending *retired = stub_first_pending(self);
		const UbFlashPending *next = self->pending->len > 1
		                                     ? &g_array_index(self->pending, UbFlashPending, 1)
		                                     : NULL;
		UbStatus busy_with = next != NULL && next->cmd == UB_FLASH_STUB_CMD_ERASE_SECTOR
		                             ? UB_STATUS_ERASE
		                             : UB_STATUS_WRITE;

		if (retired->cmd == UB_FLASH_STUB_CMD_ERASE_SECTOR) {
			self->stats.sectors_erased++;
			self->stats.flash_us += retired->expected_us;
			op_advance(self, retired->expected_us, busy_with);
			ub_flash_stm32f4_event(self, UB_FLASH_EVENT_ERASED, retired->addr, 0);
		} else if (retired->cmd == UB_FLASH_STUB_CMD_PROGRAM) {
			self->stats.flash_us += retired->expected_us;
			op_advance(self, retired->expected_us, busy_with);
			ub_flash_stm32f4_event(self, UB_FLASH_EVENT_PROGRAMMED, retired->addr,
			                       retired->len);
		}
		g_array_remove_index(self->pending, 0);
	}

	switch (status) {
	case UB_FLASH_STUB_STATUS_RUNNING:
		return TRUE;
	case UB_FLASH_STUB_STATUS_EXITED:
		self->stub_active = FALSE;
		return TRUE;
	case UB_FLASH_STUB_STATUS_FLASH_ERROR:
		self->stub_active = FALSE;
		ub_flash_stm32f4_check_sr(sr, error);
		if (error != NULL && *error == NULL)
			g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_FAILED,
			            "flash error, FLASH_SR 0x%08x", sr);
		if (stub_first_pending(self) != NULL &&
		    stub_first_pending(self)->cmd == UB_FLASH_STUB_CMD_PROGRAM)
			g_prefix_error(error, "at 0x%08x: ", fail);
		else
			stub_prefix_command(stub_first_pending(self), error);
		return FALSE;
	case UB_FLASH_STUB_STATUS_LOCKED:
		self->stub_active = FALSE;
		g_set_error_literal(error, UB_FLASH_ERROR, UB_FLASH_ERROR_LOCKED,
		                    "FLASH_CR is locked; the flash loader cannot write");
		return FALSE;
	default:
		self->stub_active = FALSE;
		self->stub_unusable = TRUE;
		g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_FAILED,
		            "the flash loader stopped with status %u", status);
		return FALSE;
	}
}

/* the loader made no progress for too long: crashed, or the flash hangs */
static gboolean
stub_stalled(UbFlashStm32f4 *self, GError **error)
{
	guint32 dhcsr = 0;

	if (!read32(self, UB_DHCSR, &dhcsr, error))
		return FALSE;
	if (dhcsr & (UB_DHCSR_S_HALT | UB_DHCSR_S_LOCKUP)) {
		self->stub_active = FALSE;
		self->stub_unusable = TRUE;
		g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_FAILED,
		            "the flash loader stopped unexpectedly (DHCSR 0x%08x)", dhcsr);
		return FALSE;
	}
	g_set_error_literal(error, UB_FLASH_ERROR, UB_FLASH_ERROR_BUSY_TIMEOUT,
	                    "the flash did not finish in time");
	stub_prefix_command(stub_first_pending(self), error);
	return FALSE;
}

/* no progress since the last look: a reset would have taken the loader with it, and the
 * control block (SRAM survives a system reset) would go on reading "running" for ever */
static gboolean
stub_check_no_reset(UbFlashStm32f4 *self, GError **error)
{
	guint32 dhcsr = 0;

	if (!read32(self, UB_DHCSR, &dhcsr, error))
		return FALSE;
	if ((dhcsr & UB_DHCSR_S_RESET_ST) == 0)
		return TRUE;
	self->stub_active = FALSE;
	self->prepared = FALSE;
	g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_INTERRUPTED,
	            "the chip reset while the flash loader ran (DHCSR 0x%08x)", dhcsr);
	stub_prefix_command(stub_first_pending(self), error);
	return FALSE;
}

/* when command @seq should be done, from the expected times of what is queued before it */
static guint64
stub_expected_end(UbFlashStm32f4 *self, guint32 seq)
{
	guint64 end = 0;

	for (guint i = 0; i < self->pending->len; i++) {
		const UbFlashPending *pending = &g_array_index(self->pending, UbFlashPending, i);
		if (seq_before(seq, pending->seq))
			break;
		end = pending->end_us;
	}
	return end;
}

/* waits until command @seq has finished; polls first, then sleeps as long as the queued work
 * should take, so most waits cost one or two round trips */
static gboolean
stub_wait(UbFlashStm32f4 *self, guint32 seq, GCancellable *cancellable, GError **error)
{
	guint64 stalled = 0;
	guint32 last_done = self->stub_done;
	gboolean progressed = TRUE;

	for (;;) {
		guint64 nap;
		const UbFlashPending *first;

		if (!stub_poll(self, error))
			return FALSE;
		if (!seq_before(self->stub_done, seq))
			return TRUE;
		if (!self->stub_active) {
			g_set_error_literal(error, UB_FLASH_ERROR, UB_FLASH_ERROR_FAILED,
			                    "the flash loader exited early");
			return FALSE;
		}
		if (g_cancellable_set_error_if_cancelled(cancellable, error))
			return FALSE;
		if (self->stub_done != last_done) {
			last_done = self->stub_done;
			stalled = 0;
			progressed = TRUE;
		} else if (stalled > 0 && !stub_check_no_reset(self, error)) {
			return FALSE;
		}
		first = stub_first_pending(self);
		if (first != NULL && stalled > first->timeout_us)
			return stub_stalled(self, error);
		/* until the command should be done (a poll before that is a round trip spent
		 * for nothing, one after it leaves a slot unused while the flash works
		 * through the ring); once late, in eighths of the oldest one's time */
		if (progressed && stub_expected_end(self, seq) > clock_us(self))
			nap = stub_expected_end(self, seq) - clock_us(self);
		else
			nap = first != NULL ? first->expected_us / 8 : 0;
		nap = MAX(nap, 200);
		progressed = FALSE;
		ub_flash_stm32f4_sleep(self, nap);
		stalled += nap;
	}
}

/* queues one command; @data (may be NULL) is written just below the slot's header and
 * @result_len bytes are reserved there for results, or at @result_at when it is not 0 (a
 * place outside the ring, where results outlive the slot); returns the buffer address */
static gboolean
stub_submit(UbFlashStm32f4 *self, UbFlashStubCmd cmd, guint32 addr, guint32 len, guint32 arg,
            const guint8 *data, guint32 result_len, guint32 result_at, guint64 expected_us,
            guint32 *buf_out, GCancellable *cancellable, GError **error)
{
	UbFlashPending pending = {0};
	guint32 seq = self->stub_next;
	guint32 header = stub_slot_header(self, seq);
	guint32 data_len = data != NULL ? (len + 3) & ~3u : result_len;
	g_autofree guint8 *block = NULL;
	guint32 buf;

	g_return_val_if_fail(data_len <= SLOT_DATA, FALSE);
	if (seq_before(self->stub_done, seq - SLOT_COUNT) &&
	    !stub_wait(self, seq - SLOT_COUNT, cancellable, error))
		return FALSE;
	buf = data == NULL && result_at != 0 ? result_at : header - data_len;
	if (data == NULL && result_at != 0)
		data_len = 0;
	block = g_malloc(data_len + UB_FLASH_STUB_H_SIZE);
	memset(block, 0xff, data_len);
	if (data != NULL)
		memcpy(block, data, len);
	put_le32(block + data_len + UB_FLASH_STUB_H_CMD, cmd);
	put_le32(block + data_len + UB_FLASH_STUB_H_ADDR, addr);
	put_le32(block + data_len + UB_FLASH_STUB_H_LEN, len);
	put_le32(block + data_len + UB_FLASH_STUB_H_ARG, arg);
	put_le32(block + data_len + UB_FLASH_STUB_H_BUF, buf);
	put_le32(block + data_len + UB_FLASH_STUB_H_SEQ, seq);
	/* only the data and the header travel: result space needs no write */
	if (data != NULL) {
		if (!mem_write_sram(self, buf, block, data_len + UB_FLASH_STUB_H_SIZE, error))
			return FALSE;
	} else if (!mem_write_sram(self, header, block + data_len, UB_FLASH_STUB_H_SIZE, error)) {
		return FALSE;
	}
	pending.seq = seq;
	pending.cmd = cmd;
	pending.addr = addr;
	pending.len = len;
	pending.buf = buf;
	pending.expected_us = expected_us;
	/* twice the datasheet maximum (2 × typical for erase, 100/16 for programming) */
	pending.timeout_us = expected_us * 14 + 500000;
	/* it starts when the loader has done what is queued before it, or now */
	if (self->pending->len == 0 || self->stub_busy_until < clock_us(self))
		self->stub_busy_until = clock_us(self);
	self->stub_busy_until += expected_us;
	pending.end_us = self->stub_busy_until;
	g_array_append_val(self->pending, pending);
	self->stub_next++;
	if (buf_out != NULL)
		*buf_out = buf;
	return TRUE;
}

static gboolean
stub_ensure(UbFlashStm32f4 *self, GError **error)
{
	if (self->stub_active)
		return TRUE;
	return stub_start(self, error);
}

/* stops the loader at a safe point (after the command it is running); best effort */
static void
stub_abort(UbFlashStm32f4 *self)
{
	g_autoptr(GError) error_local = NULL;

	if (!self->stub_active)
		return;
	if (!write32(self, self->stub_control + UB_FLASH_STUB_CB_ABORT, 1, &error_local)) {
		g_debug("cannot stop the flash loader: %s", error_local->message);
		self->stub_active = FALSE;
		return;
	}
	for (guint i = 0; i < 100 && self->stub_active; i++) {
		const UbFlashPending *first = stub_first_pending(self);
		if (!stub_poll(self, &error_local)) {
			g_debug("flash loader: %s", error_local->message);
			break;
		}
		if (self->stub_active)
			ub_flash_stm32f4_sleep(self,
			                       MAX(first != NULL ? first->expected_us : 0, 1000));
	}
	self->stub_active = FALSE;
}

/* ---- direct register access (no loader) ---- */

static gboolean
direct_erase(UbFlashStm32f4 *self, guint32 cr_op, guint64 expected, GCancellable *cancellable,
             GError **error)
{
	guint32 sr = 0;
	guint32 cr = cr_op | ((guint32)self->psize << CR_PSIZE_SHIFT);

	if (!wait_not_busy(self, 0, 1000000, &sr, cancellable, error) ||
	    !write32(self, UB_STM32F4_FLASH_SR, SR_CLEAR, error) ||
	    !write32(self, UB_STM32F4_FLASH_CR, cr, error) ||
	    !write32(self, UB_STM32F4_FLASH_CR, cr | CR_STRT, error) ||
	    !wait_not_busy(self, expected, expected * 4 + 500000, &sr, cancellable, error) ||
	    !check_not_reset(self, "the erase", error))
		return FALSE;
	if (!write32(self, UB_STM32F4_FLASH_CR, 0, error))
		return FALSE;
	return ub_flash_stm32f4_check_sr(sr, error);
}

static const UbAccess access_for_psize[] = {UB_ACCESS_8, UB_ACCESS_16, UB_ACCESS_32};

/* The parallelism of direct writes: the element must reach the flash as one access of that
 * width. A probe without 16-bit memory commands (ST-LINK/V2 before J26) would turn x16 into
 * byte writes, which the flash refuses (PGPERR): bytes it is (audit D4). */
static UbFlashPsize
direct_psize(UbFlashStm32f4 *self)
{
	if (self->psize == UB_FLASH_PSIZE_X16 &&
	    !ub_probe_supports_access(self->probe, UB_ACCESS_16))
		return UB_FLASH_PSIZE_X8;
	return self->psize;
}

/* element by element with BSY polled in between, as OpenOCD's fallback writes: for a probe
 * that gave up on the bus stall of a back-to-back write (audit F9) */
static gboolean
direct_program_elements(UbFlashStm32f4 *self, guint32 address, const guint8 *data, gsize len,
                        UbFlashPsize psize, GCancellable *cancellable, GError **error)
{
	guint width = 1u << (guint)psize;
	guint32 sr = 0;

	for (gsize off = 0; off + width <= len; off += width) {
		gboolean erased = TRUE;

		for (guint i = 0; i < width; i++)
			erased &= data[off + i] == 0xff;
		if (erased)
			continue;
		if (!ub_probe_write_memory(self->probe, address + (guint32)off, data + off, width,
		                           access_for_psize[psize], error) ||
		    !wait_not_busy(self, 0, 1000000, &sr, cancellable, error))
			return FALSE;
		if (!ub_flash_stm32f4_check_sr(sr, error)) {
			g_prefix_error(error, "at 0x%08x: ", address + (guint32)off);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
direct_program(UbFlashStm32f4 *self, guint32 address, const guint8 *data, gsize len,
               GCancellable *cancellable, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	UbFlashPsize psize = direct_psize(self);
	guint32 sr = 0;

	if (!wait_not_busy(self, 0, 1000000, &sr, cancellable, error) ||
	    !write32(self, UB_STM32F4_FLASH_SR, SR_CLEAR, error) ||
	    !write32(self, UB_STM32F4_FLASH_CR, CR_PG | ((guint32)psize << CR_PSIZE_SHIFT), error))
		return FALSE;
	/* each write stalls the bus until the previous element is programmed; the probe
	 * retries the WAIT answers (RM0090 §3.6.2: BSY holds off the next access) */
	if (!ub_probe_write_memory(self->probe, address, data, len, access_for_psize[psize],
	                           &error_local)) {
		if (!g_error_matches(error_local, UB_TARGET_ERROR, UB_TARGET_ERROR_WAIT)) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		g_debug("at 0x%08x: %s; writing element by element", address, error_local->message);
		if (!direct_program_elements(self, address, data, len, psize, cancellable, error))
			return FALSE;
	}
	if (!wait_not_busy(self, 0, 1000000, &sr, cancellable, error) ||
	    !check_not_reset(self, "programming", error))
		return FALSE;
	if (!write32(self, UB_STM32F4_FLASH_CR, 0, error))
		return FALSE;
	if (!ub_flash_stm32f4_check_sr(sr, error)) {
		g_prefix_error(error, "at 0x%08x: ", address);
		return FALSE;
	}
	return TRUE;
}

/* ---- operations ---- */

static void
progress_set(UbProgress *progress, guint64 done, guint64 total)
{
	if (progress == NULL)
		return;
	ub_progress_set_bytes(progress, done, total);
}

static gboolean
erase_sector_expected(UbFlashStm32f4 *self, guint sector, guint64 *expected, GError **error)
{
	if (sector >= self->sectors->len) {
		g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_INVALID_ARGUMENT,
		            "there is no sector %u (the chip has %u)", sector, self->sectors->len);
		return FALSE;
	}
	*expected = ub_flash_stm32f4_erase_time_us(
	        g_array_index(self->sectors, UbFlashSector, sector).size, self->psize);
	return TRUE;
}

/* a piece of work for the loader or the direct path, in address order */
typedef struct {
	guint32 address;
	GBytes *data;
} UbFlashPiece;

static void
ub_flash_piece_clear(gpointer data)
{
	UbFlashPiece *piece = data;
	g_bytes_unref(piece->data);
}

static gint
compare_chunk_address(gconstpointer a, gconstpointer b)
{
	guint32 x = ub_image_chunk_get_address(*(UbImageChunk *const *)a);
	guint32 y = ub_image_chunk_get_address(*(UbImageChunk *const *)b);

	return x < y ? -1 : (x > y ? 1 : 0);
}

/* the end of the sector holding @address, or 0 when no sector holds it */
static guint64
sector_end_for(UbFlashStm32f4 *self, guint32 address)
{
	gint s = ub_flash_stm32f4_sector_for_address(self, address);
	const UbFlashSector *sector;

	if (s < 0)
		return 0;
	sector = &g_array_index(self->sectors, UbFlashSector, s);
	return (guint64)sector->address + sector->size;
}

/* cuts @chunks into word-aligned pieces of at most @max bytes inside one sector each, in
 * address order, leaving out long runs of erased words (nothing to program there); NULL when
 * some data lies outside the sector map */
static GArray *
split_program_pieces(UbFlashStm32f4 *self, GPtrArray *chunks, guint32 max, guint64 *total)
{
	g_autoptr(GArray) pieces = g_array_new(FALSE, FALSE, sizeof(UbFlashPiece));
	g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new(chunks->len);

	g_array_set_clear_func(pieces, ub_flash_piece_clear);
	/* borrowed: the caller's array owns the chunks */
	for (guint i = 0; i < chunks->len; i++)
		g_ptr_array_add(sorted, g_ptr_array_index(chunks, i));
	g_ptr_array_sort(sorted, compare_chunk_address);
	*total = 0;
	for (guint i = 0; i < sorted->len; i++) {
		UbImageChunk *chunk = g_ptr_array_index(sorted, i);
		guint32 address = ub_image_chunk_get_address(chunk);
		guint32 start = address & ~3u;
		guint32 end = (guint32)((ub_image_chunk_get_end(chunk) + 3) & ~(guint64)3);
		g_autofree guint8 *buf = g_malloc(end - start);
		gsize size = 0;
		const guint8 *data = g_bytes_get_data(ub_image_chunk_get_data(chunk), &size);
		guint32 pos = start;

		memset(buf, 0xff, end - start);
		memcpy(buf + (address - start), data, size);
		while (pos < end) {
			guint32 run_end;
			guint32 piece_end;
			guint64 limit;
			UbFlashPiece piece;

			/* skip erased words */
			while (pos < end && get_le32(buf + (pos - start)) == 0xffffffffu)
				pos += 4;
			if (pos >= end)
				break;
			limit = sector_end_for(self, pos);
			if (limit == 0 || sector_end_for(self, end - 1) == 0)
				return NULL;
			limit = MIN(limit, (guint64)end);
			/* extend until a long erased run, the sector's end, the chunk's end, or max */
			piece_end = pos;
			while (piece_end < limit && piece_end - pos < max) {
				if (get_le32(buf + (piece_end - start)) == 0xffffffffu) {
					run_end = piece_end;
					while (run_end < limit &&
					       run_end - piece_end < SKIP_RUN_MIN &&
					       get_le32(buf + (run_end - start)) == 0xffffffffu)
						run_end += 4;
					if (run_end - piece_end >= SKIP_RUN_MIN || run_end >= limit)
						break;
				}
				piece_end += 4;
			}
			piece.address = pos;
			piece.data = g_bytes_new(buf + (pos - start), piece_end - pos);
			*total += piece_end - pos;
			g_array_append_val(pieces, piece);
			pos = piece_end;
		}
	}
	return g_steal_pointer(&pieces);
}

static gboolean
sector_in(guint sector, const guint *list, guint n)
{
	for (guint i = 0; i < n; i++) {
		if (list[i] == sector)
			return TRUE;
	}
	return FALSE;
}

static guint64
piece_expected_us(UbFlashStm32f4 *self, const UbFlashPiece *piece, UbFlashPsize psize)
{
	gsize size = 0;
	const guint8 *data = g_bytes_get_data(piece->data, &size);

	return count_program_elements(data, size, psize) * UB_STM32F4_PROGRAM_US;
}

/* the sectors a program call changes: erased, or holding data (@pieces in address order) */
static guint
count_sectors_written(UbFlashStm32f4 *self, GArray *pieces, const guint *erase, guint n_erase)
{
	guint written = 0;
	guint next_piece = 0;

	for (guint s = 0; s < self->sectors->len; s++) {
		const UbFlashSector *sector = &g_array_index(self->sectors, UbFlashSector, s);
		gboolean has_data = FALSE;

		for (; next_piece < pieces->len; next_piece++) {
			const UbFlashPiece *piece = &g_array_index(pieces, UbFlashPiece, next_piece);
			if (piece->address - sector->address >= sector->size)
				break;
			has_data = TRUE;
		}
		if (has_data || sector_in(s, erase, n_erase))
			written++;
	}
	return written;
}

/* Sector by sector, in address order: a sector's erase, then its data. While the flash
 * erases, the sector's first data crosses SWD into the ring behind the erase command, and
 * while it programs one slot the next ones arrive: the flash is never left waiting for the
 * link as long as the link moves data at least as fast as the flash programs it. */
static gboolean
program_with_stub(UbFlashStm32f4 *self, GArray *pieces, const guint *erase, guint n_erase,
                  GCancellable *cancellable, GError **error)
{
	guint next_piece = 0;

	if (!stub_ensure(self, error))
		return FALSE;
	for (guint s = 0; s < self->sectors->len; s++) {
		const UbFlashSector *sector = &g_array_index(self->sectors, UbFlashSector, s);

		if (sector_in(s, erase, n_erase)) {
			guint64 expected = 0;
			if (!erase_sector_expected(self, s, &expected, error) ||
			    !stub_submit(self, UB_FLASH_STUB_CMD_ERASE_SECTOR, s, 0, 0, NULL, 0, 0,
			                 expected, NULL, cancellable, error))
				return FALSE;
		}
		for (; next_piece < pieces->len; next_piece++) {
			const UbFlashPiece *piece = &g_array_index(pieces, UbFlashPiece, next_piece);
			gsize size = 0;
			const guint8 *data = g_bytes_get_data(piece->data, &size);
			guint64 elements = count_program_elements(data, size, self->psize);

			if (piece->address - sector->address >= sector->size)
				break;
			if (g_cancellable_set_error_if_cancelled(cancellable, error))
				return FALSE;
			if (!stub_submit(self, UB_FLASH_STUB_CMD_PROGRAM, piece->address,
			                 (guint32)size, 0, data, 0, 0,
			                 elements * UB_STM32F4_PROGRAM_US, NULL, cancellable, error))
				return FALSE;
			self->stats.bytes_programmed += elements * psize_bytes(self->psize);
		}
	}
	/* every piece lies in a sector of the map (split_program_pieces) */
	g_return_val_if_fail(next_piece == pieces->len, FALSE);
	return stub_wait(self, self->stub_next - 1, cancellable, error);
}

static gboolean
program_direct(UbFlashStm32f4 *self, GArray *pieces, const guint *erase, guint n_erase,
               GCancellable *cancellable, GError **error)
{
	guint next_piece = 0;

	if (!session_prepare(self, error) || !ub_flash_stm32f4_unlock(self, error))
		return FALSE;
	for (guint s = 0; s < self->sectors->len; s++) {
		const UbFlashSector *sector = &g_array_index(self->sectors, UbFlashSector, s);

		if (sector_in(s, erase, n_erase)) {
			guint64 expected = 0;
			if (g_cancellable_set_error_if_cancelled(cancellable, error))
				return FALSE;
			if (!erase_sector_expected(self, s, &expected, error))
				return FALSE;
			if (!direct_erase(self, CR_SER | (s << CR_SNB_SHIFT), expected, cancellable,
			                  error)) {
				g_prefix_error(error, "sector %u: ", s);
				return FALSE;
			}
			self->stats.sectors_erased++;
			self->stats.flash_us += expected;
			op_advance(self, expected, UB_STATUS_WRITE);
			ub_flash_stm32f4_event(self, UB_FLASH_EVENT_ERASED, s, 0);
		}
		for (; next_piece < pieces->len; next_piece++) {
			const UbFlashPiece *piece = &g_array_index(pieces, UbFlashPiece, next_piece);
			gsize size = 0;
			const guint8 *data = g_bytes_get_data(piece->data, &size);

			if (piece->address - sector->address >= sector->size)
				break;
			for (gsize off = 0; off < size; off += DIRECT_PIECE) {
				gsize n = MIN(DIRECT_PIECE, size - off);
				guint64 elements =
				        count_program_elements(data + off, n, direct_psize(self));

				if (g_cancellable_set_error_if_cancelled(cancellable, error))
					return FALSE;
				if (!direct_program(self, piece->address + (guint32)off, data + off,
				                    n, cancellable, error))
					return FALSE;
				self->stats.bytes_programmed +=
				        elements * psize_bytes(direct_psize(self));
				self->stats.flash_us += elements * UB_STM32F4_PROGRAM_US;
				op_advance(self, elements * UB_STM32F4_PROGRAM_US, UB_STATUS_WRITE);
				ub_flash_stm32f4_event(self, UB_FLASH_EVENT_PROGRAMMED,
				                       piece->address + (guint32)off, (guint32)n);
			}
		}
	}
	g_return_val_if_fail(next_piece == pieces->len, FALSE);
	return TRUE;
}

gboolean
ub_flash_stm32f4_program(UbFlashStm32f4 *self, GPtrArray *chunks, const guint *erase, guint n_erase,
                         UbProgress *progress, GCancellable *cancellable, GError **error)
{
	g_autoptr(GArray) pieces = NULL;
	g_autoptr(GError) error_local = NULL;
	guint64 total = 0;
	guint64 total_us = 0;
	guint written;
	gboolean ok;

	g_return_val_if_fail(UB_IS_FLASH_STM32F4(self), FALSE);
	g_return_val_if_fail(chunks != NULL, FALSE);
	g_return_val_if_fail(erase != NULL || n_erase == 0, FALSE);

	for (guint i = 0; i < n_erase; i++) {
		guint64 expected = 0;
		if (!erase_sector_expected(self, erase[i], &expected, error))
			return FALSE;
		total_us += expected;
	}
	pieces = split_program_pieces(self, chunks, SLOT_DATA, &total);
	if (pieces == NULL) {
		g_set_error_literal(error, UB_TARGET_ERROR, UB_TARGET_ERROR_INVALID_ARGUMENT,
		                    "the data reaches past the chip's flash");
		return FALSE;
	}
	for (guint i = 0; i < pieces->len; i++)
		total_us += piece_expected_us(self, &g_array_index(pieces, UbFlashPiece, i),
		                              self->psize);
	written = count_sectors_written(self, pieces, erase, n_erase);
	op_begin(self, progress, total_us, n_erase > 0);
	if (self->use_stub && !self->stub_unusable) {
		guint64 start_us = clock_us(self);
		if (program_with_stub(self, pieces, erase, n_erase, cancellable, &error_local)) {
			op_end(self, TRUE);
			self->stats.sectors_written += written;
			g_debug("program: %u erases, %" G_GUINT64_FORMAT " bytes in %.1f ms (flash "
			        "busy %.1f ms)",
			        n_erase, total, (double)(clock_us(self) - start_us) / 1000,
			        (double)total_us / 1000);
			return TRUE;
		}
		stub_abort(self);
		if (!self->stub_unusable) {
			op_end(self, FALSE);
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		/* the loader cannot run on this chip: do the same work by direct writes */
		g_info("flash loader unusable (%s), falling back to direct writes",
		       error_local->message);
		self->stats.stub_failed = TRUE;
		g_clear_error(&error_local);
		if (progress != NULL) {
			ub_progress_reset(progress);
			op_begin(self, progress, total_us, n_erase > 0);
		}
	}
	ok = program_direct(self, pieces, erase, n_erase, cancellable, error);
	op_end(self, ok);
	if (ok)
		self->stats.sectors_written += written;
	return ok;
}

/* stops the loader (after its queued work) and locks FLASH_CR; the core is left halted */
gboolean
ub_flash_stm32f4_finish(UbFlashStm32f4 *self, GCancellable *cancellable, GError **error)
{
	g_return_val_if_fail(UB_IS_FLASH_STM32F4(self), FALSE);
	if (self->stub_active) {
		if (!stub_submit(self, UB_FLASH_STUB_CMD_EXIT, 0, 0, 0, NULL, 0, 0, 0, NULL,
		                 cancellable, error))
			return FALSE;
		for (guint i = 0; i < 100 && self->stub_active; i++) {
			if (!stub_poll(self, error))
				return FALSE;
			if (self->stub_active)
				ub_flash_stm32f4_sleep(self, 1000);
		}
		if (self->stub_active) {
			self->stub_active = FALSE;
			g_set_error_literal(error, UB_FLASH_ERROR, UB_FLASH_ERROR_FAILED,
			                    "the flash loader did not stop");
			return FALSE;
		}
	}
	if (!core_halt(self, error) || !session_restore(self, error))
		return FALSE;
	return ub_flash_stm32f4_lock(self, error);
}

/* stops the loader without waiting for queued work (cancellation, errors); best effort */
void
ub_flash_stm32f4_abort(UbFlashStm32f4 *self)
{
	g_return_if_fail(UB_IS_FLASH_STM32F4(self));
	stub_abort(self);
}

gboolean
ub_flash_stm32f4_prepare(UbFlashStm32f4 *self, GError **error)
{
	g_return_val_if_fail(UB_IS_FLASH_STM32F4(self), FALSE);
	return session_prepare(self, error);
}

gboolean
ub_flash_stm32f4_is_loader_running(UbFlashStm32f4 *self)
{
	g_return_val_if_fail(UB_IS_FLASH_STM32F4(self), FALSE);
	return self->stub_active;
}

gboolean
ub_flash_stm32f4_erase_sectors(UbFlashStm32f4 *self, const guint *sectors, guint n,
                               UbProgress *progress, GCancellable *cancellable, GError **error)
{
	g_return_val_if_fail(UB_IS_FLASH_STM32F4(self), FALSE);
	/* with no data the loader has nothing to overlap: erase by register writes, one sector
	 * at a time, so that progress and cancellation follow the sectors */
	if (self->stub_active)
		stub_abort(self);
	if (!session_prepare(self, error) || !ub_flash_stm32f4_unlock(self, error))
		return FALSE;
	for (guint i = 0; i < n; i++) {
		guint64 expected = 0;
		if (g_cancellable_set_error_if_cancelled(cancellable, error))
			return FALSE;
		if (!erase_sector_expected(self, sectors[i], &expected, error))
			return FALSE;
		if (!direct_erase(self, CR_SER | (sectors[i] << CR_SNB_SHIFT), expected,
		                  cancellable, error)) {
			g_prefix_error(error, "sector %u: ", sectors[i]);
			return FALSE;
		}
		self->stats.sectors_erased++;
		self->stats.flash_us += expected;
		ub_flash_stm32f4_event(self, UB_FLASH_EVENT_ERASED, sectors[i], 0);
		if (progress != NULL)
			ub_progress_set_percentage_full(progress, i + 1, n);
	}
	return TRUE;
}

gboolean
ub_flash_stm32f4_mass_erase(UbFlashStm32f4 *self, UbProgress *progress, GCancellable *cancellable,
                            GError **error)
{
	guint64 expected = ub_flash_stm32f4_mass_erase_time_us(self->psize);

	g_return_val_if_fail(UB_IS_FLASH_STM32F4(self), FALSE);
	if (self->stub_active)
		stub_abort(self);
	if (!session_prepare(self, error) || !ub_flash_stm32f4_unlock(self, error))
		return FALSE;
	if (!direct_erase(self, CR_MER, expected, cancellable, error)) {
		g_prefix_error(error, "mass erase: ");
		return FALSE;
	}
	self->stats.mass_erases++;
	self->stats.flash_us += expected;
	for (guint i = 0; i < self->sectors->len; i++)
		ub_flash_stm32f4_event(self, UB_FLASH_EVENT_ERASED, i, 0);
	if (progress != NULL)
		ub_progress_set_percentage(progress, 100);
	return TRUE;
}

static gboolean
verify_readback(UbFlashStm32f4 *self, guint32 address, const guint8 *expected, gsize len,
                GCancellable *cancellable, GError **error)
{
	g_autofree guint8 *buf = g_malloc(len);

	for (gsize off = 0; off < len; off += READ_PIECE) {
		gsize n = MIN(READ_PIECE, len - off);
		if (g_cancellable_set_error_if_cancelled(cancellable, error))
			return FALSE;
		if (!mem_read(self, address + (guint32)off, buf + off, n,
		                          UB_ACCESS_AUTO, error))
			return FALSE;
		self->stats.bytes_read += n;
	}
	for (gsize i = 0; i < len; i++) {
		if (buf[i] != expected[i]) {
			g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_VERIFY,
			            "flash at 0x%08x reads 0x%02x, the image has 0x%02x",
			            address + (guint32)i, buf[i], expected[i]);
			return FALSE;
		}
	}
	return TRUE;
}

/* the loader can check this chunk: whole words */
static gboolean
chunk_checkable(UbImageChunk *chunk)
{
	return (ub_image_chunk_get_address(chunk) & 3) == 0 &&
	       (ub_image_chunk_get_size(chunk) & 3) == 0 && ub_image_chunk_get_size(chunk) > 0;
}

/* The chip's CRC (its CRC unit) and the AND of the words of each checkable chunk, one block
 * per chunk: the commands are queued back to back with their results side by side past the
 * loader (RESULTS_ADDR), all read in one transfer once the last is done.
 * @checked[i] FALSE: chunk i is not whole words, nothing was computed for it. */
static gboolean
stub_check_chunks(UbFlashStm32f4 *self, GPtrArray *chunks, guint32 *crc, guint32 *and_words,
                  gboolean *checked, GCancellable *cancellable, GError **error)
{
	for (guint first = 0; first < chunks->len; first += RESULTS_MAX) {
		guint count = MIN(RESULTS_MAX, chunks->len - first);
		guint8 results[RESULTS_MAX * 8];
		gboolean queued = FALSE;

		for (guint i = first; i < first + count; i++) {
			UbImageChunk *chunk = g_ptr_array_index(chunks, i);
			guint32 size = (guint32)ub_image_chunk_get_size(chunk);

			checked[i] = chunk_checkable(chunk);
			if (!checked[i])
				continue;
			if (!stub_submit(self, UB_FLASH_STUB_CMD_CRC_BLOCKS,
			                 ub_image_chunk_get_address(chunk), size, size, NULL, 8,
			                 RESULTS_ADDR + (i - first) * 8,
			                 (guint64)size * CRC_NS_PER_BYTE / 1000, NULL, cancellable,
			                 error))
				return FALSE;
			queued = TRUE;
		}
		if (!queued)
			continue;
		if (!stub_wait(self, self->stub_next - 1, cancellable, error) ||
		    !mem_read(self, RESULTS_ADDR, results, count * 8,
		                          UB_ACCESS_32, error))
			return FALSE;
		for (guint i = first; i < first + count; i++) {
			crc[i] = get_le32(results + (i - first) * 8);
			and_words[i] = get_le32(results + (i - first) * 8 + 4);
		}
	}
	return TRUE;
}

/* a chunk whose CRC differs: which 4 KiB block, and its first differing byte */
static gboolean
stub_explain_mismatch(UbFlashStm32f4 *self, guint32 address, const guint8 *expected, gsize len,
                      GCancellable *cancellable, GError **error)
{
	guint32 max_len = (SLOT_DATA / 8) * VERIFY_BLOCK;

	for (gsize off = 0; off < len; off += max_len) {
		guint32 n = (guint32)MIN((gsize)max_len, len - off);
		guint32 blocks = (n + VERIFY_BLOCK - 1) / VERIFY_BLOCK;
		g_autofree guint8 *results = g_malloc(blocks * 8);
		guint32 buf = 0;

		if (!stub_submit(self, UB_FLASH_STUB_CMD_CRC_BLOCKS, address + (guint32)off, n,
		                 VERIFY_BLOCK, NULL, blocks * 8, 0,
		                 (guint64)n * CRC_NS_PER_BYTE / 1000, &buf, cancellable, error) ||
		    !stub_wait(self, self->stub_next - 1, cancellable, error) ||
		    !mem_read(self, buf, results, blocks * 8, UB_ACCESS_32,
		                          error))
			return FALSE;
		for (guint32 b = 0; b < blocks; b++) {
			guint32 start = b * VERIFY_BLOCK;
			guint32 size = MIN(VERIFY_BLOCK, n - start);
			guint32 want = ub_flash_crc32_stm32(expected + off + start, size);
			if (get_le32(results + b * 8) != want) {
				/* find the first differing byte for the message */
				if (!verify_readback(self, address + (guint32)off + start,
				                     expected + off + start, size, cancellable,
				                     error))
					return FALSE;
				g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_VERIFY,
				            "CRC of 0x%08x..0x%08x differs from the image",
				            address + (guint32)off + start,
				            address + (guint32)off + start + size - 1);
				return FALSE;
			}
		}
	}
	g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_VERIFY,
	            "CRC of 0x%08x..0x%08x differs from the image", address,
	            address + (guint32)len - 1);
	return FALSE;
}

gboolean
ub_flash_stm32f4_verify(UbFlashStm32f4 *self, GPtrArray *chunks, UbProgress *progress,
                        GCancellable *cancellable, GError **error)
{
	guint64 total = 0;
	guint64 done = 0;
	gboolean stub = self->use_stub && !self->stub_unusable;
	g_autofree guint32 *crc = NULL;
	g_autofree guint32 *and_words = NULL;
	g_autofree gboolean *checked = NULL;
	guint64 start_us;

	g_return_val_if_fail(UB_IS_FLASH_STM32F4(self), FALSE);
	g_return_val_if_fail(chunks != NULL, FALSE);
	start_us = clock_us(self);
	for (guint i = 0; i < chunks->len; i++)
		total += ub_image_chunk_get_size(g_ptr_array_index(chunks, i));
	/* the caches off, so that no line cached before an erase answers for the flash */
	if (!self->stub_active && !session_prepare(self, error))
		return FALSE;
	if (stub) {
		g_autoptr(GError) error_local = NULL;
		if (!stub_ensure(self, &error_local)) {
			if (!self->stub_unusable) {
				g_propagate_error(error, g_steal_pointer(&error_local));
				return FALSE;
			}
			g_debug("verifying by read-back: %s", error_local->message);
			stub = FALSE;
		}
	}
	crc = g_new0(guint32, MAX(chunks->len, 1));
	and_words = g_new0(guint32, MAX(chunks->len, 1));
	checked = g_new0(gboolean, MAX(chunks->len, 1));
	/* the chip computes a CRC per chunk (a whole sector after programming) with its CRC
	 * unit; only a chunk whose CRC differs is looked at closer */
	if (stub && !stub_check_chunks(self, chunks, crc, and_words, checked, cancellable, error))
		return FALSE;
	for (guint i = 0; i < chunks->len; i++) {
		UbImageChunk *chunk = g_ptr_array_index(chunks, i);
		guint32 address = ub_image_chunk_get_address(chunk);
		gsize size = 0;
		const guint8 *data = g_bytes_get_data(ub_image_chunk_get_data(chunk), &size);

		/* the loader's CRC works on whole words: unaligned edges are read back */
		if (checked[i]) {
			if (crc[i] != ub_flash_crc32_stm32(data, size) &&
			    !stub_explain_mismatch(self, address, data, size, cancellable, error))
				return FALSE;
		} else if (!verify_readback(self, address, data, size, cancellable, error)) {
			return FALSE;
		}
		done += size;
		progress_set(progress, done, total);
	}
	g_debug("verify: %" G_GUINT64_FORMAT " bytes %s in %.1f ms", total,
	        stub ? "by the chip's CRC" : "read back", (double)(clock_us(self) - start_us) / 1000);
	return TRUE;
}

gboolean
ub_flash_stm32f4_survey(UbFlashStm32f4 *self, GPtrArray *chunks, UbFlashHolds *holds,
                        GCancellable *cancellable, GError **error)
{
	g_autofree guint32 *crc = NULL;
	g_autofree guint32 *and_words = NULL;
	g_autofree gboolean *checked = NULL;

	g_return_val_if_fail(UB_IS_FLASH_STM32F4(self), FALSE);
	g_return_val_if_fail(chunks != NULL && holds != NULL, FALSE);

	for (guint i = 0; i < chunks->len; i++)
		holds[i] = UB_FLASH_HOLDS_UNKNOWN;
	if (!self->use_stub || self->stub_unusable)
		return TRUE;
	if (!stub_ensure(self, error)) {
		if (!self->stub_unusable)
			return FALSE;
		g_clear_error(error);
		return TRUE;
	}
	crc = g_new0(guint32, MAX(chunks->len, 1));
	and_words = g_new0(guint32, MAX(chunks->len, 1));
	checked = g_new0(gboolean, MAX(chunks->len, 1));
	if (!stub_check_chunks(self, chunks, crc, and_words, checked, cancellable, error))
		return FALSE;
	for (guint i = 0; i < chunks->len; i++) {
		UbImageChunk *chunk = g_ptr_array_index(chunks, i);
		gsize size = 0;
		const guint8 *data = g_bytes_get_data(ub_image_chunk_get_data(chunk), &size);

		if (!checked[i])
			continue;
		if (crc[i] == ub_flash_crc32_stm32(data, size))
			holds[i] = UB_FLASH_HOLDS_SAME;
		else if (and_words[i] == 0xffffffffu)
			holds[i] = UB_FLASH_HOLDS_ERASED;
		else
			holds[i] = UB_FLASH_HOLDS_OTHER;
	}
	return TRUE;
}

gboolean
ub_flash_stm32f4_compare(UbFlashStm32f4 *self, GPtrArray *chunks, gboolean *same,
                         GCancellable *cancellable, GError **error)
{
	g_autofree UbFlashHolds *holds = NULL;

	g_return_val_if_fail(UB_IS_FLASH_STM32F4(self), FALSE);
	g_return_val_if_fail(chunks != NULL && same != NULL, FALSE);
	holds = g_new0(UbFlashHolds, MAX(chunks->len, 1));
	if (!ub_flash_stm32f4_survey(self, chunks, holds, cancellable, error))
		return FALSE;
	for (guint i = 0; i < chunks->len; i++)
		same[i] = holds[i] == UB_FLASH_HOLDS_SAME;
	return TRUE;
}

GBytes *
ub_flash_stm32f4_read(UbFlashStm32f4 *self, guint32 address, guint32 size, UbFlashReadFlags flags,
                      UbProgress *progress, GCancellable *cancellable, GError **error)
{
	gboolean unchecked;
	g_autofree guint8 *buf = NULL;
	g_autofree guint8 *blank = NULL;
	guint32 blocks = 0;
	guint64 to_read = size;
	guint64 done = 0;
	guint32 piece;
	guint64 start_us;

	g_return_val_if_fail(UB_IS_FLASH_STM32F4(self), NULL);
	piece = MIN(READ_PIECE, MAX((guint32)ub_probe_get_max_transfer(self->probe) & ~3u, 4u));
	start_us = clock_us(self);
	if (!self->stub_active && !session_prepare(self, error))
		return NULL;
	buf = g_malloc(size);
	memset(buf, 0xff, size);

	/* find erased blocks on chip first: a VESC uses well under half of its flash */
	if (self->use_stub && !self->stub_unusable && (address % BLANK_BLOCK) == 0 &&
	    (size % BLANK_BLOCK) == 0 && size / BLANK_BLOCK * 8 <= SLOT_DATA) {
		g_autoptr(GError) error_local = NULL;
		g_autofree guint8 *results = NULL;
		guint32 result_buf = 0;

		blocks = size / BLANK_BLOCK;
		results = g_malloc(blocks * 8);
		if (!stub_ensure(self, &error_local) ||
		    !stub_submit(self, UB_FLASH_STUB_CMD_BLANK_BLOCKS, address, size, BLANK_BLOCK,
		                 NULL, blocks * 8, 0, (guint64)size * BLANK_NS_PER_BYTE / 1000,
		                 &result_buf, cancellable, &error_local) ||
		    !stub_wait(self, self->stub_next - 1, cancellable, &error_local) ||
		    !mem_read(self, result_buf, results, blocks * 8,
		                          UB_ACCESS_32, &error_local)) {
			if (!self->stub_unusable) {
				g_propagate_error(error, g_steal_pointer(&error_local));
				return NULL;
			}
			g_debug("reading everything: %s", error_local->message);
			blocks = 0;
		} else {
			blank = g_malloc0(blocks);
			for (guint32 b = 0; b < blocks; b++) {
				blank[b] = get_le32(results + b * 8 + 4) == 0xffffffffu;
				if (blank[b]) {
					to_read -= BLANK_BLOCK;
					self->stats.bytes_blank += BLANK_BLOCK;
				}
			}
		}
	}

	/* the chip's CRC can only be asked while the loader runs */
	unchecked = (flags & UB_FLASH_READ_CRC_CHECKED) != 0 && self->use_stub &&
	            !self->stub_unusable && self->stub_active;
	for (guint32 off = 0; off < size;) {
		/* a run of non-blank blocks, at most one probe transfer and not across its
		 * boundary: the probe would split it into two commands */
		guint32 limit = piece - (address + off) % piece;
		guint32 n;

		if (blank != NULL && blank[off / BLANK_BLOCK]) {
			off += BLANK_BLOCK;
			continue;
		}
		n = 0;
		while (off + n < size && n < limit &&
		       (blank == NULL || !blank[(off + n) / BLANK_BLOCK]))
			n += blank != NULL ? BLANK_BLOCK : limit;
		n = MIN(n, MIN(size - off, limit));
		if (g_cancellable_set_error_if_cancelled(cancellable, error))
			return NULL;
		if (unchecked ? !ub_probe_read_memory_unchecked(self->probe, address + off,
		                                                buf + off, n, UB_ACCESS_AUTO, error)
		              : !mem_read(self, address + off, buf + off, n, UB_ACCESS_AUTO, error)) {
			g_prefix_error(error, "reading 0x%08x: ", address + off);
			return NULL;
		}
		self->stats.bytes_read += n;
		done += n;
		progress_set(progress, done, to_read);
		off += n;
	}
	g_debug("read: %" G_GUINT64_FORMAT " of %u bytes in %.1f ms", to_read, size,
	        (double)(clock_us(self) - start_us) / 1000);
	return g_bytes_new_take(g_steal_pointer(&buf), size);
}

/* ---- GObject ---- */

static void
ub_flash_stm32f4_dispose(GObject *object)
{
	UbFlashStm32f4 *self = UB_FLASH_STM32F4(object);

	g_clear_object(&self->probe);
	g_clear_object(&self->target);
	G_OBJECT_CLASS(ub_flash_stm32f4_parent_class)->dispose(object);
}

static void
ub_flash_stm32f4_finalize(GObject *object)
{
	UbFlashStm32f4 *self = UB_FLASH_STM32F4(object);

	g_array_unref(self->sectors);
	g_array_unref(self->pending);
	G_OBJECT_CLASS(ub_flash_stm32f4_parent_class)->finalize(object);
}

static void
ub_flash_stm32f4_class_init(UbFlashStm32f4Class *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->dispose = ub_flash_stm32f4_dispose;
	object_class->finalize = ub_flash_stm32f4_finalize;
}

static void
ub_flash_stm32f4_init(UbFlashStm32f4 *self)
{
	self->sectors = g_array_new(FALSE, FALSE, sizeof(UbFlashSector));
	g_array_append_vals(self->sectors, ub_flash_f40x_sectors,
	                    G_N_ELEMENTS(ub_flash_f40x_sectors));
	self->pending = g_array_new(FALSE, FALSE, sizeof(UbFlashPending));
	self->psize = UB_FLASH_PSIZE_X32;
	self->use_stub = TRUE;
}
