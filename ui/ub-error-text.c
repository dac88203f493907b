/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

#include "ub-error-text.h"
#include "ub-error.h"

typedef struct {
	GQuark (*domain)(void);
	gint code;
	const char *title;
	const char *cause;
	const char *next_step;
} UbErrorTextEntry;

/* TRANSLATORS: each entry is shown as a bold title, then "Likely cause:" and "What to do:".
 * The reader is a hobbyist with a screwdriver and a USB stick, not an engineer. */
static const UbErrorTextEntry entries[] = {
    /* the probe and its USB link */
    {ub_probe_error_quark, UB_PROBE_ERROR_NOT_FOUND, N_("No debug probe found"),
     N_("The probe is not plugged in, or its USB cable only carries power."),
     N_("Plug the probe straight into the computer (not through a hub) and wait a few "
	"seconds. Try another USB cable if nothing appears.")},
    {ub_probe_error_quark, UB_PROBE_ERROR_PERMISSION_DENIED,
     N_("Not allowed to use the probe"),
     N_("The system does not yet let your user account talk to debug probes."),
     N_("Install the udev rule shown on the Probe page, then unplug the probe and plug it in "
	"again.")},
    {ub_probe_error_quark, UB_PROBE_ERROR_BUSY, N_("The probe is in use"),
     N_("Another program (for example OpenOCD, st-flash or STM32CubeProgrammer) has the probe "
	"open; the details name it when the system can tell."),
     N_("Close the other program, then try again.")},
    {ub_probe_error_quark, UB_PROBE_ERROR_DISCONNECTED, N_("The probe was unplugged"),
     N_("The USB connection to the probe was lost; a loose plug or a bumped cable is the usual "
	"reason."),
     N_("Plug the probe in again and keep the cable still. The board is not harmed by this; "
	"start the step again.")},
    {ub_probe_error_quark, UB_PROBE_ERROR_TIMEOUT, N_("The probe stopped answering"),
     N_("The probe hung, often because of a weak USB port or a long cable."),
     N_("Unplug the probe, wait five seconds, plug it in again and retry.")},
    {ub_probe_error_quark, UB_PROBE_ERROR_PROTOCOL, N_("The probe gave an answer that makes no sense"),
     N_("Some clone probes run unusual firmware."),
     N_("Unplug and replug the probe. If it keeps happening, try another probe.")},
    {ub_probe_error_quark, UB_PROBE_ERROR_UNSUPPORTED, N_("This probe cannot do that"),
     N_("The probe's firmware is too old for this step, or the probe kind is not supported "
	"(yet): an ST-LINK/V1, or a CMSIS-DAP probe that only speaks the older HID protocol "
	"(v1)."),
     N_("Update the probe firmware (ST's ST-LINK upgrade tool; the latest debugprobe or "
	"DAPLink release), or use another probe.")},
    {ub_probe_error_quark, UB_PROBE_ERROR_FAILED, N_("Talking to the probe failed"),
     N_("A USB error that does not fit any known cause."),
     N_("Replug the probe and retry. The details below help others to help you.")},

    /* the target MCU over SWD */
    {ub_target_error_quark, UB_TARGET_ERROR_NO_POWER, N_("The board has no power"),
     N_("The probe measures no voltage on its target-voltage pin: the board is off, or the "
	"3.3 V wire is not connected."),
     N_("Power the board as the Wiring page says and check the 3.3 V wire.")},
    {ub_target_error_quark, UB_TARGET_ERROR_NO_ACK, N_("The chip does not answer"),
     N_("SWDIO, SWCLK or GND is not connected, swapped, or loose; or the firmware on the chip "
	"switched the debug pins off."),
     N_("Check the three wires against the drawing one by one. If they are right, try "
	"recovery with the reset pin.")},
    {ub_target_error_quark, UB_TARGET_ERROR_WAIT, N_("The chip is too busy to answer"),
     N_("The chip is stuck in a state where it keeps asking the probe to wait."),
     N_("Try again with recovery under reset.")},
    {ub_target_error_quark, UB_TARGET_ERROR_FAULT, N_("The chip refused a memory access"),
     N_("The address does not exist on this chip, the chip is in a fault state, or noise on "
	"long SWD wires corrupted what the probe sent."),
     N_("Keep the SWD wires short and away from the motor wires, then try again; if it keeps "
	"happening, use recovery under reset.")},
    {ub_target_error_quark, UB_TARGET_ERROR_UNKNOWN_CHIP, N_("This is not the expected chip"),
     N_("The chip answered, but it is not an STM32F405/407. The board may use another "
	"microcontroller, or the chip is a fake."),
     N_("Check which board you chose on the first page.")},
    {ub_target_error_quark, UB_TARGET_ERROR_NOT_HALTED, N_("The chip would not stop"),
     N_("The firmware keeps running or resetting, so the chip cannot be paused for "
	"programming."),
     N_("Use recovery under reset.")},
    {ub_target_error_quark, UB_TARGET_ERROR_READ_PROTECTED, N_("The chip is read-protected"),
     N_("Read protection (level 1) is on: the flash cannot be read or backed up."),
     N_("Removing the protection erases the whole chip, including the settings. Continue only "
	"if that is acceptable.")},
    {ub_target_error_quark, UB_TARGET_ERROR_LOCKED_FOREVER, N_("The chip is locked for good"),
     N_("Read protection level 2 is set. This cannot be undone by any tool."),
     N_("The microcontroller has to be replaced.")},
    {ub_target_error_quark, UB_TARGET_ERROR_RESET_NO_EFFECT, N_("The probe's reset wire does nothing"),
     N_("Many clone probes do not connect their RST pin to anything."),
     N_("Follow the Recovery page: hold the board's reset pin to ground by hand while "
	"connecting.")},
    {ub_target_error_quark, UB_TARGET_ERROR_DEAD, N_("The chip seems to be dead"),
     N_("It does not answer even while held in reset, with power and wiring confirmed."),
     N_("Check once more with another probe or a known good board. If that works, the "
	"microcontroller on this board is damaged.")},
    {ub_target_error_quark, UB_TARGET_ERROR_INVALID_ARGUMENT, N_("Wrong address or size"),
     N_("An internal request did not fit the chip."),
     N_("This is a bug in unbrick; please report it with the details below.")},
    {ub_target_error_quark, UB_TARGET_ERROR_FAILED, N_("Talking to the chip failed"),
     N_("An error that does not fit any known cause."),
     N_("Check the wiring and try again. The details below help others to help you.")},
    {ub_target_error_quark, UB_TARGET_ERROR_HELD_IN_RESET, N_("NRST is held low on the board"),
     N_("The chip stays in reset with nobody asking for it: a short, a stuck reset button or a "
	"wire holds its NRST pin low."),
     N_("Take any wire off NRST, release the reset button, and look for a solder bridge at the "
	"chip's NRST pin.")},
    {ub_target_error_quark, UB_TARGET_ERROR_WAS_RESET, N_("The chip was reset in the middle"),
     N_("Its reset pin was pulled low (a button, a loose wire touching it) or its supply "
	"dipped."),
     N_("Keep the board still and its supply steady, then run the same step again: it picks "
	"up what is missing.")},

    /* the flash controller */
    {ub_flash_error_quark, UB_FLASH_ERROR_LOCKED, N_("The flash stayed locked"),
     N_("The chip did not accept the unlock sequence."),
     N_("Power-cycle the board and try again.")},
    {ub_flash_error_quark, UB_FLASH_ERROR_WRITE_PROTECTED, N_("Part of the flash is write-protected"),
     N_("Write protection is set for some sectors in the option bytes."),
     N_("Remove the write protection (this is safe) and flash again.")},
    {ub_flash_error_quark, UB_FLASH_ERROR_ALIGNMENT, N_("The flash rejected a write"),
     N_("The data was not aligned the way the flash needs."),
     N_("This is a bug in unbrick; please report it with the details below.")},
    {ub_flash_error_quark, UB_FLASH_ERROR_PARALLELISM, N_("The flash rejected a write"),
     N_("The write width did not match the flash settings."),
     N_("This is a bug in unbrick; please report it with the details below.")},
    {ub_flash_error_quark, UB_FLASH_ERROR_SEQUENCE, N_("The flash rejected a write"),
     N_("The flash controller got its steps in the wrong order."),
     N_("Power-cycle the board and flash again.")},
    {ub_flash_error_quark, UB_FLASH_ERROR_OPERATION, N_("The flash reported an error"),
     N_("The flash controller failed an operation."),
     N_("Power-cycle the board and flash again.")},
    {ub_flash_error_quark, UB_FLASH_ERROR_BUSY_TIMEOUT, N_("The flash took too long"),
     N_("An erase or write did not finish in time; a weak supply can cause this."),
     N_("Check the board's power and flash again.")},
    {ub_flash_error_quark, UB_FLASH_ERROR_VERIFY, N_("The check after writing failed"),
     N_("What the chip holds differs from the firmware: loose wires or a weak supply."),
     N_("Press the wires firmly in place and flash again. The board will not run correctly "
	"until a flash verifies.")},
    {ub_flash_error_quark, UB_FLASH_ERROR_LOW_VOLTAGE, N_("The board's supply is too low"),
     N_("The chip's supply voltage is too low to program the flash safely."),
     N_("Power the board from its battery or a bench supply, not from the probe.")},
    {ub_flash_error_quark, UB_FLASH_ERROR_NO_BACKUP, N_("The backup could not be saved"),
     N_("The backup folder is missing, full or not writable."),
     N_("Choose another backup folder and try again. Nothing was written to the board.")},
    {ub_flash_error_quark, UB_FLASH_ERROR_WOULD_WIPE_CONFIG,
     N_("This firmware would overwrite the board's settings"),
     N_("The file has data where the board keeps its motor and app settings."),
     N_("Tick \"Also erase the board's settings\" to write it anyway; set the motor up again "
	"afterwards.")},
    {ub_flash_error_quark, UB_FLASH_ERROR_INTERRUPTED, N_("The chip reset in the middle of a write"),
     N_("A watchdog, the reset line or a dip in the supply reset the chip while it erased or "
	"wrote; that part of the flash is left half done."),
     N_("Check the board's power and the reset wire, then run the same command again: it "
	"redoes what is missing.")},
    {ub_flash_error_quark, UB_FLASH_ERROR_FAILED, N_("Flashing failed"),
     N_("An error that does not fit any known cause."),
     N_("Flash again. Do not unplug the board until it succeeds.")},

    /* firmware files */
    {ub_image_error_quark, UB_IMAGE_ERROR_INVALID, N_("The firmware file is damaged"),
     N_("The file is cut short or corrupt, for example after an interrupted download."),
     N_("Download the firmware again.")},
    {ub_image_error_quark, UB_IMAGE_ERROR_UNSUPPORTED, N_("Unknown file type"),
     N_("unbrick reads .bin, .hex (Intel HEX), .srec and .elf firmware files."),
     N_("Pick the firmware file itself, not an archive or a web page.")},
    {ub_image_error_quark, UB_IMAGE_ERROR_TOO_LARGE, N_("The firmware is too big for this chip"),
     N_("The file is larger than the chip's flash memory."),
     N_("Pick firmware made for this board.")},
    {ub_image_error_quark, UB_IMAGE_ERROR_OVERLAP, N_("The firmware file is inconsistent"),
     N_("Parts of the file write to the same address twice."),
     N_("Download the firmware again.")},
    {ub_image_error_quark, UB_IMAGE_ERROR_NOT_FLASH, N_("The firmware is not for flash memory"),
     N_("The file places data outside the chip's flash."),
     N_("Pick firmware made for this board.")},
    {ub_image_error_quark, UB_IMAGE_ERROR_WRONG_HARDWARE, N_("This firmware is for other hardware"),
     N_("It was built for a different board. Wrong firmware can run the motor at full power "
	"or burn the power stage."),
     N_("Pick the firmware for your board's hardware version.")},
    {ub_image_error_quark, UB_IMAGE_ERROR_WRONG_MCU, N_("This firmware is for another chip"),
     N_("It was built for a different microcontroller."),
     N_("Pick firmware for an STM32F405 board.")},
    {ub_image_error_quark, UB_IMAGE_ERROR_OTHER_CHIP, N_("This backup is of another board"),
     N_("It was read from a different chip: restoring it copies that board's firmware and "
	"settings onto this one."),
     N_("Pick this board's own backup, or agree to copy the other board when asked.")},

    /* data files */
    {ub_data_error_quark, UB_DATA_ERROR_NOT_FOUND, N_("A data file is missing"),
     N_("unbrick was not installed completely."),
     N_("Reinstall unbrick.")},
    {ub_data_error_quark, UB_DATA_ERROR_INVALID, N_("A data file is damaged"),
     N_("One of unbrick's own data files could not be read."),
     N_("Reinstall unbrick; if it persists, report it with the details below.")},

    /* getting firmware from the VESC firmware archive: each ends in the way without it */
    {ub_download_error_quark, UB_DOWNLOAD_ERROR_OFFLINE,
     N_("The firmware archive cannot be reached"),
     N_("This computer is not connected to the internet, or the archive's server is down."),
     N_("Connect to the internet and press the button again, or choose a folder or a file "
	"with the firmware below.")},
    {ub_download_error_quark, UB_DOWNLOAD_ERROR_TIMEOUT,
     N_("The firmware archive stopped answering"),
     N_("The connection is very slow or the server is overloaded."),
     N_("Try again in a while, or choose a folder or a file with the firmware below.")},
    {ub_download_error_quark, UB_DOWNLOAD_ERROR_INTERRUPTED, N_("The download was cut off"),
     N_("The connection dropped before the whole file arrived; nothing half-downloaded was "
	"kept."),
     N_("Press the button again, or choose a folder or a file with the firmware below.")},
    {ub_download_error_quark, UB_DOWNLOAD_ERROR_NOT_FOUND,
     N_("The archive has no firmware for this board"),
     N_("The public VESC firmware archive has no folder for this board's hardware, or the "
	"file is missing from it."),
     N_("Get the firmware from the board's maker and choose the folder or file below.")},
    {ub_download_error_quark, UB_DOWNLOAD_ERROR_SERVER,
     N_("The firmware archive gave an unexpected answer"),
     N_("The address answered, but not with the VESC firmware archive."),
     N_("Try again later, or choose a folder or a file with the firmware below.")},
    {ub_download_error_quark, UB_DOWNLOAD_ERROR_CACHE,
     N_("The downloaded firmware cannot be saved"),
     N_("The cache folder (~/.cache/unbrick) is full or not writable."),
     N_("Free some disk space and try again, or choose a folder or a file below.")},
    {ub_download_error_quark, UB_DOWNLOAD_ERROR_AMBIGUOUS,
     N_("Which hardware version is your board?"),
     N_("This board comes in several hardware versions, each with its own firmware."),
     N_("Choose the version printed on the board next to the button, then press the button "
	"again.")},
};

