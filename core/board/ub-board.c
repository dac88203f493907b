/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-board-private.h"
#include "ub-data-loader.h"
#include "ub-error.h"
#include "ub-pin-header-private.h"

struct _UbBoard {
	GObject parent_instance;
	gchar *id;
	gchar *name;
	gchar *vendor;
	gchar *filename;
	gchar *mcu_part;
	gchar *mcu_package;
	UbConfidence mcu_confidence;
	gchar **hw_names;
	UbPinHeader *header;
	guint nrst_header_pin; /* 0: not on the header */
	guint nrst_mcu_pin;
	UbConfidence nrst_confidence;
	gchar *nrst_notes;
	UbBoardBoot0 boot0;
	UbBoardPower power_recommended;
	UbProbeSupplyPolicy probe_supply;
	gchar *power_notes;
	GPtrArray *leds; /* of UbBoardLed */
	gchar **notes;
	gchar **sources;
};

G_DEFINE_TYPE(UbBoard, ub_board, G_TYPE_OBJECT)

static void
ub_board_led_free(gpointer data)
{
	UbBoardLed *led = data;
	g_free(led->colour);
	g_free(led->meaning);
	g_free(led);
}

static void
ub_board_finalize(GObject *object)
{
	UbBoard *self = UB_BOARD(object);

	g_free(self->id);
	g_free(self->name);
	g_free(self->vendor);
	g_free(self->filename);
	g_free(self->mcu_part);
	g_free(self->mcu_package);
	g_strfreev(self->hw_names);
	g_clear_object(&self->header);
	g_free(self->nrst_notes);
	g_free(self->power_notes);
	g_ptr_array_unref(self->leds);
	g_strfreev(self->notes);
	g_strfreev(self->sources);
	G_OBJECT_CLASS(ub_board_parent_class)->finalize(object);
}

static void
ub_board_class_init(UbBoardClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_board_finalize;
}

static void
ub_board_init(UbBoard *self)
{
	self->leds = g_ptr_array_new_with_free_func(ub_board_led_free);
}

static UbBoardPower
power_from_string(const gchar *str)
{
	if (g_strcmp0(str, "bench") == 0)
		return UB_BOARD_POWER_BENCH;
	if (g_strcmp0(str, "probe") == 0)
		return UB_BOARD_POWER_PROBE;
	return UB_BOARD_POWER_BATTERY;
}

static UbBoardBoot0
boot0_from_string(const gchar *str)
{
	if (g_strcmp0(str, "tied-to-gnd") == 0)
		return UB_BOARD_BOOT0_TIED_TO_GND;
	if (g_strcmp0(str, "reachable") == 0)
		return UB_BOARD_BOOT0_REACHABLE;
	return UB_BOARD_BOOT0_UNKNOWN;
}

const gchar *
ub_board_boot0_to_string(UbBoardBoot0 boot0)
{
	switch (boot0) {
	case UB_BOARD_BOOT0_TIED_TO_GND:
		return "tied-to-gnd";
	case UB_BOARD_BOOT0_REACHABLE:
		return "reachable";
	case UB_BOARD_BOOT0_UNKNOWN:
	default:
		return "unknown";
	}
}

UbBoardBoot0
ub_board_get_boot0(UbBoard *self)
{
	g_return_val_if_fail(UB_IS_BOARD(self), UB_BOARD_BOOT0_UNKNOWN);
	return self->boot0;
}

static UbProbeSupplyPolicy
supply_from_string(const gchar *str)
{
	if (g_strcmp0(str, "only-when-unpowered") == 0)
		return UB_PROBE_SUPPLY_ONLY_WHEN_UNPOWERED;
	if (g_strcmp0(str, "not-enough") == 0)
		return UB_PROBE_SUPPLY_NOT_ENOUGH;
	return UB_PROBE_SUPPLY_NEVER;
}

