/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unbrick-sim: runs a program next to a simulated bench (a probe + STM32F405 board) that it
 * sees as a real USB device. The probe is put into a umockdev testbed (UbSimUsb) and the
 * program runs with the umockdev preload library, so st-info, st-flash, OpenOCD or
 * unbrick-cli talk to the simulator through their own, unmodified libusb.
 *
 *   unbrick-sim --board focbox --flash fw.bin --dump out.bin --report report.json \
 *           -- st-flash --reset write new.bin 0x08000000
 *
 * The exit status is the program's (128 + signal if it was killed); 125 means unbrick-sim
 * itself failed, 127 that the program could not be started. With --then, more programs run
 * one after another on the same probe in the same launch, and the status is the last one's;
 * --kill-after-commands kills the first one with SIGKILL in the middle of a command, as a
 * crash or `kill -9` would, leaving the probe with a reply nobody collected or a write whose
 * data never came:
 *
 *   unbrick-sim --board focbox --kill-after-commands 1500 --then "unbrick-cli info" \
 *           -- openocd -f interface/stlink.cfg -f target/stm32f4x.cfg -c "program fw.bin ..."
 *
 * The program never outlives the launcher (the USB device it talks to lives here): SIGTERM,
 * SIGINT and SIGHUP are passed on to it, a program that has not gone after a grace period is
 * killed, and it gets SIGKILL from the kernel should the launcher die first. --time-limit stops
 * a program that loops forever, as st-flash 1.7.0 does polling a probe that was unplugged.
 */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "ub-sim-board.h"
#include "ub-sim-usb.h"

#define UB_SIM_EXIT_SETUP 125
#define UB_SIM_EXIT_NOT_FOUND 127

/* time between the unplug and the plug of --replug-after: a person's hand */
#define UB_SIM_REPLUG_GAP_MS 300

/* how long a program may take to exit after SIGTERM/SIGINT before it gets SIGKILL */
#define UB_SIM_KILL_GRACE_MS 2000

/* how often --time-limit looks at the clock */
#define UB_SIM_TIME_LIMIT_POLL_MS 20

/* host idle time is handed to the model in steps of at least this much */
#define UB_SIM_HOST_IDLE_STEP_NS (50 * UB_SIM_NS_PER_US)

typedef struct {
	UbSimBoard *board;
	UbSimProbe *probe; /* the probe behind the USB device */
	UbSimClock *clock;
	UMockdevTestbed *testbed;
	UbSimUsb *usb;
	GMainLoop *loop;
	GPid pid;
	gint wait_status;
	gboolean exited;
	gint64 wall_start_us;
	gint64 wall_return_us;	 /* when the model last returned to the host */
	guint64 host_idle_ns;	 /* host time not yet given to the model */
	guint64 host_credit_ns; /* host time given to the model */
	guint replugs;
	guint unplugs;
	guint64 time_limit_ns; /* 0: none */
	const gchar *stopped_by; /* NULL, "time-limit" or the signal that stopped the program */
	gchar **faults;		 /* --fault names, not owned */
	guint kill_source;
	/* the programs of the launch, one after another: the command, then --then's */
	GPtrArray *programs; /* of GStrv */
	guint current;
	JsonArray *results;  /* per program run: command and exit status */
	/* --kill-after-commands: the first program, killed from the testbed thread */
	guint64 kill_after;
	gboolean kill_in_reply; /* --kill-when: a reply left behind may end it */
	gboolean kill_in_data;	/* a write whose data did not come may end it */
	gint kill_pid;		/* atomic: the first program's pid while it runs, else 0 */
	gboolean killed;
	guint64 killed_at;
	guint8 killed_command[16];
	gsize killed_reply_bytes, killed_data_bytes;
} UbSim;

/* The target runs while the host sleeps: a tool that waits 10 ms of wall-clock time for the
 * flash loader must find 10 ms of modelled time gone, or its own time-outs (500 ms per chunk
 * in st-flash, 10 s in OpenOCD) would expire on a simulator that only advances with USB
 * traffic. So the wall time the host spends between two calls into the probe is added to the
 * virtual clock. The time spent in the model itself is not: it already charges what the
 * work costs, and counting the emulator's own speed would let a slow machine chase its tail. */
