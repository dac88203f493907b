/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A simulated bench from a data file. Keys (all but "name" optional):
 *
 *   name            the bench's name (must match the file name without .json)
 *   description     one line for --help and reports
 *   board           the board on the bench, by its id in resources/data/boards/
 *   probe           { kind: stlink-v2 | stlink-v2-clone | stlink-v2-1 | stlink-v3 |
 *                           debugprobe | daplink | daplink-v1 (HID only),
 *                     model: its id in resources/data/probes/ (which of the models sharing
 *                           its USB ids it is),
 *                     hardware: for debugprobe: debug-probe (the Raspberry Pi Debug Probe,
 *                           default; it has no reset pin) | pico (a Pico, nRESET on GP1),
 *                     rst_wired: bool (default: TRUE, FALSE for a clone and the Debug Probe),
 *                     clone_voltage_mv: what a clone reports as target voltage (its own
 *                     3.3 V rail, boards-and-firmware.md §3.1; default 3300),
 *                     firmware: the version it runs, as ST prints it ("V2J17S4", "V3J5M2";
 *                     default V2J37S7, V2J37M26 or V3J7M3B3S1): an old one answers only the
 *                     commands it had (clones ship old firmware) }
 *   wiring          good | unpowered | no-gnd | swapped | rst-not-connected | nrst-stuck-low
 *   powered         FALSE is the same as wiring "unpowered"
 *   vdd_mv          the board's 3.3 V rail (default 3300)
 *   max_clean_khz   the fastest SWCLK the wires carry cleanly (long jumpers, a clone's weak
 *                   drivers); above it transfers fail now and then, more often the faster
 *                   (core/sim/ub-sim-link.c). Default: clean at any clock
 *   flash           [ { image: NAME (core/sim/firmware) | file: PATH (relative to the data
 *                       file), address: "0x08000000" } ] over an erased chip
 *   option_bytes    FLASH_OPTCR as stored (default 0x0FFFAAED)
 *   flash_timing    typical | drawn | max: how long each erase and programming takes
 *                   between the datasheet's typical and maximum (default drawn, from a seed
 *                   derived from the name, so that a bench repeats)
 *   uid             24 hex digits (default: derived from the name)
 *   faults          [ "dead" ]
 *   person          what the person at the bench answers when asked: { "led_on", "wires_checked",
 *                   "fails_elsewhere": "yes" | "no" }, or "careful": somebody who looks and
 *                   answers what is true of this bench (default: they cannot say)
 *   powered_for_ms  how long the board has been running when the probe is attached (default
 *                   2000, at most 60000): in the field a board has been on for a while, its
 *                   firmware long past its first milliseconds
 *
 * A flash entry's other members set the image's parameters, e.g. { "image": "repurpose-swd",
 * "takeover_ms": 50 } (core/sim/ub-sim-firmware.h).
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "ub-data-loader.h"
#include "ub-error.h"
#include "ub-sim-board.h"
#include "ub-sim-hand.h"
#include "ub-sim-firmware.h"
#include "ub-transport-sim.h"

#define UB_SIM_BOARD_DEFAULT_OPTCR 0x0FFFAAEDu
#define UB_SIM_BOARD_DEFAULT_VDD_MV 3300
#define UB_SIM_BOARD_DEFAULT_CLONE_MV 3300
#define UB_SIM_BOARD_DEFAULT_POWERED_FOR_MS 2000
#define UB_SIM_BOARD_MAX_POWERED_FOR_MS 60000

struct _UbSimBoard {
	GObject parent_instance;
	char *name;
	char *description;
	char *board_id;
	char *path;
	char *probe_name;
	char *probe_model_id;
	char *flash_source;
	gboolean probe_rst_wired;
	guint32 powered_for_ms;
	gboolean restoring; /* ub_sim_board_new_from_state(): the board is power-cycled after */
	UbPersonAnswer answers[UB_PERSON_QUESTION_FAILS_ELSEWHERE + 1];
	GPtrArray *faults;
	UbSimClock *clock;
	UbSimMcu *mcu;
	UbSimDap *dap;
	UbSimLink *link;
	UbSimProbe *probe;
	UbSimStlink *stlink; /* the probe when it is an ST-LINK */
	UbSimHand *hand; /* made when first asked for */
	UbSimFaults *fault_schedule;
};

static void ub_sim_board_provider_iface_init(UbTransportProviderInterface *iface);

/* a bench is the world behind its probe: the transport to its ST-LINK model, its virtual clock
 * and the person standing at it, all given to UbDevice through one interface */
G_DEFINE_TYPE_WITH_CODE(UbSimBoard, ub_sim_board, G_TYPE_OBJECT,
			G_IMPLEMENT_INTERFACE(UB_TYPE_TRANSPORT_PROVIDER,
					      ub_sim_board_provider_iface_init))

static UbTransport *
ub_sim_board_provider_open(UbTransportProvider *provider, UbProbeInfo *info, GError **error)
{
	UbSimBoard *self = UB_SIM_BOARD(provider);

	/* an unplugged probe is not there to be opened */
	if (!ub_sim_faults_get_plugged(self->fault_schedule)) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_NOT_FOUND,
		            "the probe of the bench %s is not plugged in", self->name);
		return NULL;
	}
	return UB_TRANSPORT(ub_transport_sim_new(self));
}

static UbClock *
ub_sim_board_provider_get_clock(UbTransportProvider *provider)
{
	return UB_CLOCK(ub_sim_board_get_clock(UB_SIM_BOARD(provider)));
}

static UbPerson *
ub_sim_board_provider_get_person(UbTransportProvider *provider)
{
	return UB_PERSON(ub_sim_board_get_hand(UB_SIM_BOARD(provider)));
}

static const char *
ub_sim_board_provider_get_name(UbTransportProvider *provider)
{
	return ub_sim_board_get_name(UB_SIM_BOARD(provider));
}

static void
ub_sim_board_provider_iface_init(UbTransportProviderInterface *iface)
{
	iface->open = ub_sim_board_provider_open;
	iface->get_clock = ub_sim_board_provider_get_clock;
	iface->get_person = ub_sim_board_provider_get_person;
	iface->get_name = ub_sim_board_provider_get_name;
}

static void
ub_sim_board_finalize(GObject *object)
{
	UbSimBoard *self = UB_SIM_BOARD(object);

	g_clear_object(&self->hand);
	g_clear_object(&self->fault_schedule);
	g_clear_object(&self->stlink);
	g_clear_object(&self->probe);
	g_clear_object(&self->link);
	g_clear_object(&self->dap);
	g_clear_object(&self->mcu);
	g_clear_object(&self->clock);
	g_ptr_array_unref(self->faults);
	g_free(self->name);
	g_free(self->description);
	g_free(self->board_id);
	g_free(self->probe_model_id);
	g_free(self->path);
	g_free(self->probe_name);
	g_free(self->flash_source);
	G_OBJECT_CLASS(ub_sim_board_parent_class)->finalize(object);
}

static void
ub_sim_board_class_init(UbSimBoardClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_sim_board_finalize;
}