/* a board we cannot wire SWD to is useless in the database: say which pin is missing */
static gboolean
check_header(UbBoard *self, GError **error)
{
	const UbSignal needed[] = {UB_SIGNAL_SWDIO, UB_SIGNAL_SWCLK, UB_SIGNAL_GND};

	for (guint i = 0; i < G_N_ELEMENTS(needed); i++) {
		if (ub_pin_header_find_signal(self->header, needed[i], 0) != NULL)
			continue;
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
		            "%s: swd_header.pins: no pin carries %s", self->filename,
		            ub_signal_to_string(needed[i]));
		return FALSE;
	}
	if (self->nrst_header_pin != 0) {
		const UbPin *pin = ub_pin_header_get_pin(self->header, self->nrst_header_pin);
		if (pin == NULL || pin->signal != UB_SIGNAL_NRST) {
			g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
			            "%s: nrst.header_pin: pin %u of swd_header is not NRST",
			            self->filename, self->nrst_header_pin);
			return FALSE;
		}
	}
	return TRUE;
}

UbBoard *
ub_board_new_from_json(JsonObject *root, const gchar *filename, GError **error)
{
	g_autoptr(UbBoard) self = g_object_new(UB_TYPE_BOARD, NULL);
	JsonObject *mcu = json_object_get_object_member(root, "mcu");
	JsonObject *nrst = json_object_get_object_member(root, "nrst");
	JsonObject *power = json_object_get_object_member(root, "power_while_programming");
	JsonArray *leds = json_object_get_array_member(root, "leds");
	JsonNode *header_pin = json_object_get_member(nrst, "header_pin");
	JsonObject *boot0 = json_object_has_member(root, "boot0")
	                            ? json_object_get_object_member(root, "boot0")
	                            : NULL;

	g_return_val_if_fail(root != NULL, NULL);
	g_return_val_if_fail(filename != NULL, NULL);

	self->filename = g_strdup(filename);
	self->id = g_strdup(json_object_get_string_member(root, "id"));
	self->name = ub_data_text(json_object_get_string_member(root, "name"));
	self->vendor = g_strdup(json_object_get_string_member(root, "vendor"));
	self->mcu_part = g_strdup(json_object_get_string_member(mcu, "part"));
	self->mcu_package = g_strdup(json_object_get_string_member(mcu, "package"));
	self->mcu_confidence =
	        ub_confidence_from_string(json_object_get_string_member(mcu, "confidence"));
	self->hw_names = ub_data_json_get_strv(root, "vesc_hw_names");
	self->header = ub_pin_header_new_from_json(
	        json_object_get_object_member(root, "swd_header"), "swd_header", filename, error);
	if (self->header == NULL)
		return NULL;
	self->nrst_header_pin =
	        JSON_NODE_HOLDS_NULL(header_pin) ? 0 : (guint)json_node_get_int(header_pin);
	self->nrst_mcu_pin = (guint)json_object_get_int_member(nrst, "mcu_pin");
	self->nrst_confidence =
	        ub_confidence_from_string(json_object_get_string_member(nrst, "confidence"));
	self->nrst_notes = ub_data_text(json_object_get_string_member(nrst, "notes"));
	self->boot0 = boot0 != NULL ? boot0_from_string(json_object_get_string_member(boot0, "wiring"))
	                            : UB_BOARD_BOOT0_UNKNOWN;
	self->power_recommended =
	        power_from_string(json_object_get_string_member(power, "recommended"));
	self->probe_supply = supply_from_string(json_object_get_string_member(power, "probe_3v3"));
	self->power_notes = ub_data_text(json_object_get_string_member(power, "notes"));
	for (guint i = 0; i < json_array_get_length(leds); i++) {
		JsonObject *led_json = json_array_get_object_element(leds, i);
		UbBoardLed *led = g_new0(UbBoardLed, 1);
		led->colour = g_strdup(json_object_get_string_member(led_json, "colour"));
		led->meaning = ub_data_text(json_object_get_string_member(led_json, "meaning"));
		g_ptr_array_add(self->leds, led);
	}
	self->notes = ub_data_json_get_texts(root, "notes");
	self->sources = ub_data_json_get_sources(root);
	if (!check_header(self, error))
		return NULL;
	return g_steal_pointer(&self);
}