static void
ub_sim_host_time_begin(UbSim *sim)
{
	gint64 now = g_get_monotonic_time();

	sim->host_idle_ns += (guint64)MAX(now - sim->wall_return_us, 0) * 1000;
	if (sim->host_idle_ns >= UB_SIM_HOST_IDLE_STEP_NS) {
		ub_sim_clock_advance(sim->clock, sim->host_idle_ns);
		sim->host_credit_ns += sim->host_idle_ns;
		sim->host_idle_ns = 0;
	}
}

static void
ub_sim_host_time_end(UbSim *sim)
{
	sim->wall_return_us = g_get_monotonic_time();
}

/* --kill-after-commands: from the Nth command on, the first one that leaves the probe waiting
 * (its reply not yet read, or the data of a write not yet sent) is the program's last: it
 * dies before it can collect the one or send the other (called with the USB lock held) */
static void
ub_sim_maybe_kill(UbSim *sim, const guint8 *data, gsize len)
{
	UbSimProbeStats stats;
	gsize reply_bytes = 0;
	gsize data_bytes = 0;
	gint pid;

	/* what waits in the probe is known of the ST-LINK model (16-byte commands) */
	if (sim->kill_after == 0 || sim->killed || len != sizeof(sim->killed_command) ||
	    !UB_IS_SIM_STLINK(sim->probe))
		return;
	ub_sim_probe_get_stats(sim->probe, &stats);
	if (stats.round_trips < sim->kill_after)
		return;
	ub_sim_stlink_get_pending(UB_SIM_STLINK(sim->probe), &reply_bytes, &data_bytes);
	pid = g_atomic_int_get(&sim->kill_pid);
	if (pid <= 0 || !((sim->kill_in_reply && reply_bytes > 0) ||
			  (sim->kill_in_data && data_bytes > 0)))
		return;
	kill(pid, SIGKILL);
	sim->killed = TRUE;
	sim->killed_at = stats.round_trips;
	memcpy(sim->killed_command, data, sizeof(sim->killed_command));
	sim->killed_reply_bytes = reply_bytes;
	sim->killed_data_bytes = data_bytes;
}

static gboolean
ub_sim_firmware_bulk_out(gpointer user_data, guint8 endpoint, const guint8 *data, gsize len)
{
	UbSim *sim = user_data;
	gboolean taken;

	ub_sim_host_time_begin(sim);
	taken = ub_sim_probe_bulk_out(sim->probe, endpoint, data, len);
	if (taken)
		ub_sim_maybe_kill(sim, data, len);
	ub_sim_host_time_end(sim);
	return taken;
}

static gssize
ub_sim_firmware_bulk_in(gpointer user_data, guint8 endpoint, guint8 *buffer, gsize len)
{
	UbSim *sim = user_data;
	gssize n;

	ub_sim_host_time_begin(sim);
	n = ub_sim_probe_bulk_in(sim->probe, endpoint, buffer, len);
	ub_sim_host_time_end(sim);
	return n;
}

static void
ub_sim_firmware_bus_reset(gpointer user_data)
{
	UbSim *sim = user_data;
	ub_sim_probe_usb_reset(sim->probe);
}

static const UbSimUsbFirmware ub_sim_firmware = {
    .bulk_out = ub_sim_firmware_bulk_out,
    .bulk_in = ub_sim_firmware_bulk_in,
    .bus_reset = ub_sim_firmware_bus_reset,
};

/* --probe: a probe model on the board's wires instead of the board's own */
static UbSimProbe *
ub_sim_new_probe(UbSim *sim, const gchar *name)
{
	UbSimLink *link = ub_sim_board_get_link(sim->board);
	UbSimCmsisDapKind dap_kind;
	UbSimCmsisDap *dap;

	if (g_strcmp0(name, "v2") == 0)
		return UB_SIM_PROBE(ub_sim_stlink_new(UB_SIM_STLINK_V2, link, sim->clock));
	if (g_strcmp0(name, "v2-1") == 0)
		return UB_SIM_PROBE(ub_sim_stlink_new(UB_SIM_STLINK_V2_1, link, sim->clock));
	if (g_strcmp0(name, "v3") == 0)
		return UB_SIM_PROBE(ub_sim_stlink_new(UB_SIM_STLINK_V3, link, sim->clock));
	if (g_strcmp0(name, "pico") == 0)
		name = "debugprobe-pico";
	if (!ub_sim_cmsis_dap_kind_from_string(name, &dap_kind))
		return NULL;
	dap = ub_sim_cmsis_dap_new(dap_kind, link, sim->clock);
	{
		/* the seed the bench's own probe has (ub-sim-board.c) */
		g_autofree gchar *seed =
		    g_strconcat("probe of ", ub_sim_board_get_name(sim->board), NULL);
		ub_sim_cmsis_dap_set_serial_seed(dap, seed);
	}
	/* the Debug Probe has no reset pin: nothing of it can reach the board's NRST */
	if (!ub_sim_cmsis_dap_get_has_reset_pin(dap))
		ub_sim_link_set_probe_rst_wired(link, FALSE);
	return UB_SIM_PROBE(dap);
}