static void
ub_sim_board_init(UbSimBoard *self)
{
	self->faults = g_ptr_array_new_with_free_func(g_free);
	self->powered_for_ms = UB_SIM_BOARD_DEFAULT_POWERED_FOR_MS;
}

/* ---- data file parsing -------------------------------------------------------------- */

/* the board runs on its own until somebody plugs the probe in */
static void
ub_sim_board_run_before_attach(UbSimBoard *self)
{
	/* a bench restored from its state file is power-cycled with the file's flash anyway:
	 * what its own firmware would have done first is lost, so it is not emulated */
	if (self->powered_for_ms > 0 && !self->restoring)
		ub_sim_clock_advance(self->clock, (guint64)self->powered_for_ms * UB_SIM_NS_PER_MS);
}

static gboolean
ub_sim_board_invalid(GError **error, const char *path, const char *field, const char *why)
{
	g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "%s: field '%s': %s", path, field,
	            why);
	return FALSE;
}

static gboolean
ub_sim_board_get_string(JsonObject *obj, const char *member, const char *path, const char *field,
                        const char **value, GError **error)
{
	JsonNode *node = json_object_get_member(obj, member);

	if (node == NULL)
		return TRUE;
	if (!JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_STRING)
		return ub_sim_board_invalid(error, path, field, "must be a string");
	*value = json_node_get_string(node);
	return TRUE;
}

static gboolean
ub_sim_board_get_bool(JsonObject *obj, const char *member, const char *path, const char *field,
                      gboolean *value, GError **error)
{
	JsonNode *node = json_object_get_member(obj, member);

	if (node == NULL)
		return TRUE;
	if (!JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_BOOLEAN)
		return ub_sim_board_invalid(error, path, field, "must be true or false");
	*value = json_node_get_boolean(node);
	return TRUE;
}

/* a number, or a string in C notation ("0x0FFFAAED") */
static gboolean
ub_sim_board_get_u32(JsonObject *obj, const char *member, const char *path, const char *field,
                     guint32 *value, GError **error)
{
	JsonNode *node = json_object_get_member(obj, member);
	guint64 parsed;

	if (node == NULL)
		return TRUE;
	if (JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_INT64) {
		gint64 v = json_node_get_int(node);
		if (v < 0 || v > G_MAXUINT32)
			return ub_sim_board_invalid(error, path, field, "out of range");
		*value = (guint32)v;
		return TRUE;
	}
	if (JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING) {
		const char *text = json_node_get_string(node);
		char *end = NULL;

		parsed = g_ascii_strtoull(text, &end, 0);
		if (text[0] == '\0' || end == NULL || *end != '\0' || parsed > G_MAXUINT32)
			return ub_sim_board_invalid(error, path, field, "not a 32-bit number");
		*value = (guint32)parsed;
		return TRUE;
	}
	return ub_sim_board_invalid(error, path, field, "must be a number");
}