char *
ub_error_text_get_holder(const GError *error)
{
	const char *holder;

	g_return_val_if_fail(error != NULL, NULL);
	if (!g_error_matches(error, UB_PROBE_ERROR, UB_PROBE_ERROR_BUSY))
		return NULL;
	/* the transport and the bench say "… is in use by NAME (pid N)" */
	holder = strstr(error->message, "in use by ");
	if (holder == NULL || holder[10] == '\0')
		return NULL;
	return g_strdup(holder + 10);
}

void
ub_error_text_lookup(const GError *error, UbErrorText *text)
{
	g_return_if_fail(error != NULL);
	g_return_if_fail(text != NULL);

	memset(text, 0, sizeof(*text));
	/* cancelling is the person's choice, not a failure (STYLE §3) */
	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
		text->title = _("Stopped");
		text->cause = _("You stopped this step.");
		text->next_step = _("Start it again when you are ready.");
		text->stopped = TRUE;
		return;
	}
	for (guint i = 0; i < G_N_ELEMENTS(entries); i++) {
		if (error->domain == entries[i].domain() &&
		    error->code == entries[i].code) {
			text->title = _(entries[i].title);
			text->cause = _(entries[i].cause);
			text->next_step = _(entries[i].next_step);
			return;
		}
	}
	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
	    g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
		text->title = _("File not found");
		text->cause = _("The file or folder does not exist any more.");
		text->next_step = _("Choose it again.");
		return;
	}
	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED) ||
	    g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_ACCES)) {
		text->title = _("Not allowed to use the file");
		text->cause = _("Your user account may not read or write it.");
		text->next_step = _("Choose a file or folder in your home folder.");
		return;
	}
	text->title = _("Something went wrong");
	text->cause = _("An error that unbrick does not know yet.");
	text->next_step = _("Try the step again. The details below help others to help you.");
}