/* a wiring state (ub_sim_wiring_from_string) or a fault of the chip itself */
static gboolean
ub_sim_apply_fault(UbSim *sim, const gchar *name, GError **error)
{
	UbSimWiring wiring;

	if (ub_sim_wiring_from_string(name, &wiring)) {
		ub_sim_link_set_wiring(ub_sim_board_get_link(sim->board), wiring);
		return TRUE;
	}
	if (g_strcmp0(name, "dead") == 0) {
		ub_sim_mcu_set_dead(ub_sim_board_get_mcu(sim->board), TRUE);
		return TRUE;
	}
	g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		    "unknown fault '%s' (known: unpowered, no-gnd, swapped, rst-not-connected, "
		    "nrst-stuck-low, dead)",
		    name);
	return FALSE;
}

static gint ub_sim_exit_code(gint wait_status);
static gboolean ub_sim_spawn_current(UbSim *sim, GError **error);

static void
ub_sim_child_watch_cb(GPid pid, gint wait_status, gpointer user_data)
{
	UbSim *sim = user_data;
	JsonObject *result = json_object_new();
	JsonArray *command = json_array_new();
	gchar **argv = g_ptr_array_index(sim->programs, sim->current);
	g_autoptr(GError) error = NULL;

	g_atomic_int_set(&sim->kill_pid, 0);
	sim->wait_status = wait_status;
	sim->exited = TRUE;
	if (sim->kill_source != 0) {
		g_source_remove(sim->kill_source);
		sim->kill_source = 0;
	}
	g_spawn_close_pid(pid);
	for (guint i = 0; argv[i] != NULL; i++)
		json_array_add_string_element(command, argv[i]);
	json_object_set_array_member(result, "command", command);
	json_object_set_int_member(result, "exit_status", ub_sim_exit_code(wait_status));
	json_array_add_object_element(sim->results, result);

	/* the next program, unless the launch was stopped */
	if (sim->current + 1 < sim->programs->len && sim->stopped_by == NULL) {
		sim->current++;
		if (ub_sim_spawn_current(sim, &error))
			return;
		g_printerr("unbrick-sim: %s\n", error->message);
		sim->wait_status = g_error_matches(error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT)
					   ? 127 << 8
					   : 125 << 8;
	}
	g_main_loop_quit(sim->loop);
}

static gboolean
ub_sim_kill_cb(gpointer user_data)
{
	UbSim *sim = user_data;

	sim->kill_source = 0;
	if (!sim->exited) {
		g_printerr("unbrick-sim: the program is still running, killing it\n");
		kill(sim->pid, SIGKILL);
	}
	return G_SOURCE_REMOVE;
}

/* pass the signal on, and kill the program if it is still there after the grace period
 * (st-flash 1.7.0's SIGTERM handler closes libusb and can deadlock on libusb's own lock) */
static void
ub_sim_stop_program(UbSim *sim, gint signum, const gchar *why)
{
	if (sim->exited)
		return;
	if (sim->stopped_by == NULL)
		sim->stopped_by = why;
	if (sim->kill_source != 0) {
		/* asked twice: do not wait any longer */
		g_source_remove(sim->kill_source);
		sim->kill_source = 0;
		kill(sim->pid, SIGKILL);
		return;
	}
	kill(sim->pid, signum);
	sim->kill_source = g_timeout_add(UB_SIM_KILL_GRACE_MS, ub_sim_kill_cb, sim);
}

static gboolean
ub_sim_sigterm_cb(gpointer user_data)
{
	ub_sim_stop_program(user_data, SIGTERM, "SIGTERM");
	return G_SOURCE_CONTINUE;
}

static gboolean
ub_sim_sigint_cb(gpointer user_data)
{
	ub_sim_stop_program(user_data, SIGINT, "SIGINT");
	return G_SOURCE_CONTINUE;
}

static gboolean
ub_sim_sighup_cb(gpointer user_data)
{
	ub_sim_stop_program(user_data, SIGHUP, "SIGHUP");
	return G_SOURCE_CONTINUE;
}