static gboolean
ub_sim_board_parse_uid(const char *text, guint8 uid[12])
{
	if (strlen(text) != 24)
		return FALSE;
	for (guint i = 0; i < 12; i++) {
		gint hi = g_ascii_xdigit_value(text[2 * i]);
		gint lo = g_ascii_xdigit_value(text[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return FALSE;
		uid[i] = (guint8)(hi << 4 | lo);
	}
	return TRUE;
}

/* what the "probe" object asks for */
typedef struct {
	gboolean cmsis_dap;
	UbSimStlinkKind stlink_kind;
	UbSimCmsisDapKind cmsis_dap_kind;
	guint clone_mv; /* 0: a genuine voltage sense */
	const char *firmware; /* an ST-LINK's firmware version, or NULL for the newest */
} UbSimBoardProbeSpec;

static gboolean
ub_sim_board_parse_probe(UbSimBoard *self, JsonObject *root, UbSimBoardProbeSpec *spec,
                         GError **error)
{
	JsonNode *node = json_object_get_member(root, "probe");
	JsonObject *probe = NULL;
	const char *name = "stlink-v2";
	const char *hardware = NULL;
	const char *model = NULL;
	guint32 mv = UB_SIM_BOARD_DEFAULT_CLONE_MV;
	gboolean clone = FALSE;

	memset(spec, 0, sizeof(*spec));
	spec->stlink_kind = UB_SIM_STLINK_V2;
	self->probe_rst_wired = TRUE;
	if (node != NULL) {
		if (!JSON_NODE_HOLDS_OBJECT(node))
			return ub_sim_board_invalid(error, self->path, "probe",
			                            "must be an object");
		probe = json_node_get_object(node);
		if (!ub_sim_board_get_string(probe, "kind", self->path, "probe.kind", &name,
		                             error) ||
		    !ub_sim_board_get_string(probe, "hardware", self->path, "probe.hardware",
		                             &hardware, error) ||
		    !ub_sim_board_get_string(probe, "model", self->path, "probe.model", &model,
		                             error))
			return FALSE;
		self->probe_model_id = g_strdup(model);
	}
	if (g_strcmp0(name, "stlink-v2") == 0) {
		spec->stlink_kind = UB_SIM_STLINK_V2;
	} else if (g_strcmp0(name, "stlink-v2-clone") == 0) {
		/* clones route the header's RST to the STM8 SWIM reset (§3.1) */
		spec->stlink_kind = UB_SIM_STLINK_V2;
		clone = TRUE;
		self->probe_rst_wired = FALSE;
	} else if (g_strcmp0(name, "stlink-v2-1") == 0) {
		spec->stlink_kind = UB_SIM_STLINK_V2_1;
	} else if (g_strcmp0(name, "stlink-v3") == 0) {
		spec->stlink_kind = UB_SIM_STLINK_V3;
	} else if (g_strcmp0(name, "debugprobe") == 0) {
		spec->cmsis_dap = TRUE;
		if (hardware == NULL || g_strcmp0(hardware, "debug-probe") == 0) {
			/* the Debug Probe has no reset pin to wire */
			spec->cmsis_dap_kind = UB_SIM_CMSIS_DAP_DEBUG_PROBE;
			self->probe_rst_wired = FALSE;
		} else if (g_strcmp0(hardware, "pico") == 0) {
			spec->cmsis_dap_kind = UB_SIM_CMSIS_DAP_PICO;
		} else {
			g_autofree char *why = g_strdup_printf("unknown hardware '%s'", hardware);
			return ub_sim_board_invalid(error, self->path, "probe.hardware", why);
		}
	} else if (g_strcmp0(name, "daplink") == 0) {
		spec->cmsis_dap = TRUE;
		spec->cmsis_dap_kind = UB_SIM_CMSIS_DAP_DAPLINK;
	} else if (g_strcmp0(name, "daplink-v1") == 0) {
		spec->cmsis_dap = TRUE;
		spec->cmsis_dap_kind = UB_SIM_CMSIS_DAP_DAPLINK_V1;
	} else {
		g_autofree char *why = g_strdup_printf("unknown probe kind '%s'", name);
		return ub_sim_board_invalid(error, self->path, "probe.kind", why);
	}
	if (hardware != NULL && g_strcmp0(name, "debugprobe") != 0)
		return ub_sim_board_invalid(error, self->path, "probe.hardware",
		                            "only a debugprobe runs on different hardware");
	self->probe_name = g_strdup(spec->cmsis_dap
	                                    ? ub_sim_cmsis_dap_kind_to_string(spec->cmsis_dap_kind)
	                                    : name);
	if (probe == NULL)
		return TRUE;
	if (!ub_sim_board_get_bool(probe, "rst_wired", self->path, "probe.rst_wired",
	                           &self->probe_rst_wired, error))
		return FALSE;
	if (spec->cmsis_dap && spec->cmsis_dap_kind == UB_SIM_CMSIS_DAP_DEBUG_PROBE &&
	    self->probe_rst_wired)
		return ub_sim_board_invalid(error, self->path, "probe.rst_wired",
		                            "the Debug Probe has no reset pin to wire");
	if (!ub_sim_board_get_u32(probe, "clone_voltage_mv", self->path, "probe.clone_voltage_mv",
	                          &mv, error))
		return FALSE;
	if (json_object_has_member(probe, "clone_voltage_mv") && !clone)
		return ub_sim_board_invalid(error, self->path, "probe.clone_voltage_mv",
		                            "only a clone reports its own rail");
	if (clone)
		spec->clone_mv = MAX(mv, 1);
	if (!ub_sim_board_get_string(probe, "firmware", self->path, "probe.firmware",
	                             &spec->firmware, error))
		return FALSE;
	if (spec->firmware != NULL && spec->cmsis_dap)
		return ub_sim_board_invalid(error, self->path, "probe.firmware",
		                            "only an ST-LINK's firmware version can be chosen");
	return TRUE;
}

/* every other member of a flash entry is a parameter of its image ("takeover_ms": 50) */
static gboolean
ub_sim_board_set_image_params(UbSimBoard *self, JsonObject *entry, const char *field,
                              GBytes **bytes, GError **error)
{
	g_autoptr(GList) members = json_object_get_members(entry);

	for (GList *l = members; l != NULL; l = l->next) {
		const char *name = l->data;
		g_autofree char *where = g_strdup_printf("%s.%s", field, name);
		g_autoptr(GError) error_local = NULL;
		guint32 value = 0;
		GBytes *patched;

		if (g_strcmp0(name, "image") == 0 || g_strcmp0(name, "file") == 0 ||
		    g_strcmp0(name, "address") == 0)
			continue;
		if (!ub_sim_board_get_u32(entry, name, self->path, where, &value, error))
			return FALSE;
		patched = ub_sim_firmware_set_param(*bytes, name, value, &error_local);
		if (patched == NULL)
			return ub_sim_board_invalid(error, self->path, where, error_local->message);
		g_bytes_unref(*bytes);
		*bytes = patched;
	}
	return TRUE;
}

static gboolean
ub_sim_board_load_flash_entries(UbSimBoard *self, JsonObject *root, GError **error)
{
	JsonNode *node = json_object_get_member(root, "flash");
	JsonArray *array;
	GString *source = g_string_new(NULL);

	if (node == NULL || JSON_NODE_HOLDS_NULL(node)) {
		self->flash_source = g_string_free(source, FALSE);
		return TRUE;
	}
	if (!JSON_NODE_HOLDS_ARRAY(node)) {
		g_string_free(source, TRUE);
		return ub_sim_board_invalid(error, self->path, "flash", "must be a list");
	}
	array = json_node_get_array(node);
	for (guint i = 0; i < json_array_get_length(array); i++) {
		JsonNode *element = json_array_get_element(array, i);
		g_autofree char *field = g_strdup_printf("flash[%u]", i);
		g_autoptr(GBytes) bytes = NULL;
		g_autoptr(GError) error_local = NULL;
		const char *image = NULL;
		const char *file = NULL;
		guint32 address = UB_SIM_FLASH_BASE;
		JsonObject *entry;

		if (!JSON_NODE_HOLDS_OBJECT(element)) {
			g_string_free(source, TRUE);
			return ub_sim_board_invalid(error, self->path, field, "must be an object");
		}
		entry = json_node_get_object(element);
		if (!ub_sim_board_get_string(entry, "image", self->path, field, &image, error) ||
		    !ub_sim_board_get_string(entry, "file", self->path, field, &file, error) ||
		    !ub_sim_board_get_u32(entry, "address", self->path, field, &address, error)) {
			g_string_free(source, TRUE);
			return FALSE;
		}
		if ((image == NULL) == (file == NULL)) {
			g_string_free(source, TRUE);
			return ub_sim_board_invalid(error, self->path, field,
			                            "needs exactly one of 'image' or 'file'");
		}
		if (image != NULL) {
			bytes = ub_sim_firmware_lookup(image);
			if (bytes == NULL) {
				g_autofree char *why =
				        g_strdup_printf("unknown generated image '%s'", image);
				g_string_free(source, TRUE);
				return ub_sim_board_invalid(error, self->path, field, why);
			}
			if (!ub_sim_board_set_image_params(self, entry, field, &bytes, error)) {
				g_string_free(source, TRUE);
				return FALSE;
			}
		} else {
			g_autofree char *dir = g_path_get_dirname(self->path);
			g_autofree char *full = g_path_is_absolute(file)
			                                ? g_strdup(file)
			                                : g_build_filename(dir, file, NULL);
			g_autoptr(GMappedFile) mapped =
			        g_mapped_file_new(full, FALSE, &error_local);
			if (mapped == NULL) {
				g_string_free(source, TRUE);
				return ub_sim_board_invalid(error, self->path, field,
				                            error_local->message);
			}
			bytes = g_mapped_file_get_bytes(mapped);
		}
		if (!ub_sim_mcu_load_flash(self->mcu, address, bytes, &error_local)) {
			g_string_free(source, TRUE);
			return ub_sim_board_invalid(error, self->path, field, error_local->message);
		}
		g_string_append_printf(source, "%s%s@0x%08x", source->len > 0 ? ", " : "",
		                       image != NULL ? image : file, address);
	}
	self->flash_source = g_string_free(source, FALSE);
	return TRUE;
}

static gboolean
ub_sim_board_parse_person(UbSimBoard *self, JsonObject *root, UbSimWiring wiring,
                          GError **error)
{
	static const struct {
		const char *member;
		UbPersonQuestion question;
	} questions[] = {
	    {"led_on", UB_PERSON_QUESTION_LED_ON},
	    {"wires_checked", UB_PERSON_QUESTION_WIRES_CHECKED},
	    {"fails_elsewhere", UB_PERSON_QUESTION_FAILS_ELSEWHERE},
	};
	JsonNode *node = json_object_get_member(root, "person");
	JsonObject *person;
	g_autoptr(GList) members = NULL;

	if (node == NULL)
		return TRUE;
	if (JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING &&
	    g_strcmp0(json_node_get_string(node), "careful") == 0) {
		/* looks at the board (an LED lights when it has power), checks each wire against
		 * the drawing (the probe's RST wire is on it), and has other boards the probe
		 * works on: the simulated probes are sound */
		self->answers[UB_PERSON_QUESTION_LED_ON] =
		    wiring != UB_SIM_WIRING_UNPOWERED ? UB_PERSON_ANSWER_YES : UB_PERSON_ANSWER_NO;
		self->answers[UB_PERSON_QUESTION_WIRES_CHECKED] =
		    wiring == UB_SIM_WIRING_GOOD || wiring == UB_SIM_WIRING_UNPOWERED ||
			    wiring == UB_SIM_WIRING_NRST_STUCK_LOW
			? UB_PERSON_ANSWER_YES
			: UB_PERSON_ANSWER_NO;
		self->answers[UB_PERSON_QUESTION_FAILS_ELSEWHERE] = UB_PERSON_ANSWER_NO;
		return TRUE;
	}
	if (!JSON_NODE_HOLDS_OBJECT(node))
		return ub_sim_board_invalid(error, self->path, "person",
					    "an object of answers, or \"careful\"");
	person = json_node_get_object(node);
	members = json_object_get_members(person);
	for (GList *l = members; l != NULL; l = l->next) {
		g_autofree char *field = g_strdup_printf("person.%s", (const char *)l->data);
		const char *answer = NULL;
		guint i;

		for (i = 0; i < G_N_ELEMENTS(questions); i++)
			if (g_strcmp0(questions[i].member, l->data) == 0)
				break;
		if (i == G_N_ELEMENTS(questions))
			return ub_sim_board_invalid(error, self->path, field, "unknown question");
		if (!ub_sim_board_get_string(person, l->data, self->path, field, &answer, error))
			return FALSE;
		if (g_strcmp0(answer, "yes") == 0)
			self->answers[questions[i].question] = UB_PERSON_ANSWER_YES;
		else if (g_strcmp0(answer, "no") == 0)
			self->answers[questions[i].question] = UB_PERSON_ANSWER_NO;
		else
			return ub_sim_board_invalid(error, self->path, field, "'yes' or 'no'");
	}
	return TRUE;
}

static gboolean
ub_sim_board_parse_faults(UbSimBoard *self, JsonObject *root, GError **error)
{
	JsonNode *node = json_object_get_member(root, "faults");
	JsonArray *array;

	if (node == NULL)
		return TRUE;
	if (!JSON_NODE_HOLDS_ARRAY(node))
		return ub_sim_board_invalid(error, self->path, "faults", "must be a list");
	array = json_node_get_array(node);
	for (guint i = 0; i < json_array_get_length(array); i++) {
		JsonNode *element = json_array_get_element(array, i);
		const char *fault;

		if (!JSON_NODE_HOLDS_VALUE(element) ||
		    json_node_get_value_type(element) != G_TYPE_STRING)
			return ub_sim_board_invalid(error, self->path, "faults",
			                            "must be a list of strings");
		fault = json_node_get_string(element);
		if (g_strcmp0(fault, "dead") == 0) {
			ub_sim_mcu_set_dead(self->mcu, TRUE);
		} else {
			g_autofree char *why = g_strdup_printf("unknown fault '%s'", fault);
			return ub_sim_board_invalid(error, self->path, "faults", why);
		}
		g_ptr_array_add(self->faults, g_strdup(fault));
	}
	return TRUE;
}

static gboolean
ub_sim_board_load(UbSimBoard *self, const char *text, gssize len, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error_local = NULL;
	g_autofree char *basename = NULL;
	JsonNode *root_node;
	JsonObject *root;
	const char *name = NULL;
	const char *description = "";
	const char *board_id = NULL;
	const char *wiring_name = "good";
	const char *uid_text = NULL;
	const char *timing_name = "drawn";
	UbSimFlashTiming timing;
	guint32 optcr = UB_SIM_BOARD_DEFAULT_OPTCR;
	guint32 vdd_mv = UB_SIM_BOARD_DEFAULT_VDD_MV;
	guint32 max_clean_khz = 0;
	gboolean powered = TRUE;
	UbSimWiring wiring;
	UbSimBoardProbeSpec probe_spec;
	guint8 uid[12];

	if ((text != NULL && !json_parser_load_from_data(parser, text, len, &error_local)) ||
	    (text == NULL && !json_parser_load_from_file(parser, self->path, &error_local))) {
		if (g_error_matches(error_local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
			g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_NOT_FOUND, "%s: %s",
			            self->path, error_local->message);
			return FALSE;
		}
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "%s: %s", self->path,
		            error_local->message);
		return FALSE;
	}
	root_node = json_parser_get_root(parser);
	if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT(root_node))
		return ub_sim_board_invalid(error, self->path, "(root)", "must be an object");
	root = json_node_get_object(root_node);

	if (!ub_sim_board_get_string(root, "name", self->path, "name", &name, error) ||
	    !ub_sim_board_get_string(root, "description", self->path, "description", &description,
	                             error) ||
	    !ub_sim_board_get_string(root, "board", self->path, "board", &board_id, error) ||
	    !ub_sim_board_get_string(root, "wiring", self->path, "wiring", &wiring_name, error) ||
	    !ub_sim_board_get_string(root, "uid", self->path, "uid", &uid_text, error) ||
	    !ub_sim_board_get_bool(root, "powered", self->path, "powered", &powered, error) ||
	    !ub_sim_board_get_u32(root, "option_bytes", self->path, "option_bytes", &optcr,
	                          error) ||
	    !ub_sim_board_get_u32(root, "vdd_mv", self->path, "vdd_mv", &vdd_mv, error) ||
	    !ub_sim_board_get_u32(root, "max_clean_khz", self->path, "max_clean_khz",
	                          &max_clean_khz, error) ||
	    !ub_sim_board_get_string(root, "flash_timing", self->path, "flash_timing",
	                             &timing_name, error) ||
	    !ub_sim_board_get_u32(root, "powered_for_ms", self->path, "powered_for_ms",
	                          &self->powered_for_ms, error))
		return FALSE;
	if (!ub_sim_flash_timing_from_string(timing_name, &timing))
		return ub_sim_board_invalid(error, self->path, "flash_timing",
		                            "must be typical, drawn or max");
	if (name == NULL)
		return ub_sim_board_invalid(error, self->path, "name", "missing");
	/* the bench runs its firmware that long when it is made: a minute is as good as a day */
	if (self->powered_for_ms > UB_SIM_BOARD_MAX_POWERED_FOR_MS)
		return ub_sim_board_invalid(error, self->path, "powered_for_ms",
		                            "at most 60000 (a minute)");
	basename = g_path_get_basename(self->path);
	if (g_str_has_suffix(basename, ".json"))
		basename[strlen(basename) - 5] = '\0';
	if (g_strcmp0(basename, name) != 0)
		return ub_sim_board_invalid(error, self->path, "name",
		                            "does not match the file name");
	if (!ub_sim_wiring_from_string(wiring_name, &wiring)) {
		g_autofree char *why = g_strdup_printf("unknown wiring '%s'", wiring_name);
		return ub_sim_board_invalid(error, self->path, "wiring", why);
	}
	if (!powered)
		wiring = UB_SIM_WIRING_UNPOWERED;
	if (uid_text != NULL && !ub_sim_board_parse_uid(uid_text, uid))
		return ub_sim_board_invalid(error, self->path, "uid", "needs 24 hex digits");
	if (uid_text == NULL) {
		/* a stable UID per bench, like a real chip's */
		g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);
		guint8 digest[32];
		gsize digest_len = sizeof(digest);

		g_checksum_update(checksum, (const guchar *)name, -1);
		g_checksum_get_digest(checksum, digest, &digest_len);
		memcpy(uid, digest, sizeof(uid));
	}
	self->name = g_strdup(name);
	self->description = g_strdup(description);
	self->board_id = g_strdup(board_id);

	/* the chip, as it sits on the board before anyone powers it */
	self->clock = ub_sim_clock_new();
	self->mcu = ub_sim_mcu_new(self->clock);
	if (!ub_sim_board_load_flash_entries(self, root, error))
		return FALSE;
	ub_sim_mcu_set_option_bytes(self->mcu, optcr);
	ub_sim_mcu_set_uid(self->mcu, uid);
	/* this chip's erase and programming times, the same on every run of the bench */
	ub_sim_mcu_set_flash_timing(self->mcu, timing, g_str_hash(name));
	if (!ub_sim_board_parse_faults(self, root, error) ||
	    !ub_sim_board_parse_person(self, root, wiring, error))
		return FALSE;

	/* the wires and the probe */
	if (!ub_sim_board_parse_probe(self, root, &probe_spec, error))
		return FALSE;
	self->dap = ub_sim_dap_new(self->mcu);
	self->link = ub_sim_link_new(self->dap);
	ub_sim_link_set_probe_rst_wired(self->link, self->probe_rst_wired);
	ub_sim_link_set_target_vdd_mv(self->link, vdd_mv);
	ub_sim_link_set_max_clean_khz(self->link, max_clean_khz);
	{
		/* the probe's serial and the chip's UID both come from the bench's name, but
		 * from different seeds: they are different parts */
		g_autofree char *seed = g_strconcat("probe of ", name, NULL);

		if (probe_spec.cmsis_dap) {
			UbSimCmsisDap *dap = ub_sim_cmsis_dap_new(probe_spec.cmsis_dap_kind,
			                                          self->link, self->clock);
			ub_sim_cmsis_dap_set_serial_seed(dap, seed);
			self->probe = UB_SIM_PROBE(dap);
		} else {
			self->stlink =
			        ub_sim_stlink_new(probe_spec.stlink_kind, self->link, self->clock);
			ub_sim_stlink_set_serial_seed(self->stlink, seed);
			ub_sim_stlink_set_clone_voltage_mv(self->stlink, probe_spec.clone_mv);
			self->probe = UB_SIM_PROBE(g_object_ref(self->stlink));
		}
	}
	if (probe_spec.firmware != NULL &&
	    !ub_sim_stlink_set_firmware(self->stlink, probe_spec.firmware, &error_local))
		return ub_sim_board_invalid(error, self->path, "probe.firmware",
		                            error_local->message);
	self->fault_schedule = ub_sim_faults_new(self->clock, self->link, self->probe);

	/* power up (unless the bench has no supply), then the wiring takes effect */
	if (wiring != UB_SIM_WIRING_UNPOWERED)
		ub_sim_mcu_set_powered(self->mcu, TRUE);
	ub_sim_link_set_wiring(self->link, wiring);
	ub_sim_board_run_before_attach(self);
	return TRUE;
}