char *
ub_hint_wiring_note(UbWiringPlan *plan, UbWiringNote note)
{
	UbBoard *board;
	UbPinHeader *header;

	g_return_val_if_fail(UB_IS_WIRING_PLAN(plan), NULL);
	board = ub_wiring_plan_get_board(plan);
	header = ub_board_get_header(board);

	switch (note) {
	case UB_WIRING_NOTE_RESET_BY_HAND:
		/* the Raspberry Pi Debug Probe has no reset pin at all */
		if (ub_pin_header_find_signal(ub_probe_model_get_header(ub_wiring_plan_get_probe(plan)),
					      UB_SIGNAL_NRST, 0) == NULL) {
			if (ub_board_get_nrst_header_pin(board) != 0)
				return g_strdup_printf(
				    /* TRANSLATORS: NRST and GND are signal names printed on boards */
				    _("This probe has no reset pin. When unbrick asks for a reset, "
				      "hold the board's NRST (header pin %1$u, chip pin %2$u) to GND "
				      "with a spare wire."),
				    ub_board_get_nrst_header_pin(board),
				    ub_board_get_nrst_mcu_pin(board));
			return g_strdup_printf(_("This probe has no reset pin. When unbrick asks for "
						 "a reset, hold chip pin %u (NRST) to GND with a "
						 "spare wire."),
					       ub_board_get_nrst_mcu_pin(board));
		}
		if (ub_board_get_nrst_header_pin(board) != 0)
			return g_strdup_printf(
			    /* TRANSLATORS: NRST and GND are signal names printed on boards */
			    _("This probe's RST pin does not reach the chip's reset: leave it "
			      "unconnected. When unbrick asks for a reset, hold the board's NRST "
			      "(header pin %1$u, chip pin %2$u) to GND with a spare wire."),
			    ub_board_get_nrst_header_pin(board), ub_board_get_nrst_mcu_pin(board));
		return g_strdup_printf(
		    _("This probe's RST pin does not reach the chip's reset: leave it unconnected. "
		      "When unbrick asks for a reset, hold chip pin %u (NRST) to GND with a spare "
		      "wire."),
		    ub_board_get_nrst_mcu_pin(board));
	case UB_WIRING_NOTE_NO_NRST_ON_HEADER:
		return g_strdup_printf(_("NRST is not on this board's header; it is pin %u of the "
					 "chip."),
				       ub_board_get_nrst_mcu_pin(board));
	case UB_WIRING_NOTE_SOLDER_HEADER:
		return g_strdup(_("This board has no connector fitted: solder a pin header or wires "
				  "to the SWD pads first. Pins only pressed into the holes make "
				  "unreliable contact."));
	case UB_WIRING_NOTE_CHECK_BOARD_PINOUT:
		if (ub_pin_header_get_confidence(header) == UB_CONFIDENCE_REPORTED)
			return g_strdup(_("The pin order of this board's header comes from user "
					  "reports and is not confirmed: compare it with the labels "
					  "printed next to the pins."));
		return g_strdup(_("The pin order of this board's header is a best guess: compare "
				  "it with the labels printed next to the pins before you connect "
				  "anything."));
	case UB_WIRING_NOTE_CHECK_PROBE_LABELS:
		return g_strdup(_("Go by the pin labels printed on your probe: clones differ in pin "
				  "order."));
	case UB_WIRING_NOTE_VOLTAGE_OWN_RAIL:
		return g_strdup(_("This probe's voltage reading is its own 3.3 V, so it cannot tell "
				  "whether the board is powered. Look at the board's LED instead."));
	case UB_WIRING_NOTE_PROBE_POWERS_BOARD:
		return g_strdup(_("This probe needs its 3.3 V wire and powers the board: disconnect "
				  "the battery and any bench supply first."));
	case UB_WIRING_NOTE_NO_VOLTAGE_SENSE:
		return g_strdup(_("This probe cannot measure the board's voltage: check yourself "
				  "that the board is powered (its LED is on) before you connect."));
	case UB_WIRING_NOTE_LEAVE_5V_FREE:
		return g_strdup(_("Leave the board's 5 V pin unconnected."));
	case UB_WIRING_NOTE_MISSING_BOARD_PIN:
		return g_strdup(_("This board's header lacks a signal the probe needs; the drawing "
				  "shows which. Solder that wire to the chip's pad instead."));
	case UB_WIRING_NOTE_EXTERNAL_POWER:
		return g_strdup(_("Power the board from its battery (motor unplugged) or a bench "
				  "supply while programming, and leave the probe's 3.3 V pin "
				  "unconnected."));
	default:
		return NULL;
	}
}