/* the modelled time, counting the host time not yet handed to the model: a program that no
 * longer talks to the probe (it was unplugged) still uses up its time */
static gboolean
ub_sim_time_limit_cb(gpointer user_data)
{
	UbSim *sim = user_data;
	guint64 now_ns;

	ub_sim_usb_lock(sim->usb);
	now_ns = ub_sim_clock_get_ns(sim->clock) + sim->host_idle_ns +
		 (guint64)MAX(g_get_monotonic_time() - sim->wall_return_us, 0) * 1000;
	ub_sim_usb_unlock(sim->usb);
	if (now_ns < sim->time_limit_ns)
		return G_SOURCE_CONTINUE;
	g_printerr("unbrick-sim: --time-limit reached, stopping the program\n");
	ub_sim_stop_program(sim, SIGTERM, "time-limit");
	return G_SOURCE_REMOVE;
}

/* in the child: the program must not outlive the launcher that holds its USB device */
static void
ub_sim_child_setup(gpointer user_data)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static gboolean
ub_sim_plug_cb(gpointer user_data)
{
	UbSim *sim = user_data;
	g_autoptr(GError) error = NULL;

	if (!ub_sim_usb_plug(sim->usb, sim->testbed, &error))
		g_printerr("unbrick-sim: cannot plug the probe back in: %s\n", error->message);
	else
		g_info("probe plugged in again at %s", ub_sim_usb_get_devnode(sim->usb));
	return G_SOURCE_REMOVE;
}

static gboolean
ub_sim_unplug_cb(gpointer user_data)
{
	UbSim *sim = user_data;

	g_info("probe unplugged");
	ub_sim_usb_unplug(sim->usb, sim->testbed);
	sim->unplugs++;
	return G_SOURCE_REMOVE;
}

static gboolean
ub_sim_replug_cb(gpointer user_data)
{
	UbSim *sim = user_data;

	ub_sim_unplug_cb(sim);
	sim->replugs++;
	g_timeout_add(UB_SIM_REPLUG_GAP_MS, ub_sim_plug_cb, sim);
	return G_SOURCE_REMOVE;
}

static gint
ub_sim_exit_code(gint wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return UB_SIM_EXIT_SETUP;
}

/* --probe: the board's report describes the board's own probe, not the one on the bus */
static void
ub_sim_report_replace_probe(UbSim *sim, JsonObject *report)
{
	const UbSimUsbIdentity *identity = ub_sim_probe_get_identity(sim->probe);
	g_autofree gchar *usb_id =
	    g_strdup_printf("%04x:%04x", identity->vendor_id, identity->product_id);
	JsonObject *probe = json_object_get_object_member(report, "probe");
	JsonObject *usb = json_object_get_object_member(report, "usb");
	JsonObject *time_ms = json_object_get_object_member(report, "time_ms");
	UbSimProbeStats stats;

	ub_sim_probe_get_stats(sim->probe, &stats);
	if (probe != NULL) {
		json_object_set_string_member(probe, "kind", ub_sim_probe_get_kind_name(sim->probe));
		json_object_set_string_member(probe, "usb_id", usb_id);
		json_object_set_string_member(probe, "serial", identity->serial);
	}
	if (usb != NULL) {
		json_object_set_int_member(usb, "round_trips", (gint64)stats.round_trips);
		json_object_set_int_member(usb, "bytes_out", (gint64)stats.bytes_out);
		json_object_set_int_member(usb, "bytes_in", (gint64)stats.bytes_in);
		json_object_set_int_member(usb, "frames", (gint64)stats.usb_frames);
		json_object_set_int_member(usb, "max_in_flight", stats.max_in_flight);
		json_object_set_int_member(usb, "naks", (gint64)stats.naks);
	}
	if (time_ms != NULL) {
		json_object_set_double_member(time_ms, "usb",
					      (gdouble)stats.usb_ns / UB_SIM_NS_PER_MS);
		json_object_set_double_member(time_ms, "swd",
					      (gdouble)stats.swd_ns / UB_SIM_NS_PER_MS);
		json_object_set_double_member(time_ms, "probe_total",
					      (gdouble)(stats.usb_ns + stats.swd_ns) /
						  UB_SIM_NS_PER_MS);
	}
}

