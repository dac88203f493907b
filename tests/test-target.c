/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbTarget over UbProbeStlink against a small fake ST-LINK + F405 (just the registers the
 * debug layer touches). The full simulator is exercised by test-device; this one pins the
 * debug-layer logic: reset detection, halt-on-reset, identification and chunking.
 */
#include "config.h"

#include <string.h>

#include "ub-error.h"
#include "ub-probe-stlink.h"
#include "ub-target.h"

#define UB_TYPE_FAKE_STLINK (ub_fake_stlink_get_type())
G_DECLARE_FINAL_TYPE(UbFakeStlink, ub_fake_stlink, UB, FAKE_STLINK, UbTransport)

struct _UbFakeStlink {
	UbTransport parent_instance;
	GHashTable *words; /* address → value */
	GQueue replies;	   /* GBytes */
	GPtrArray *commands; /* GBytes of each 16-byte command */
	/* target state */
	gboolean halted;
	gboolean reset_st;
	gboolean nrst_low;
	gboolean nrst_wired;
	gboolean halt_ignored;
	guint32 demcr;
	guint resets;
	/* pending WRITEMEM data phase */
	guint32 write_address;
	gsize write_len;
	gboolean write_bytes;
	/* cancel this after that many READMEM_32BIT commands */
	GCancellable *cancel_after_cancellable;
	guint cancel_after;
	guint readmem_count;
};

G_DEFINE_TYPE(UbFakeStlink, ub_fake_stlink, UB_TYPE_TRANSPORT)

static guint32
get_le32(const guint8 *buf)
{
	return buf[0] | (buf[1] << 8) | (buf[2] << 16) | ((guint32)buf[3] << 24);
}

static void
put_le32(guint8 *buf, guint32 value)
{
	buf[0] = value;
	buf[1] = value >> 8;
	buf[2] = value >> 16;
	buf[3] = value >> 24;
}

static void
fake_reply(UbFakeStlink *self, const guint8 *data, gsize len)
{
	g_queue_push_tail(&self->replies, g_bytes_new(data, len));
}

static void
fake_reset(UbFakeStlink *self)
{
	self->resets++;
	self->reset_st = TRUE;
	/* a system reset clears C_HALT; VC_CORERESET halts on the first instruction */
	self->halted = (self->demcr & UB_DEMCR_VC_CORERESET) != 0;
}

static guint32
fake_read(UbFakeStlink *self, guint32 address)
{
	if (address == UB_DHCSR) {
		guint32 value = UB_DHCSR_C_DEBUGEN;
		if (self->halted)
			value |= UB_DHCSR_S_HALT | UB_DHCSR_C_HALT | UB_DHCSR_S_REGRDY;
		if (self->reset_st || self->nrst_low)
			value |= UB_DHCSR_S_RESET_ST;
		self->reset_st = FALSE;
		return value;
	}
	if (address == UB_DEMCR)
		return self->demcr;
	return GPOINTER_TO_UINT(g_hash_table_lookup(self->words, GUINT_TO_POINTER(address)));
}

static void
fake_write(UbFakeStlink *self, guint32 address, guint32 value)
{
	if (address == UB_DHCSR) {
		if ((value >> 16) != 0xA05F)
			return;
		/* C_STEP from halted: one instruction, then Debug state again */
		if (self->halted && (value & UB_DHCSR_C_STEP))
			return;
		if (!self->halt_ignored)
			self->halted = (value & UB_DHCSR_C_HALT) != 0;
		return;
	}
	if (address == UB_DEMCR) {
		self->demcr = value;
		return;
	}
	if (address == UB_AIRCR && value == 0x05FA0004) {
		fake_reset(self);
		return;
	}
	g_hash_table_insert(self->words, GUINT_TO_POINTER(address), GUINT_TO_POINTER(value));
}