char *
ub_hint_wire_title(const UbWire *wire, guint index, guint n_wires)
{
	g_return_val_if_fail(wire != NULL, NULL);
	/* TRANSLATORS: the stepper on the Wiring page: wire number, how many, the signal name
	 * (SWDIO, SWCLK, GND, ... as printed on the hardware) */
	return g_strdup_printf(_("Wire %1$u of %2$u: %3$s"), index + 1, n_wires,
			       ub_signal_to_string(wire->board_signal != UB_SIGNAL_NONE
						       ? wire->board_signal
						       : wire->probe_signal));
}

static const char *
ub_hint_wire_when(const UbWire *wire)
{
	switch (wire->when) {
	case UB_WIRE_WHEN_NO_OTHER_POWER:
		return _("Optional: only when the board has no other power (battery and bench "
			 "supply disconnected).");
	case UB_WIRE_WHEN_RESET:
		return _("Optional: it lets unbrick reset the chip by itself.");
	case UB_WIRE_WHEN_TRACE:
		return _("Optional: only for SWO trace; unbrick does not need it.");
	case UB_WIRE_WHEN_ALWAYS:
	default:
		return _("Optional.");
	}
}

char *
ub_hint_wire_detail(const UbWire *wire)
{
	g_autoptr(GString) text = g_string_new(NULL);
	const char *board_label;

	g_return_val_if_fail(wire != NULL, NULL);
	board_label = wire->board_label != NULL && wire->board_label[0] != '\0'
			  ? wire->board_label
			  : ub_signal_to_string(wire->board_signal);
	/* TRANSLATORS: probe pin number and its printed label, board pin number and its label */
	g_string_append_printf(text, _("From probe pin %1$u (%2$s) to board pin %3$u (%4$s)."),
			       wire->probe_pin, wire->probe_label, wire->board_pin, board_label);
	if (wire->use == UB_WIRE_OPTIONAL)
		g_string_append_printf(text, "\n%s", ub_hint_wire_when(wire));
	if (wire->warnings & UB_WIRE_WARNING_BACKFEED)
		g_string_append_printf(text, "\n%s",
				       _("Never with the battery or a bench supply connected: the "
					 "probe would feed the board's regulator backwards."));
	if (wire->warnings & UB_WIRE_WARNING_BROWNOUT)
		g_string_append_printf(text, "\n%s",
				       _("The probe cannot supply this board on its own."));
	if (wire->warnings & UB_WIRE_WARNING_RESET_UNKNOWN)
		g_string_append_printf(text, "\n%s",
				       _("This probe's RST pin may do nothing; unbrick then asks you "
					 "to hold NRST by hand."));
	if (wire->warnings & UB_WIRE_WARNING_UNCONFIRMED_PIN)
		g_string_append_printf(text, "\n%s",
				       _("The board's pin order is not confirmed: check the label "
					 "printed next to the pin."));
	if (wire->warnings & UB_WIRE_WARNING_SHARED_PIN)
		g_string_append_printf(text, "\n%s",
				       _("It goes to the same board pin as the other GND wire."));
	return g_string_free(g_steal_pointer(&text), FALSE);
}