/* the board's report plus what the launcher knows: the command, its status, wall time */
static gchar *
ub_sim_build_report(UbSim *sim, gchar **command, gint exit_code, gint64 wall_us,
		    GError **error)
{
	g_autofree gchar *board_report = ub_sim_board_build_report(sim->board);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(JsonGenerator) generator = json_generator_new();
	JsonObject *object;
	JsonArray *array = json_array_new();

	if (!json_parser_load_from_data(parser, board_report, -1, error)) {
		g_prefix_error(error, "board report: ");
		json_array_unref(array);
		return NULL;
	}
	if (!JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
		g_set_error_literal(error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
				    "board report: not an object");
		json_array_unref(array);
		return NULL;
	}
	object = json_node_get_object(json_parser_get_root(parser));
	if (sim->probe != ub_sim_board_get_probe(sim->board))
		ub_sim_report_replace_probe(sim, object);
	/* the board lists the faults of its description; --fault adds to them */
	if (json_object_has_member(object, "faults") &&
	    JSON_NODE_HOLDS_ARRAY(json_object_get_member(object, "faults"))) {
		JsonArray *faults = json_object_get_array_member(object, "faults");
		for (guint i = 0; sim->faults != NULL && sim->faults[i] != NULL; i++)
			json_array_add_string_element(faults, sim->faults[i]);
	}
	for (guint i = 0; command[i] != NULL; i++)
		json_array_add_string_element(array, command[i]);
	json_object_set_array_member(object, "command", array);
	json_object_set_int_member(object, "exit_status", exit_code);
	json_object_set_array_member(object, "programs", json_array_ref(sim->results));
	if (sim->killed) {
		JsonObject *killed = json_object_new();
		g_autoptr(GString) hex = g_string_new(NULL);

		for (guint i = 0; i < sizeof(sim->killed_command); i++)
			g_string_append_printf(hex, "%s%02x", i > 0 ? " " : "", sim->killed_command[i]);
		json_object_set_int_member(killed, "at_command", (gint64)sim->killed_at);
		json_object_set_string_member(killed, "command", hex->str);
		json_object_set_int_member(killed, "pending_reply_bytes",
					   (gint64)sim->killed_reply_bytes);
		json_object_set_int_member(killed, "pending_data_bytes",
					   (gint64)sim->killed_data_bytes);
		json_object_set_object_member(object, "killed", killed);
	} else {
		json_object_set_null_member(object, "killed");
	}
	json_object_set_int_member(object, "wall_time_us", wall_us);
	json_object_set_int_member(object, "host_idle_credited_ns", sim->host_credit_ns);
	json_object_set_int_member(object, "usb_unplugs", sim->unplugs);
	json_object_set_int_member(object, "usb_replugs", sim->replugs);
	json_object_set_int_member(object, "usb_refused_no_device",
				   ub_sim_usb_get_refused(sim->usb));
	if (sim->time_limit_ns != 0)
		json_object_set_int_member(object, "time_limit_ms",
					   (gint64)(sim->time_limit_ns / UB_SIM_NS_PER_MS));
	if (sim->stopped_by != NULL)
		json_object_set_string_member(object, "stopped_by", sim->stopped_by);
	else
		json_object_set_null_member(object, "stopped_by");
	json_generator_set_root(generator, json_parser_get_root(parser));
	json_generator_set_pretty(generator, TRUE);
	return json_generator_to_data(generator, NULL);
}

static gboolean
ub_sim_write_results(UbSim *sim, const gchar *dump_path, const gchar *report_path,
		     gchar **command, gint exit_code, gint64 wall_us, GError **error)
{
	g_autoptr(GBytes) flash = NULL;
	g_autofree gchar *report = NULL;

	/* the testbed thread may still be answering a late ioctl */
	ub_sim_usb_lock(sim->usb);
	if (dump_path != NULL)
		flash = ub_sim_mcu_dump_flash(ub_sim_board_get_mcu(sim->board));
	if (report_path != NULL)
		report = ub_sim_build_report(sim, command, exit_code, wall_us, error);
	ub_sim_usb_unlock(sim->usb);

	if (report_path != NULL && report == NULL)
		return FALSE;
	if (flash != NULL && !g_file_set_contents(dump_path, g_bytes_get_data(flash, NULL),
						  g_bytes_get_size(flash), error)) {
		g_prefix_error(error, "--dump: ");
		return FALSE;
	}
	if (report != NULL && !g_file_set_contents(report_path, report, -1, error)) {
		g_prefix_error(error, "--report: ");
		return FALSE;
	}
	return TRUE;
}