static gboolean
fake_bulk_write(UbTransport *transport, guint8 endpoint, const guint8 *cmd, gsize len,
		guint timeout_ms, GError **error)
{
	UbFakeStlink *self = UB_FAKE_STLINK(transport);
	guint8 reply[12] = {0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

	if (self->write_len > 0) {
		g_assert_cmpuint(len, ==, self->write_len);
		for (gsize i = 0; !self->write_bytes && i + 4 <= len; i += 4)
			fake_write(self, self->write_address + i, get_le32(cmd + i));
		self->write_len = 0;
		return TRUE;
	}
	g_assert_cmpuint(len, ==, 16);
	g_ptr_array_add(self->commands, g_bytes_new(cmd, len));
	if (cmd[0] == 0xF1) {
		const guint8 version[] = {0x29, 0x47, 0x83, 0x04, 0x48, 0x37};
		fake_reply(self, version, sizeof(version));
	} else if (cmd[0] == 0xF5) {
		reply[0] = 0x01;
		fake_reply(self, reply, 2);
	} else if (cmd[0] == 0xF7) {
		put_le32(reply, 1200);
		put_le32(reply + 4, 1650);
		fake_reply(self, reply, 8);
	} else if (cmd[0] != 0xF2) {
		g_assert_not_reached();
	} else if (cmd[1] == 0x43 || cmd[1] == 0x30 || cmd[1] == 0x4B || cmd[1] == 0x32) {
		fake_reply(self, reply, 2);
	} else if (cmd[1] == 0x31) {
		put_le32(reply + 4, 0x2BA01477);
		fake_reply(self, reply, 12);
	} else if (cmd[1] == 0x36) {
		put_le32(reply + 4, fake_read(self, get_le32(cmd + 2)));
		fake_reply(self, reply, 8);
	} else if (cmd[1] == 0x35) {
		fake_write(self, get_le32(cmd + 2), get_le32(cmd + 6));
		fake_reply(self, reply, 2);
	} else if (cmd[1] == 0x3C) {
		if (self->nrst_wired) {
			if (cmd[2] == 0x00) {
				self->nrst_low = TRUE;
				self->reset_st = TRUE;
			} else if (self->nrst_low) {
				self->nrst_low = FALSE;
				fake_reset(self);
			}
		}
		fake_reply(self, reply, 2);
	} else if (cmd[1] == 0x07) {
		guint32 address = get_le32(cmd + 2);
		gsize n = cmd[6] | (cmd[7] << 8);
		g_autofree guint8 *data = g_malloc(n);
		for (gsize i = 0; i < n; i += 4)
			put_le32(data + i, fake_read(self, address + i));
		fake_reply(self, data, n);
		if (self->cancel_after_cancellable != NULL &&
		    ++self->readmem_count == self->cancel_after)
			g_cancellable_cancel(self->cancel_after_cancellable);
	} else if (cmd[1] == 0x08 || cmd[1] == 0x0D) {
		self->write_address = get_le32(cmd + 2);
		self->write_len = cmd[6] | (cmd[7] << 8);
		self->write_bytes = cmd[1] == 0x0D;
	} else if (cmd[1] == 0x3E) {
		fake_reply(self, reply, 12);
	} else if (cmd[1] == 0x21) {
		/* EXIT: no reply */
	} else {
		g_assert_not_reached();
	}
	return TRUE;
}

static gboolean
fake_bulk_read(UbTransport *transport, guint8 endpoint, guint8 *buffer, gsize len,
	       guint timeout_ms, gsize *actual, GError **error)
{
	UbFakeStlink *self = UB_FAKE_STLINK(transport);
	g_autoptr(GBytes) reply = g_queue_pop_head(&self->replies);

	/* a probe with nothing to say NAKs until the host gives up */
	if (reply == NULL) {
		g_set_error_literal(error, UB_PROBE_ERROR, UB_PROBE_ERROR_TIMEOUT, "no reply");
		return FALSE;
	}
	g_assert_cmpuint(g_bytes_get_size(reply), <=, len);
	memcpy(buffer, g_bytes_get_data(reply, NULL), g_bytes_get_size(reply));
	*actual = g_bytes_get_size(reply);
	return TRUE;
}

static void
ub_fake_stlink_finalize(GObject *object)
{
	UbFakeStlink *self = UB_FAKE_STLINK(object);

	g_hash_table_unref(self->words);
	g_ptr_array_unref(self->commands);
	g_queue_clear_full(&self->replies, (GDestroyNotify)g_bytes_unref);
	G_OBJECT_CLASS(ub_fake_stlink_parent_class)->finalize(object);
}

static void
ub_fake_stlink_class_init(UbFakeStlinkClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_fake_stlink_finalize;
	UB_TRANSPORT_CLASS(klass)->bulk_write = fake_bulk_write;
	UB_TRANSPORT_CLASS(klass)->bulk_read = fake_bulk_read;
}

static void
ub_fake_stlink_init(UbFakeStlink *self)
{
	self->words = g_hash_table_new(g_direct_hash, g_direct_equal);
	self->commands = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	self->nrst_wired = TRUE;
	g_queue_init(&self->replies);
}

static void
fake_set(UbFakeStlink *self, guint32 address, guint32 value)
{
	g_hash_table_insert(self->words, GUINT_TO_POINTER(address), GUINT_TO_POINTER(value));
}

typedef struct {
	UbFakeStlink *fake;
	UbProbe *probe;
	UbTarget *target;
	UbChipDb *chip_db;
} Fixture;

static void
fixture_setup(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;

	fixture->fake = g_object_new(UB_TYPE_FAKE_STLINK, NULL);
	ub_transport_set_identity(UB_TRANSPORT(fixture->fake), 0x0483, 0x3748, "FAKE", "fake");
	fake_set(fixture->fake, UB_CPUID, 0x410FC241);
	fake_set(fixture->fake, UB_DBGMCU_IDCODE, 0x10076413);
	fake_set(fixture->fake, 0x1FFF7A20, 0x0400FFFF);
	fake_set(fixture->fake, 0x1FFF7A10, 0x00330021);
	fake_set(fixture->fake, 0x1FFF7A14, 0x33345111);
	fake_set(fixture->fake, 0x1FFF7A18, 0x36363930);
	fake_set(fixture->fake, 0x40023C14, 0x0FFFAAED);
	fixture->probe = UB_PROBE(ub_probe_stlink_new(UB_TRANSPORT(fixture->fake), &error));
	g_assert_no_error(error);
	g_assert_true(ub_probe_open(fixture->probe, &error));
	g_assert_no_error(error);
	fixture->target = ub_target_new(fixture->probe);
	fixture->chip_db = ub_chip_db_new();
	g_assert_true(ub_chip_db_load(fixture->chip_db, &error));
	g_assert_no_error(error);
	g_ptr_array_set_size(fixture->fake->commands, 0);
}

static void
fixture_teardown(Fixture *fixture, gconstpointer user_data)
{
	g_object_unref(fixture->chip_db);
	g_object_unref(fixture->target);
	g_object_unref(fixture->probe);
	g_object_unref(fixture->fake);
}

static guint8
command_at(Fixture *fixture, guint idx, guint byte)
{
	g_assert_cmpuint(idx, <, fixture->fake->commands->len);
	return ((const guint8 *)g_bytes_get_data(
	    g_ptr_array_index(fixture->fake->commands, idx), NULL))[byte];
}

static void
test_target_connect(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;

	g_assert_true(ub_target_connect(fixture->target, &error));
	g_assert_no_error(error);
	g_assert_cmphex(ub_target_get_dp_idcode(fixture->target), ==, 0x2ba01477);
	g_assert_cmphex(ub_target_get_cpuid(fixture->target), ==, 0x410fc241);
	/* the order of st-info: clock, ENTER_SWD (+ INIT_AP on J37), READ_IDCODES, CPUID */
	g_assert_cmpuint(fixture->fake->commands->len, ==, 5);
	g_assert_cmphex(command_at(fixture, 0, 1), ==, 0x43);
	g_assert_cmphex(command_at(fixture, 1, 1), ==, 0x30);
	g_assert_cmphex(command_at(fixture, 2, 1), ==, 0x4b);
	g_assert_cmphex(command_at(fixture, 3, 1), ==, 0x31);
	g_assert_cmphex(command_at(fixture, 4, 1), ==, 0x36);

	/* not an ARM core: CPUID implementer must be 0x41 */
	fake_set(fixture->fake, UB_CPUID, 0);
	g_assert_false(ub_target_connect(fixture->target, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_UNKNOWN_CHIP);
}

static void
test_target_info(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(UbTargetInfo) info = NULL;
	g_autoptr(UbTargetInfo) info_rdp1 = NULL;
	g_autoptr(UbTargetInfo) info_rev_a = NULL;
	g_autoptr(UbTargetInfo) info_unknown = NULL;

	info = ub_target_read_info(fixture->target, fixture->chip_db, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(ub_target_info_get_chip_name(info), ==, "STM32F405/407/415/417");
	g_assert_cmpstr(ub_target_info_get_revision(info), ==, "1");
	g_assert_cmphex(ub_target_info_get_rev_id(info), ==, 0x1007);
	/* the upper half-word of 0x1FFF7A20 is the size in KiB */
	g_assert_cmpuint(ub_target_info_get_flash_size(info), ==, 1024 * 1024);
	g_assert_cmpstr(ub_target_info_get_uid(info), ==, "21003300115134333039363" "6");
	g_assert_cmpuint(ub_target_info_get_rdp_level(info), ==, 0);
	g_assert_cmpuint(ub_target_info_get_voltage_mv(info), ==, 3300);
	g_assert_cmpint(ub_target_info_get_core_state(info), ==, UB_CORE_STATE_RUNNING);

	/* RDP level 1 (any byte but 0xAA/0xCC), and a halted core */
	fake_set(fixture->fake, 0x40023C14, 0x0FFF55ED);
	fixture->fake->halted = TRUE;
	info_rdp1 = ub_target_read_info(fixture->target, fixture->chip_db, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(ub_target_info_get_rdp_level(info_rdp1), ==, 1);
	g_assert_cmpint(ub_target_info_get_core_state(info_rdp1), ==, UB_CORE_STATE_HALTED);

	/* revision A reads DEV_ID 0x411; an unreadable size register means the default */
	fake_set(fixture->fake, UB_DBGMCU_IDCODE, 0x10006411);
	fake_set(fixture->fake, 0x1FFF7A20, 0xFFFFFFFF);
	fake_set(fixture->fake, 0x40023C14, 0x0FFFCCED);
	info_rev_a = ub_target_read_info(fixture->target, fixture->chip_db, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmphex(ub_target_info_get_dev_id(info_rev_a), ==, 0x413);
	g_assert_cmpuint(ub_target_info_get_flash_size(info_rev_a), ==, 1024 * 1024);
	g_assert_cmpuint(ub_target_info_get_rdp_level(info_rev_a), ==, 2);
	g_assert_cmpstr(ub_target_info_get_revision(info_rev_a), ==, "A");

	fake_set(fixture->fake, UB_DBGMCU_IDCODE, 0x10006999);
	info_unknown = ub_target_read_info(fixture->target, fixture->chip_db, NULL, &error);
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_UNKNOWN_CHIP);
	g_assert_null(info_unknown);
}

static void
test_target_reset(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	UbCoreState state = UB_CORE_STATE_UNKNOWN;

	/* NRST with halt: stops at the reset vector, VC_CORERESET cleared afterwards */
	g_assert_true(ub_target_reset(fixture->target, UB_RESET_NRST, TRUE, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(fixture->fake->resets, ==, 1);
	g_assert_true(fixture->fake->halted);
	g_assert_cmphex(fixture->fake->demcr & UB_DEMCR_VC_CORERESET, ==, 0);
	g_assert_true(ub_target_get_core_state(fixture->target, &state, &error));
	g_assert_cmpint(state, ==, UB_CORE_STATE_HALTED);

	/* run, then SYSRESETREQ without halt: running again */
	g_assert_true(ub_target_run(fixture->target, &error));
	g_assert_false(fixture->fake->halted);
	g_assert_true(ub_target_reset(fixture->target, UB_RESET_SYSRESETREQ, FALSE, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(fixture->fake->resets, ==, 2);
	g_assert_false(fixture->fake->halted);

	/* the clone whose RST pin goes nowhere */
	fixture->fake->nrst_wired = FALSE;
	g_assert_false(ub_target_reset(fixture->target, UB_RESET_NRST, TRUE, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_RESET_NO_EFFECT);
	g_clear_error(&error);

	/* NRST held low by the board: the core is seen in reset */
	fixture->fake->nrst_wired = TRUE;
	fixture->fake->nrst_low = TRUE;
	g_assert_true(ub_target_get_core_state(fixture->target, &state, &error));
	g_assert_no_error(error);
	g_assert_cmpint(state, ==, UB_CORE_STATE_IN_RESET);
}

static void
test_target_halt(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;

	g_assert_true(ub_target_halt(fixture->target, &error));
	g_assert_no_error(error);
	g_assert_true(fixture->fake->halted);
	g_assert_true(ub_target_step(fixture->target, &error));
	g_assert_no_error(error);
	g_assert_true(fixture->fake->halted);
	g_assert_true(ub_target_run(fixture->target, &error));
	g_assert_false(fixture->fake->halted);

	/* stepping a running core is refused */
	g_assert_false(ub_target_step(fixture->target, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NOT_HALTED);
	g_clear_error(&error);

	/* a core that never reaches Debug state */
	fixture->fake->halt_ignored = TRUE;
	g_assert_false(ub_target_halt(fixture->target, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NOT_HALTED);
}

static void
test_target_memory_chunks(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(UbProgress) progress = ub_progress_new();
	g_autoptr(GCancellable) cancellable = g_cancellable_new();
	g_autofree guint8 *buf = g_malloc0(20000);
	guint8 data[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
	guint readmem = 0;

	fake_set(fixture->fake, 0x20000000, 0x11223344);
	g_assert_true(ub_target_read_memory(fixture->target, 0x20000000, buf, 20000, progress,
					    NULL, &error));
	g_assert_no_error(error);
	g_assert_cmphex(buf[0], ==, 0x44);
	g_assert_cmpuint(ub_progress_get_percentage(progress), ==, 100);
	/* 20000 bytes: 4096 × 4 + 3616, never across a 4 KiB TAR block (OpenOCD's
	 * stlink_max_block_size()), each READMEM followed by GETLASTRWSTATUS2 */
	for (guint i = 0; i < fixture->fake->commands->len; i++)
		readmem += command_at(fixture, i, 1) == 0x07;
	g_assert_cmpuint(readmem, ==, 5);

	/* cancelled between chunks: the read stops after the chunk in flight */
	fixture->fake->cancel_after_cancellable = cancellable;
	fixture->fake->cancel_after = 2;
	g_assert_false(ub_target_read_memory(fixture->target, 0x20000000, buf, 20000, NULL,
					     cancellable, &error));
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
	g_assert_cmpuint(fixture->fake->readmem_count, ==, 2);
	g_clear_error(&error);

	/* a write of 10 bytes: two words and a 2-byte tail */
	g_assert_true(ub_target_write_memory(fixture->target, 0x20000100, data, sizeof(data), NULL,
					     NULL, &error));
	g_assert_no_error(error);
	g_assert_cmphex(GPOINTER_TO_UINT(g_hash_table_lookup(fixture->fake->words,
							     GUINT_TO_POINTER(0x20000104))),
			==, 0x07060504);

	/* past the end of the address space */
	g_assert_false(ub_target_read_memory(fixture->target, 0xFFFFFFF0, buf, 32, NULL, NULL,
					     &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_INVALID_ARGUMENT);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add("/core/target/connect", Fixture, NULL, fixture_setup, test_target_connect,
		   fixture_teardown);
	g_test_add("/core/target/info", Fixture, NULL, fixture_setup, test_target_info,
		   fixture_teardown);
	g_test_add("/core/target/reset", Fixture, NULL, fixture_setup, test_target_reset,
		   fixture_teardown);
	g_test_add("/core/target/halt-step-run", Fixture, NULL, fixture_setup, test_target_halt,
		   fixture_teardown);
	g_test_add("/core/target/memory-chunks", Fixture, NULL, fixture_setup,
		   test_target_memory_chunks, fixture_teardown);
	return g_test_run();
}