/* ---- lookup ------------------------------------------------------------------------- */

static GPtrArray *
ub_sim_board_search_dirs(void)
{
	GPtrArray *dirs = g_ptr_array_new_with_free_func(g_free);
	const char *env;

	env = g_getenv("UB_SIM_BOARDS_DIR");
	if (env != NULL && env[0] != '\0')
		g_ptr_array_add(dirs, g_strdup(env));
	g_ptr_array_extend_and_steal(dirs, ub_data_search_dirs("sim-boards"));
	return dirs;
}

UbSimBoard *
ub_sim_board_new_from_file(const char *path, GError **error)
{
	g_autoptr(UbSimBoard) self = NULL;

	g_return_val_if_fail(path != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	self = g_object_new(UB_TYPE_SIM_BOARD, NULL);
	self->path = g_strdup(path);
	if (!ub_sim_board_load(self, NULL, 0, error))
		return NULL;
	return g_steal_pointer(&self);
}

/**
 * ub_sim_board_new_from_data:
 * @path: where the text would live: it names the bench (its base name) and anchors relative
 *   "file" entries
 *
 * The same as ub_sim_board_new_from_file() on a file holding @text.
 */
UbSimBoard *
ub_sim_board_new_from_data(const char *text, gssize len, const char *path, GError **error)
{
	g_autoptr(UbSimBoard) self = NULL;

	g_return_val_if_fail(text != NULL || len == 0, NULL);
	g_return_val_if_fail(path != NULL, NULL);

	self = g_object_new(UB_TYPE_SIM_BOARD, NULL);
	self->path = g_strdup(path);
	if (!ub_sim_board_load(self, text != NULL ? text : "", len, error))
		return NULL;
	return g_steal_pointer(&self);
}

UbSimBoard *
ub_sim_board_new_from_name(const char *name, GError **error)
{
	g_autoptr(GPtrArray) dirs = NULL;
	g_autofree char *filename = NULL;
	g_autofree char *looked = NULL;

	g_return_val_if_fail(name != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	if (g_str_has_suffix(name, ".json"))
		return ub_sim_board_new_from_file(name, error);
	if (name[0] == '\0' || strchr(name, '/') != NULL || name[0] == '.') {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_NOT_FOUND,
		            "'%s' is not a simulated board name", name);
		return NULL;
	}
	filename = g_strconcat(name, ".json", NULL);
	dirs = ub_sim_board_search_dirs();
	for (guint i = 0; i < dirs->len; i++) {
		g_autofree char *path =
		        g_build_filename(g_ptr_array_index(dirs, i), filename, NULL);
		if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
			g_debug("simulated board %s: %s", name, path);
			return ub_sim_board_new_from_file(path, error);
		}
	}
	g_ptr_array_add(dirs, NULL);
	looked = g_strjoinv(", ", (char **)dirs->pdata);
	g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_NOT_FOUND,
	            "no simulated board '%s' (looked in %s)", name, looked);
	return NULL;
}