static void
ub_sim_clear(UbSim *sim)
{
	if (sim->usb != NULL && sim->testbed != NULL && ub_sim_usb_get_plugged(sim->usb))
		ub_sim_usb_unplug(sim->usb, sim->testbed);
	g_clear_object(&sim->usb);
	g_clear_object(&sim->testbed);
	g_clear_object(&sim->probe);
	g_clear_object(&sim->board);
	g_clear_pointer(&sim->loop, g_main_loop_unref);
	g_clear_pointer(&sim->programs, g_ptr_array_unref);
	g_clear_pointer(&sim->results, json_array_unref);
}

/* starts the program sim->current; its exit is seen by ub_sim_child_watch_cb */
static gboolean
ub_sim_spawn_current(UbSim *sim, GError **error)
{
	gchar **argv = g_ptr_array_index(sim->programs, sim->current);

	sim->exited = FALSE;
	/* UMOCKDEV_DIR and LD_PRELOAD are in this process's environment and go to the child */
	if (!g_spawn_async(NULL, argv, NULL,
			   G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
			       G_SPAWN_CHILD_INHERITS_STDIN,
			   ub_sim_child_setup, NULL, &sim->pid, error))
		return FALSE;
	if (sim->current == 0 && sim->kill_after > 0)
		g_atomic_int_set(&sim->kill_pid, sim->pid);
	g_child_watch_add(sim->pid, ub_sim_child_watch_cb, sim);
	return TRUE;
}