const gchar *
ub_board_get_id(UbBoard *self)
{
	g_return_val_if_fail(UB_IS_BOARD(self), NULL);
	return self->id;
}

const gchar *
ub_board_get_name(UbBoard *self)
{
	g_return_val_if_fail(UB_IS_BOARD(self), NULL);
	return self->name;
}

const gchar *
ub_board_get_vendor(UbBoard *self)
{
	g_return_val_if_fail(UB_IS_BOARD(self), NULL);
	return self->vendor;
}

const gchar *
ub_board_get_filename(UbBoard *self)
{
	g_return_val_if_fail(UB_IS_BOARD(self), NULL);
	return self->filename;
}

const gchar *
ub_board_get_mcu_part(UbBoard *self)
{
	g_return_val_if_fail(UB_IS_BOARD(self), NULL);
	return self->mcu_part;
}

const gchar *
ub_board_get_mcu_package(UbBoard *self)
{
	g_return_val_if_fail(UB_IS_BOARD(self), NULL);
	return self->mcu_package;
}

UbConfidence
ub_board_get_mcu_confidence(UbBoard *self)
{
	g_return_val_if_fail(UB_IS_BOARD(self), UB_CONFIDENCE_UNCONFIRMED);
	return self->mcu_confidence;
}

const gchar *const *
ub_board_get_hw_names(UbBoard *self)
{
	g_return_val_if_fail(UB_IS_BOARD(self), NULL);
	return (const gchar *const *)self->hw_names;
}

/* VESC hardware names are compared exactly: "60" and "60_MK3" are different firmware */
gboolean
ub_board_has_hw_name(UbBoard *self, const gchar *hw_name)
{
	g_return_val_if_fail(UB_IS_BOARD(self), FALSE);
	g_return_val_if_fail(hw_name != NULL, FALSE);
	return g_strv_contains((const gchar *const *)self->hw_names, hw_name);
}

UbPinHeader *
ub_board_get_header(UbBoard *self)
{
	g_return_val_if_fail(UB_IS_BOARD(self), NULL);
	return self->header;
}

guint
ub_board_get_nrst_header_pin(UbBoard *self)
{
	g_return_val_if_fail(UB_IS_BOARD(self), 0);
	return self->nrst_header_pin;
}

guint
ub_board_get_nrst_mcu_pin(UbBoard *self)
{
	g_return_val_if_fail(UB_IS_BOARD(self), 0);
	return self->nrst_mcu_pin;
}

UbConfidence
ub_board_get_nrst_confidence(UbBoard *self)
{
	g_return_val_if_fail(UB_IS_BOARD(self), UB_CONFIDENCE_UNCONFIRMED);
	return self->nrst_confidence;
}

const gchar *
ub_board_get_nrst_notes(UbBoard *self)
{
	g_return_val_if_fail(UB_IS_BOARD(self), NULL);
	return self->nrst_notes;
}

UbBoardPower
ub_board_get_power_recommended(UbBoard *self)
{
	g_return_val_if_fail(UB_IS_BOARD(self), UB_BOARD_POWER_BATTERY);
	return self->power_recommended;
}

UbProbeSupplyPolicy
ub_board_get_probe_supply_policy(UbBoard *self)
{
	g_return_val_if_fail(UB_IS_BOARD(self), UB_PROBE_SUPPLY_NEVER);
	return self->probe_supply;
}

const gchar *
ub_board_get_power_notes(UbBoard *self)
{
	g_return_val_if_fail(UB_IS_BOARD(self), NULL);
	return self->power_notes;
}

/* of UbBoardLed, owned by the board */
GPtrArray *
ub_board_get_leds(UbBoard *self)
{
	g_return_val_if_fail(UB_IS_BOARD(self), NULL);
	return self->leds;
}

const gchar *const *
ub_board_get_notes(UbBoard *self)
{
	g_return_val_if_fail(UB_IS_BOARD(self), NULL);
	return (const gchar *const *)self->notes;
}

const gchar *const *
ub_board_get_sources(UbBoard *self)
{
	g_return_val_if_fail(UB_IS_BOARD(self), NULL);
	return (const gchar *const *)self->sources;
}