static gint
ub_sim_board_compare_names(gconstpointer a, gconstpointer b)
{
	/* g_ptr_array_sort passes pointers to the elements */
	return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

GStrv
ub_sim_board_list_names(void)
{
	g_autoptr(GPtrArray) dirs = ub_sim_board_search_dirs();
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GPtrArray) names = g_ptr_array_new();

	for (guint i = 0; i < dirs->len; i++) {
		g_autoptr(GDir) dir = g_dir_open(g_ptr_array_index(dirs, i), 0, NULL);
		const char *entry;

		if (dir == NULL)
			continue;
		while ((entry = g_dir_read_name(dir)) != NULL) {
			char *name;

			if (!g_str_has_suffix(entry, ".json"))
				continue;
			name = g_strndup(entry, strlen(entry) - 5);
			if (g_hash_table_contains(seen, name)) {
				g_free(name);
				continue;
			}
			g_hash_table_add(seen, name);
			g_ptr_array_add(names, name);
		}
	}
	g_ptr_array_sort(names, ub_sim_board_compare_names);
	g_ptr_array_add(names, NULL);
	return (GStrv)g_ptr_array_steal(names, NULL);
}

/* ---- accessors ---------------------------------------------------------------------- */

const char *
ub_sim_board_get_name(UbSimBoard *self)
{
	g_return_val_if_fail(UB_IS_SIM_BOARD(self), NULL);
	return self->name;
}