static void
ub_sim_list_boards(void)
{
	g_auto(GStrv) names = ub_sim_board_list_names();

	for (guint i = 0; names != NULL && names[i] != NULL; i++) {
		g_autoptr(UbSimBoard) board = ub_sim_board_new_from_name(names[i], NULL);
		g_print("%-28s %s\n", names[i],
			board != NULL ? ub_sim_board_get_description(board) : "");
	}
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GOptionContext) context = NULL;
	g_autofree gchar *board_name = NULL;
	g_autofree gchar *flash_path = NULL;
	g_autofree gchar *dump_path = NULL;
	g_autofree gchar *report_path = NULL;
	g_autofree gchar *probe_name = NULL;
	g_auto(GStrv) faults = NULL;
	g_auto(GStrv) command = NULL;
	g_auto(GStrv) then = NULL;
	g_autofree gchar *kill_when = NULL;
	g_autofree gchar *flash_timing = NULL;
	gint kill_after_commands = 0;
	g_auto(GStrv) original_argv = g_strdupv(argv);
	gboolean realtime = FALSE;
	gboolean list_boards = FALSE;
	gboolean verbose = FALSE;
	gint replug_after_ms = -1;
	gint unplug_after_ms = -1;
	gint time_limit_ms = 0;
	gint exit_code;
	UbSim sim = {0};
	const GOptionEntry entries[] = {
	    {"board", 'b', 0, G_OPTION_ARG_STRING, &board_name,
	     "Simulated bench: a name from --list-boards or a .json file", "NAME|FILE"},
	    {"fault", 'f', 0, G_OPTION_ARG_STRING_ARRAY, &faults,
	     "Wiring state or fault (unpowered, no-gnd, swapped, rst-not-connected, "
	     "nrst-stuck-low, dead); may be repeated",
	     "NAME"},
	    {"flash", 0, 0, G_OPTION_ARG_FILENAME, &flash_path,
	     "Load this raw image into flash at 0x08000000 first", "IMAGE"},
	    {"dump", 0, 0, G_OPTION_ARG_FILENAME, &dump_path,
	     "Write the final flash contents (1 MiB) to FILE", "FILE"},
	    {"report", 0, 0, G_OPTION_ARG_FILENAME, &report_path,
	     "Write a JSON report (USB round trips, bytes, modelled time, flash operations, "
	     "faults) to FILE",
	     "FILE"},
	    {"realtime", 0, 0, G_OPTION_ARG_NONE, &realtime,
	     "Pace the simulation against the wall clock", NULL},
	    {"probe", 'p', 0, G_OPTION_ARG_STRING, &probe_name,
	     "Probe model instead of the board's: v2, v2-1, v3 (ST-LINKs), debugprobe (Raspberry "
	     "Pi Debug Probe), pico (a Pico running debugprobe), daplink or daplink-v1 (HID only)",
	     "MODEL"},
	    {"replug-after", 0, 0, G_OPTION_ARG_INT, &replug_after_ms,
	     "Unplug the probe after MS milliseconds and plug it back in", "MS"},
	    {"unplug-after", 0, 0, G_OPTION_ARG_INT, &unplug_after_ms,
	     "Unplug the probe after MS milliseconds for good", "MS"},
	    {"time-limit", 0, 0, G_OPTION_ARG_INT, &time_limit_ms,
	     "Stop the program (SIGTERM, then SIGKILL) once MS milliseconds of modelled time "
	     "have passed",
	     "MS"},
	    {"then", 0, 0, G_OPTION_ARG_STRING_ARRAY, &then,
	     "Run this command line next, on the same probe (may be repeated)", "COMMAND"},
	    {"kill-after-commands", 0, 0, G_OPTION_ARG_INT, &kill_after_commands,
	     "SIGKILL the first program in the middle of a command, from the Nth on (its reply "
	     "or its data is left in the probe)",
	     "N"},
	    {"kill-when", 0, 0, G_OPTION_ARG_STRING, &kill_when,
	     "With --kill-after-commands: at a command whose reply is left (reply), whose data "
	     "is left (data), or either (any, the default)",
	     "WHEN"},
	    {"flash-timing", 0, 0, G_OPTION_ARG_STRING, &flash_timing,
	     "How long erases and programming take: typical, drawn (between typical and "
	     "maximum) or max, instead of the board's",
	     "TIMING"},
	    {"list-boards", 0, 0, G_OPTION_ARG_NONE, &list_boards, "List the known boards",
	     NULL},
	    {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log what the simulator does", NULL},
	    {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &command, NULL, NULL},
	    {NULL},
	};

	setlocale(LC_ALL, "");

	context = g_option_context_new("-- COMMAND [ARGS...]");
	g_option_context_set_summary(context,
				     "Run COMMAND with a simulated debug probe and STM32F405 board "
				     "attached as a USB device.");
	g_option_context_add_main_entries(context, entries, NULL);
	/* options after the command belong to the command */
	g_option_context_set_strict_posix(context, TRUE);
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		g_printerr("unbrick-sim: %s\n", error->message);
		return UB_SIM_EXIT_SETUP;
	}
	if (verbose)
		g_setenv("G_MESSAGES_DEBUG", "all", FALSE);
	if (list_boards) {
		ub_sim_list_boards();
		return 0;
	}
	if (time_limit_ms < 0) {
		g_printerr("unbrick-sim: --time-limit must not be negative\n");
		return UB_SIM_EXIT_SETUP;
	}
	if (command == NULL || command[0] == NULL) {
		g_printerr("unbrick-sim: no command given (unbrick-sim [OPTION...] -- COMMAND)\n");
		return UB_SIM_EXIT_SETUP;
	}
	if (kill_after_commands < 0) {
		g_printerr("unbrick-sim: --kill-after-commands must not be negative\n");
		return UB_SIM_EXIT_SETUP;
	}
	sim.programs = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	sim.results = json_array_new();
	g_ptr_array_add(sim.programs, g_strdupv(command));
	for (guint i = 0; then != NULL && then[i] != NULL; i++) {
		gchar **next = NULL;
		if (!g_shell_parse_argv(then[i], NULL, &next, &error)) {
			g_printerr("unbrick-sim: --then '%s': %s\n", then[i], error->message);
			ub_sim_clear(&sim);
			return UB_SIM_EXIT_SETUP;
		}
		g_ptr_array_add(sim.programs, next);
	}
	sim.kill_after = (guint64)kill_after_commands;
	sim.kill_in_reply = kill_when == NULL || g_strcmp0(kill_when, "any") == 0 ||
			    g_strcmp0(kill_when, "reply") == 0;
	sim.kill_in_data = kill_when == NULL || g_strcmp0(kill_when, "any") == 0 ||
			   g_strcmp0(kill_when, "data") == 0;
	if (!sim.kill_in_reply && !sim.kill_in_data) {
		g_printerr("unbrick-sim: --kill-when takes any, reply or data\n");
		ub_sim_clear(&sim);
		return UB_SIM_EXIT_SETUP;
	}

	/* the testbed's uevents need this process inside the mock environment as well */
	if (!ub_sim_usb_reexec_in_mock_environment(original_argv, &error)) {
		g_printerr("unbrick-sim: %s\n", error->message);
		return UB_SIM_EXIT_SETUP;
	}
	g_unsetenv("UB_SIM_USB_REEXEC");

	sim.board = ub_sim_board_new_from_name(board_name != NULL ? board_name : "focbox",
					       &error);
	if (sim.board == NULL) {
		g_printerr("unbrick-sim: %s\n", error->message);
		return UB_SIM_EXIT_SETUP;
	}
	sim.clock = ub_sim_board_get_clock(sim.board);
	sim.probe = g_object_ref(ub_sim_board_get_probe(sim.board));
	if (probe_name != NULL) {
		UbSimProbe *probe = ub_sim_new_probe(&sim, probe_name);
		if (probe == NULL) {
			g_printerr("unbrick-sim: unknown probe '%s' (v2, v2-1, v3, debugprobe, pico, "
				   "daplink, daplink-v1)\n",
				   probe_name);
			ub_sim_clear(&sim);
			return UB_SIM_EXIT_SETUP;
		}
		g_object_unref(sim.probe);
		sim.probe = probe;
	}
	sim.faults = faults;
	for (guint i = 0; faults != NULL && faults[i] != NULL; i++) {
		if (!ub_sim_apply_fault(&sim, faults[i], &error)) {
			g_printerr("unbrick-sim: %s\n", error->message);
			ub_sim_clear(&sim);
			return UB_SIM_EXIT_SETUP;
		}
	}
	if (flash_timing != NULL) {
		UbSimFlashTiming timing;
		if (!ub_sim_flash_timing_from_string(flash_timing, &timing)) {
			g_printerr("unbrick-sim: unknown flash timing '%s' (typical, drawn, max)\n",
				   flash_timing);
			ub_sim_clear(&sim);
			return UB_SIM_EXIT_SETUP;
		}
		ub_sim_mcu_set_flash_timing(ub_sim_board_get_mcu(sim.board), timing,
					    g_str_hash(ub_sim_board_get_name(sim.board)));
	}
	if (flash_path != NULL && !ub_sim_board_load_flash_file(sim.board, flash_path, &error)) {
		g_printerr("unbrick-sim: --flash: %s\n", error->message);
		ub_sim_clear(&sim);
		return UB_SIM_EXIT_SETUP;
	}
	ub_sim_clock_set_realtime(sim.clock, realtime);

	sim.testbed = umockdev_testbed_new();
	sim.usb = ub_sim_usb_new(ub_sim_probe_get_identity(sim.probe), &ub_sim_firmware, &sim);
	if (!ub_sim_usb_plug(sim.usb, sim.testbed, &error)) {
		g_printerr("unbrick-sim: cannot attach the probe: %s\n", error->message);
		ub_sim_clear(&sim);
		return UB_SIM_EXIT_SETUP;
	}

	sim.wall_start_us = g_get_monotonic_time();
	sim.wall_return_us = sim.wall_start_us;
	sim.time_limit_ns = (guint64)time_limit_ms * UB_SIM_NS_PER_MS;
	/* caught from now on (a signal that comes while the program starts is not lost) but
	 * dispatched from the main loop, once the program's pid is known */
	g_unix_signal_add(SIGINT, ub_sim_sigint_cb, &sim);
	g_unix_signal_add(SIGTERM, ub_sim_sigterm_cb, &sim);
	g_unix_signal_add(SIGHUP, ub_sim_sighup_cb, &sim);
	sim.loop = g_main_loop_new(NULL, FALSE);
	if (!ub_sim_spawn_current(&sim, &error)) {
		g_printerr("unbrick-sim: %s\n", error->message);
		ub_sim_clear(&sim);
		return g_error_matches(error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT)
			   ? UB_SIM_EXIT_NOT_FOUND
			   : UB_SIM_EXIT_SETUP;
	}
	if (sim.time_limit_ns != 0)
		g_timeout_add(UB_SIM_TIME_LIMIT_POLL_MS, ub_sim_time_limit_cb, &sim);
	if (replug_after_ms >= 0)
		g_timeout_add(replug_after_ms, ub_sim_replug_cb, &sim);
	else if (unplug_after_ms >= 0)
		g_timeout_add(unplug_after_ms, ub_sim_unplug_cb, &sim);
	g_main_loop_run(sim.loop);

	exit_code = ub_sim_exit_code(sim.wait_status);
	if (!ub_sim_write_results(&sim, dump_path, report_path, command, exit_code,
				  g_get_monotonic_time() - sim.wall_start_us, &error)) {
		g_printerr("unbrick-sim: %s\n", error->message);
		ub_sim_clear(&sim);
		return UB_SIM_EXIT_SETUP;
	}
	ub_sim_clear(&sim);
	return exit_code;
}