const char *
ub_hint_status(UbStatus status)
{
	switch (status) {
	case UB_STATUS_CONNECT:
		return _("Connecting to the chip");
	case UB_STATUS_IDENTIFY:
		return _("Identifying the chip");
	case UB_STATUS_READ:
		return _("Reading the flash");
	case UB_STATUS_BACKUP:
		return _("Saving a backup of the chip");
	case UB_STATUS_ERASE:
		return _("Erasing");
	case UB_STATUS_WRITE:
		return _("Writing the firmware");
	case UB_STATUS_VERIFY:
		return _("Checking what was written");
	case UB_STATUS_RESET:
		return _("Starting the new firmware");
	case UB_STATUS_DIAGNOSE:
		return _("Looking for the cause");
	case UB_STATUS_IDLE:
	case UB_STATUS_UNKNOWN:
	case UB_STATUS_LAST:
	default:
		return _("Preparing");
	}
}

const char *
ub_hint_flash_stage(UbFlashJobStage stage)
{
	switch (stage) {
	case UB_FLASH_JOB_STAGE_NOT_STARTED:
	case UB_FLASH_JOB_STAGE_CONNECTED:
	case UB_FLASH_JOB_STAGE_BACKED_UP:
		return _("Nothing on the chip was changed.");
	case UB_FLASH_JOB_STAGE_CHANGING:
		return _("The chip is only partly written and will not start like this. Press "
			 "\"Write firmware\" again: it picks up safely from here.");
	case UB_FLASH_JOB_STAGE_WRITTEN:
		return _("The firmware is written but was not checked. Press \"Write firmware\" "
			 "again to finish.");
	case UB_FLASH_JOB_STAGE_DONE:
		return _("The firmware is written and checked.");
	default:
		return NULL;
	}
}