const char *
ub_sim_board_get_description(UbSimBoard *self)
{
	g_return_val_if_fail(UB_IS_SIM_BOARD(self), NULL);
	return self->description;
}

/* the board on the bench, as the boards database names it, or NULL when the file does not say */
const char *
ub_sim_board_get_board_id(UbSimBoard *self)
{
	g_return_val_if_fail(UB_IS_SIM_BOARD(self), NULL);
	return self->board_id;
}

/* which probe model of the database the bench's probe is, or NULL when the file does not say */
const char *
ub_sim_board_get_probe_model_id(UbSimBoard *self)
{
	g_return_val_if_fail(UB_IS_SIM_BOARD(self), NULL);
	return self->probe_model_id;
}

UbSimClock *
ub_sim_board_get_clock(UbSimBoard *self)
{
	g_return_val_if_fail(UB_IS_SIM_BOARD(self), NULL);
	return self->clock;
}

UbSimMcu *
ub_sim_board_get_mcu(UbSimBoard *self)
{
	g_return_val_if_fail(UB_IS_SIM_BOARD(self), NULL);
	return self->mcu;
}

UbSimLink *
ub_sim_board_get_link(UbSimBoard *self)
{
	g_return_val_if_fail(UB_IS_SIM_BOARD(self), NULL);
	return self->link;
}

UbSimHand *
ub_sim_board_get_hand(UbSimBoard *self)
{
	g_return_val_if_fail(UB_IS_SIM_BOARD(self), NULL);
	/* the same person on every run of a bench: seeded from its name */
	if (self->hand == NULL) {
		self->hand = ub_sim_hand_new(self->link, self->clock, g_str_hash(self->name));
		for (guint i = 0; i < G_N_ELEMENTS(self->answers); i++)
			ub_sim_hand_set_answer(self->hand, i, self->answers[i]);
	}
	return self->hand;
}

UbSimFaults *
ub_sim_board_get_faults(UbSimBoard *self)
{
	g_return_val_if_fail(UB_IS_SIM_BOARD(self), NULL);
	return self->fault_schedule;
}

UbSimProbe *
ub_sim_board_get_probe(UbSimBoard *self)
{
	g_return_val_if_fail(UB_IS_SIM_BOARD(self), NULL);
	return self->probe;
}

UbSimStlink *
ub_sim_board_get_stlink(UbSimBoard *self)
{
	g_return_val_if_fail(UB_IS_SIM_BOARD(self), NULL);
	return self->stlink;
}

const char *
ub_sim_board_get_probe_name(UbSimBoard *self)
{
	g_return_val_if_fail(UB_IS_SIM_BOARD(self), NULL);
	return self->probe_name;
}

gboolean
ub_sim_board_load_flash_file(UbSimBoard *self, const char *path, GError **error)
{
	g_autoptr(GMappedFile) mapped = NULL;
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(GBytes) erased = NULL;
	g_autofree guint8 *blank = NULL;
	g_autoptr(GError) error_local = NULL;

	g_return_val_if_fail(UB_IS_SIM_BOARD(self), FALSE);
	g_return_val_if_fail(path != NULL, FALSE);

	mapped = g_mapped_file_new(path, FALSE, &error_local);
	if (mapped == NULL) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID, "%s: %s", path,
		            error_local->message);
		return FALSE;
	}
	bytes = g_mapped_file_get_bytes(mapped);
	if (g_bytes_get_size(bytes) > UB_SIM_FLASH_SIZE) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_TOO_LARGE,
		            "%s: %" G_GSIZE_FORMAT " bytes do not fit the 1 MiB flash", path,
		            g_bytes_get_size(bytes));
		return FALSE;
	}
	/* replace, not overlay: the rest of the chip is erased */
	blank = g_malloc(UB_SIM_FLASH_SIZE);
	memset(blank, 0xFF, UB_SIM_FLASH_SIZE);
	erased = g_bytes_new_take(g_steal_pointer(&blank), UB_SIM_FLASH_SIZE);
	if (!ub_sim_mcu_load_flash(self->mcu, UB_SIM_FLASH_BASE, erased, error) ||
	    !ub_sim_mcu_load_flash(self->mcu, UB_SIM_FLASH_BASE, bytes, error))
		return FALSE;
	g_free(self->flash_source);
	self->flash_source = g_strdup_printf("%s@0x%08x", path, UB_SIM_FLASH_BASE);
	/* the new image boots as after a power cycle, if the board has power */
	if (ub_sim_mcu_get_powered(self->mcu)) {
		ub_sim_mcu_set_powered(self->mcu, FALSE);
		ub_sim_mcu_set_powered(self->mcu, TRUE);
		ub_sim_board_run_before_attach(self);
	}
	return TRUE;
}

static const char *
ub_sim_board_reset_to_string(UbSimReset reset)
{
	switch (reset) {
	case UB_SIM_RESET_POWER_ON:
		return "power-on";
	case UB_SIM_RESET_PIN:
		return "pin";
	case UB_SIM_RESET_SOFTWARE:
		return "software";
	case UB_SIM_RESET_WATCHDOG:
		return "watchdog";
	case UB_SIM_RESET_NONE:
	default:
		return "none";
	}
}

char *
ub_sim_board_build_report(UbSimBoard *self)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	const UbSimUsbIdentity *identity;
	g_autofree char *usb_id = NULL;
	g_autofree char *firmware = NULL;
	UbSimProbeStats stats;
	UbSimMcuStats mcu_stats;

	g_return_val_if_fail(UB_IS_SIM_BOARD(self), NULL);

	identity = ub_sim_probe_get_identity(self->probe);
	ub_sim_probe_get_stats(self->probe, &stats);
	ub_sim_mcu_get_stats(self->mcu, &mcu_stats);
	usb_id = g_strdup_printf("%04x:%04x", identity->vendor_id, identity->product_id);
	firmware = self->stlink != NULL ? ub_sim_stlink_get_firmware(self->stlink)
	                                : g_strdup(identity->product);

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "board");
	json_builder_add_string_value(builder, self->name);
	json_builder_set_member_name(builder, "description");
	json_builder_add_string_value(builder, self->description);

	json_builder_set_member_name(builder, "probe");
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "kind");
	json_builder_add_string_value(builder, self->probe_name);
	json_builder_set_member_name(builder, "usb_id");
	json_builder_add_string_value(builder, usb_id);
	json_builder_set_member_name(builder, "serial");
	json_builder_add_string_value(builder, identity->serial);
	json_builder_set_member_name(builder, "firmware");
	json_builder_add_string_value(builder, firmware);
	json_builder_set_member_name(builder, "rst_wired");
	json_builder_add_boolean_value(builder, ub_sim_link_get_probe_rst_wired(self->link));
	json_builder_set_member_name(builder, "swd_khz");
	json_builder_add_int_value(builder, ub_sim_probe_get_swd_khz(self->probe));
	json_builder_end_object(builder);

	json_builder_set_member_name(builder, "wiring");
	json_builder_add_string_value(builder,
	                              ub_sim_wiring_to_string(ub_sim_link_get_wiring(self->link)));
	json_builder_set_member_name(builder, "powered");
	json_builder_add_boolean_value(builder, ub_sim_mcu_get_powered(self->mcu));
	json_builder_set_member_name(builder, "faults");
	json_builder_begin_array(builder);
	for (guint i = 0; i < self->faults->len; i++)
		json_builder_add_string_value(builder, g_ptr_array_index(self->faults, i));
	json_builder_end_array(builder);
	json_builder_set_member_name(builder, "flash_image");
	json_builder_add_string_value(builder, self->flash_source);

	json_builder_set_member_name(builder, "usb");
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "round_trips");
	json_builder_add_int_value(builder, (gint64)stats.round_trips);
	json_builder_set_member_name(builder, "bytes_out");
	json_builder_add_int_value(builder, (gint64)stats.bytes_out);
	json_builder_set_member_name(builder, "bytes_in");
	json_builder_add_int_value(builder, (gint64)stats.bytes_in);
	json_builder_set_member_name(builder, "frames");
	json_builder_add_int_value(builder, (gint64)stats.usb_frames);
	json_builder_set_member_name(builder, "max_in_flight");
	json_builder_add_int_value(builder, stats.max_in_flight);
	json_builder_set_member_name(builder, "naks");
	json_builder_add_int_value(builder, (gint64)stats.naks);
	json_builder_end_object(builder);

	json_builder_set_member_name(builder, "time_ms");
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "usb");
	json_builder_add_double_value(builder, (gdouble)stats.usb_ns / UB_SIM_NS_PER_MS);
	json_builder_set_member_name(builder, "swd");
	json_builder_add_double_value(builder, (gdouble)stats.swd_ns / UB_SIM_NS_PER_MS);
	json_builder_set_member_name(builder, "probe_total");
	json_builder_add_double_value(builder,
	                              (gdouble)(stats.usb_ns + stats.swd_ns) / UB_SIM_NS_PER_MS);
	json_builder_set_member_name(builder, "clock");
	json_builder_add_double_value(builder,
	                              (gdouble)ub_sim_clock_get_ns(self->clock) / UB_SIM_NS_PER_MS);
	json_builder_end_object(builder);

	json_builder_set_member_name(builder, "flash");
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "sectors_erased");
	json_builder_add_int_value(builder, mcu_stats.sectors_erased);
	json_builder_set_member_name(builder, "mass_erases");
	json_builder_add_int_value(builder, mcu_stats.mass_erases);
	json_builder_set_member_name(builder, "bytes_programmed");
	json_builder_add_int_value(builder, (gint64)mcu_stats.bytes_programmed);
	json_builder_set_member_name(builder, "interrupted");
	json_builder_add_int_value(builder, mcu_stats.flash_interrupted);
	json_builder_set_member_name(builder, "timing");
	json_builder_add_string_value(
	        builder, ub_sim_flash_timing_to_string(ub_sim_mcu_get_flash_timing(self->mcu)));
	json_builder_end_object(builder);

	json_builder_set_member_name(builder, "mcu");
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "instructions");
	json_builder_add_int_value(builder, (gint64)mcu_stats.instructions);
	json_builder_set_member_name(builder, "resets");
	json_builder_add_int_value(builder, mcu_stats.resets);
	json_builder_set_member_name(builder, "dma_transfers");
	json_builder_add_int_value(builder, (gint64)mcu_stats.dma_transfers);
	json_builder_set_member_name(builder, "last_reset");
	json_builder_add_string_value(
	        builder, ub_sim_board_reset_to_string(ub_sim_mcu_get_last_reset(self->mcu)));
	json_builder_set_member_name(builder, "in_reset");
	json_builder_add_boolean_value(builder, ub_sim_mcu_get_in_reset(self->mcu));
	json_builder_set_member_name(builder, "swd_pins_connected");
	json_builder_add_boolean_value(builder, ub_sim_mcu_swd_pins_connected(self->mcu));
	json_builder_end_object(builder);
	json_builder_end_object(builder);

	root = json_builder_get_root(builder);
	json_generator_set_root(generator, root);
	json_generator_set_pretty(generator, TRUE);
	return json_generator_to_data(generator, NULL);
}

UbProbeInfo *
ub_sim_board_new_probe_info(UbSimBoard *self)
{
	const UbSimUsbIdentity *identity;
	g_autofree char *path = NULL;
	UbProbeInfo *info;

	g_return_val_if_fail(UB_IS_SIM_BOARD(self), NULL);

	identity = ub_sim_probe_get_identity(self->probe);
	path = g_strdup_printf("sim:%s", self->name);
	info = ub_probe_info_new();
	ub_probe_info_set_provider(info, UB_TRANSPORT_PROVIDER(self));
	/* what a host reads in the descriptors, as for a USB probe */
	if (identity->descriptors == UB_SIM_USB_DESCRIPTORS_DAPLINK_HID)
		ub_probe_info_set_kind(info, UB_PROBE_KIND_CMSIS_DAP_V1);
	else if (ub_probe_string_names_cmsis_dap(identity->interface_name))
		ub_probe_info_set_kind(info, UB_PROBE_KIND_CMSIS_DAP);
	ub_probe_info_set_product(info, identity->product);
	ub_probe_info_set_usb_ids(info, identity->vendor_id, identity->product_id);
	ub_probe_info_set_serial(info, identity->serial);
	ub_probe_info_set_path(info, path);
	return info;
}

UbDevice *
ub_sim_board_new_device(UbSimBoard *self)
{
	g_autoptr(UbProbeInfo) info = NULL;

	g_return_val_if_fail(UB_IS_SIM_BOARD(self), NULL);
	info = ub_sim_board_new_probe_info(self);
	return ub_device_new(info);
}

UbSimBoard *
ub_sim_board_from_device(UbDevice *device)
{
	UbTransportProvider *provider;

	g_return_val_if_fail(UB_IS_DEVICE(device), NULL);
	provider = ub_probe_info_get_provider(ub_device_get_probe_info(device));
	return UB_IS_SIM_BOARD(provider) ? UB_SIM_BOARD(provider) : NULL;
}

UbDevice *
ub_sim_device_new(const char *name, GError **error)
{
	g_autoptr(UbSimBoard) board = NULL;

	g_return_val_if_fail(name != NULL, NULL);
	board = ub_sim_board_new_from_name(name, error);
	if (board == NULL)
		return NULL;
	return ub_sim_board_new_device(board);
}

/* ---- a bench kept between programs ------------------------------------------------- */

#define STATE_DHCSR 0xE000EDF0u
#define STATE_DEMCR 0xE000EDFCu
#define STATE_DBGMCU_CR 0xE0042004u
#define STATE_DBGMCU_APB1_FZ 0xE0042008u
#define STATE_S_HALT (1u << 17)
/* a running board restored runs again at most this long, to stand for the time it ran */
#define STATE_MAX_RUN_MS 10000u