char *
ub_hint_time_left(gint64 seconds)
{
	/* "About 0 seconds left" says nothing the full bar does not */
	if (seconds < 1)
		return NULL;
	if (seconds >= 90) {
		guint minutes = (guint)((seconds + 30) / 60);

		return g_strdup_printf(ngettext("About %u minute left", "About %u minutes left",
						minutes),
				       minutes);
	}
	return g_strdup_printf(ngettext("About %u second left", "About %u seconds left",
					(gulong)seconds),
			       (guint)seconds);
}

char *
ub_hint_rate(guint64 bytes_per_second)
{
	g_autofree char *size = g_format_size(bytes_per_second);

	/* TRANSLATORS: a transfer rate, e.g. "48.0 kB/s" */
	return g_strdup_printf(_("%s/s"), size);
}

/* the jumper colours of ub-signal.c, as a person names them */
static const char *
ub_hint_colour(const char *colour)
{
	static const struct {
		const char *name;
		const char *words;
	} colours[] = {
	    /* TRANSLATORS: jumper-wire colours, shown as "%3$s" in "1. SWDIO, %3$s wire: probe
	     * pin ..." (a German adjective takes its masculine nominative ending there) */
	    {"black", N_("black")},   {"red", N_("red")},	  {"yellow", N_("yellow")},
	    {"blue", N_("blue")},     {"green", N_("green")},	  {"purple", N_("purple")},
	    {"orange", N_("orange")}, {"white", N_("white")},	  {"grey", N_("grey")},
	    {"brown", N_("brown")},
	};

	for (guint i = 0; i < G_N_ELEMENTS(colours); i++) {
		if (g_strcmp0(colour, colours[i].name) == 0)
			return _(colours[i].words);
	}
	return colour;
}