gboolean
ub_sim_board_save_state(UbSimBoard *self, const char *path, GError **error)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(GBytes) flash = NULL;
	g_autofree char *flash_text = NULL;
	g_autofree char *bench = NULL;
	g_autofree char *text = NULL;
	guint32 dhcsr = 0, demcr = 0, cr = 0, fz = 0;
	gboolean halted;

	g_return_val_if_fail(UB_IS_SIM_BOARD(self), FALSE);
	flash = ub_sim_mcu_dump_flash(self->mcu);
	flash_text = g_base64_encode(g_bytes_get_data(flash, NULL), g_bytes_get_size(flash));
	halted = ub_sim_mcu_get_halted(self->mcu);
	if (ub_sim_mcu_get_powered(self->mcu)) {
		ub_sim_mcu_ap_read(self->mcu, STATE_DHCSR, 4, &dhcsr);
		ub_sim_mcu_ap_read(self->mcu, STATE_DEMCR, 4, &demcr);
		ub_sim_mcu_ap_read(self->mcu, STATE_DBGMCU_CR, 4, &cr);
		ub_sim_mcu_ap_read(self->mcu, STATE_DBGMCU_APB1_FZ, 4, &fz);
	}
	bench = g_canonicalize_filename(self->path, NULL);
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "bench");
	json_builder_add_string_value(builder, bench);
	json_builder_set_member_name(builder, "powered");
	json_builder_add_boolean_value(builder, ub_sim_mcu_get_powered(self->mcu));
	json_builder_set_member_name(builder, "halted");
	json_builder_add_boolean_value(builder, halted);
	json_builder_set_member_name(builder, "running_ms");
	json_builder_add_int_value(builder,
				   (gint64)(ub_sim_clock_get_ns(self->clock) / UB_SIM_NS_PER_MS));
	json_builder_set_member_name(builder, "option_bytes");
	json_builder_add_int_value(builder, ub_sim_mcu_get_option_bytes(self->mcu));
	json_builder_set_member_name(builder, "demcr");
	json_builder_add_int_value(builder, demcr);
	json_builder_set_member_name(builder, "dbgmcu_cr");
	json_builder_add_int_value(builder, cr);
	json_builder_set_member_name(builder, "dbgmcu_apb1_fz");
	json_builder_add_int_value(builder, fz);
	json_builder_set_member_name(builder, "flash");
	json_builder_add_string_value(builder, flash_text);
	json_builder_end_object(builder);
	root = json_builder_get_root(builder);
	json_generator_set_root(generator, root);
	text = json_generator_to_data(generator, NULL);
	return g_file_set_contents(path, text, -1, error);
}

static gboolean
ub_sim_board_state_invalid(GError **error, const char *path, const char *why)
{
	g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "%s: %s", path, why);
	return FALSE;
}

UbSimBoard *
ub_sim_board_new_from_state(const char *path, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(UbSimBoard) self = NULL;
	g_autoptr(GBytes) flash = NULL;
	g_autoptr(GError) error_local = NULL;
	JsonObject *root;
	const char *bench;
	const char *flash_text;
	guchar *data;
	gsize len = 0;

	g_return_val_if_fail(path != NULL, NULL);
	if (!json_parser_load_from_file(parser, path, &error_local)) {
		g_set_error(error, UB_DATA_ERROR,
			    g_error_matches(error_local, G_FILE_ERROR, G_FILE_ERROR_NOENT)
				? UB_DATA_ERROR_NOT_FOUND
				: UB_DATA_ERROR_INVALID,
			    "%s: %s", path, error_local->message);
		return NULL;
	}
	if (!JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)))
		return ub_sim_board_state_invalid(error, path, "not a bench state") ? NULL : NULL;
	root = json_node_get_object(json_parser_get_root(parser));
	bench = json_object_get_string_member_with_default(root, "bench", NULL);
	flash_text = json_object_get_string_member_with_default(root, "flash", NULL);
	if (bench == NULL || flash_text == NULL)
		return ub_sim_board_state_invalid(error, path, "needs 'bench' and 'flash'") ? NULL
											     : NULL;
	data = g_base64_decode(flash_text, &len);
	flash = g_bytes_new_take(data, len);
	if (len != UB_SIM_FLASH_SIZE)
		return ub_sim_board_state_invalid(error, path, "the flash is not 1 MiB") ? NULL
											 : NULL;
	self = g_object_new(UB_TYPE_SIM_BOARD, NULL);
	self->path = g_strdup(bench);
	self->restoring = TRUE;
	if (!ub_sim_board_load(self, NULL, 0, error))
		return NULL;
	self->restoring = FALSE;
	if (!ub_sim_mcu_load_flash(self->mcu, UB_SIM_FLASH_BASE, flash, error))
		return NULL;
	ub_sim_mcu_set_option_bytes(
	    self->mcu, (guint32)json_object_get_int_member_with_default(root, "option_bytes",
									UB_SIM_BOARD_DEFAULT_OPTCR));
	if (!json_object_get_boolean_member_with_default(root, "powered", TRUE)) {
		ub_sim_mcu_set_powered(self->mcu, FALSE);
		return g_steal_pointer(&self);
	}
	/* the board as it was: a power-on with this flash, then either held as the debugger
	 * left it (the debug settings written before the first instruction, a pin reset to land
	 * on the reset vector) or running again for as long as it had run */
	ub_sim_mcu_set_powered(self->mcu, FALSE);
	ub_sim_mcu_set_powered(self->mcu, TRUE);
	ub_sim_mcu_ap_write(self->mcu, STATE_DBGMCU_CR, 4,
			    (guint32)json_object_get_int_member_with_default(root, "dbgmcu_cr", 0));
	ub_sim_mcu_ap_write(
	    self->mcu, STATE_DBGMCU_APB1_FZ, 4,
	    (guint32)json_object_get_int_member_with_default(root, "dbgmcu_apb1_fz", 0));
	if (json_object_get_boolean_member_with_default(root, "halted", FALSE)) {
		ub_sim_mcu_ap_write(self->mcu, STATE_DHCSR, 4, 0xA05F0003u); /* C_DEBUGEN|C_HALT */
		ub_sim_mcu_ap_write(self->mcu, STATE_DEMCR, 4, (1u << 24) | (1u << 0));
		ub_sim_mcu_set_nrst_low(self->mcu, TRUE);
		ub_sim_mcu_set_nrst_low(self->mcu, FALSE);
		ub_sim_mcu_ap_write(
		    self->mcu, STATE_DEMCR, 4,
		    (guint32)json_object_get_int_member_with_default(root, "demcr", 1u << 24));
	} else {
		gint64 ran = json_object_get_int_member_with_default(root, "running_ms", 0);
		ub_sim_clock_advance(self->clock,
				     (guint64)CLAMP(ran, 0, (gint64)STATE_MAX_RUN_MS) *
					 UB_SIM_NS_PER_MS);
	}
	return g_steal_pointer(&self);
}