static const char *
ub_hint_wire_warning(UbWireWarning warning)
{
	switch (warning) {
	case UB_WIRE_WARNING_BACKFEED:
		return _("only when the board has no other power: never while the battery or a "
			 "bench supply is on");
	case UB_WIRE_WARNING_BROWNOUT:
		return _("the probe may not supply enough current for this board; a bench supply "
			 "is better");
	case UB_WIRE_WARNING_RESET_UNKNOWN:
		return _("this probe's RST pin may not reach the chip's reset");
	case UB_WIRE_WARNING_UNCONFIRMED_PIN:
		return _("pin order not confirmed: check against the labels on your board");
	case UB_WIRE_WARNING_SHARED_PIN:
		return _("shares the board pin with another wire");
	case UB_WIRE_WARNING_NONE:
	default:
		return NULL;
	}
}

char *
ub_hint_wire_list(UbWiringPlan *plan)
{
	g_autoptr(GString) text = g_string_new(NULL);

	g_return_val_if_fail(UB_IS_WIRING_PLAN(plan), NULL);
	for (guint i = 0; i < ub_wiring_plan_get_n_wires(plan); i++) {
		const UbWire *wire = ub_wiring_plan_get_wire(plan, i);

		if (text->len > 0)
			g_string_append_c(text, '\n');
		g_string_append_printf(
		    text,
		    /* TRANSLATORS: one wire: %1$u its number, %2$s the signal (SWDIO, GND, ...),
		     * %3$s its colour, %4$u and %5$s the probe's pin number and label, %6$u and
		     * %7$s the board's */
		    _("%1$u. %2$s, %3$s wire: probe pin %4$u “%5$s” to board pin %6$u “%7$s”"),
		    i + 1, ub_signal_to_string(wire->board_signal), ub_hint_colour(wire->colour),
		    wire->probe_pin, wire->probe_label, wire->board_pin, wire->board_label);
		if (wire->use == UB_WIRE_OPTIONAL)
			g_string_append_printf(text, " (%s)", _("optional"));
		for (guint flag = 1; flag < UB_WIRE_WARNING_LAST; flag <<= 1) {
			const char *warning = (wire->warnings & flag) != 0
						  ? ub_hint_wire_warning((UbWireWarning)flag)
						  : NULL;
			if (warning != NULL)
				g_string_append_printf(text, "; %s", warning);
		}
	}
	return g_string_free(g_steal_pointer(&text), FALSE);
}
