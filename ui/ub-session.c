/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-session.h"

struct _UbSession {
	GObject parent_instance;
	UbTransportProvider *demo_bench;
	char *demo_probe_model_id;
	UbPerson *person; /* the person at the screen, given to devices of real probes */
	UbEvidence *said;
	GSettings *settings;
	char *board_id;
	UbBoardDb *board_db;
	UbProbeDb *probe_db;
	GStrv known_hw_names;
	UbProbeInfo *probe_info;
	UbDevice *device;
	UbTargetInfo *target_info;
	UbProbeModel *probe_model;
	UbWiringPlan *wiring_plan;
	char *backup_path;
	UbFirmwareInfo *firmware;
	UbImage *firmware_image;
	gboolean firmware_override;
	gboolean needs_recovery;
	GString *log;
	gint64 started_us;
};

G_DEFINE_TYPE(UbSession, ub_session, G_TYPE_OBJECT)

static void
ub_session_finalize(GObject *object)
{
	UbSession *self = UB_SESSION(object);

	g_clear_object(&self->demo_bench);
	g_free(self->demo_probe_model_id);
	g_clear_object(&self->person);
	g_clear_object(&self->said);
	g_clear_object(&self->settings);
	g_free(self->board_id);
	g_clear_object(&self->board_db);
	g_clear_object(&self->probe_db);
	g_strfreev(self->known_hw_names);
	g_clear_object(&self->probe_info);
	g_clear_object(&self->device);
	g_clear_object(&self->target_info);
	g_clear_object(&self->probe_model);
	g_clear_object(&self->wiring_plan);
	g_free(self->backup_path);
	g_clear_object(&self->firmware);
	g_clear_object(&self->firmware_image);
	g_string_free(self->log, TRUE);
	G_OBJECT_CLASS(ub_session_parent_class)->finalize(object);
}

static void
ub_session_class_init(UbSessionClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_session_finalize;
}

static void
ub_session_init(UbSession *self)
{
	GSettingsSchemaSource *source = g_settings_schema_source_get_default();
	g_autoptr(GSettingsSchema) schema = NULL;

	self->log = g_string_new(NULL);
	self->said = ub_evidence_new();
	self->started_us = g_get_monotonic_time();
	/* g_settings_new() aborts on a missing schema; a build-tree run has none */
	if (source != NULL)
		schema = g_settings_schema_source_lookup(source, UB_APP_ID, TRUE);
	if (schema != NULL)
		self->settings = g_settings_new_full(schema, NULL, NULL);
}

/**
 * ub_session_new:
 * @demo_bench: (nullable): the bench the demo runs on (a simulated one, given by app/), or
 *              NULL to use real USB probes
 */
UbSession *
ub_session_new(UbTransportProvider *demo_bench)
{
	UbSession *self = g_object_new(UB_TYPE_SESSION, NULL);

	g_return_val_if_fail(demo_bench == NULL || UB_IS_TRANSPORT_PROVIDER(demo_bench), NULL);
	if (demo_bench != NULL)
		self->demo_bench = g_object_ref(demo_bench);
	if (self->settings != NULL) {
		g_autofree char *last = g_settings_get_string(self->settings, "last-board");
		if (last[0] != '\0')
			self->board_id = g_steal_pointer(&last);
	}
	return self;
}

UbTransportProvider *
ub_session_get_demo_bench(UbSession *self)
{
	g_return_val_if_fail(UB_IS_SESSION(self), NULL);
	return self->demo_bench;
}

gboolean
ub_session_is_demo(UbSession *self)
{
	g_return_val_if_fail(UB_IS_SESSION(self), FALSE);
	return self->demo_bench != NULL;
}

void
ub_session_set_demo_hardware(UbSession *self, const char *board_id, const char *probe_model_id)
{
	g_return_if_fail(UB_IS_SESSION(self));
	g_return_if_fail(self->demo_bench != NULL);
	/* the bench's board, not the person's last real one, and not remembered as such */
	if (board_id != NULL && g_strcmp0(self->board_id, board_id) != 0) {
		g_free(self->board_id);
		self->board_id = g_strdup(board_id);
		g_clear_object(&self->wiring_plan);
		ub_session_log(self, "board: %s (the demo bench's)", board_id);
	}
	g_free(self->demo_probe_model_id);
	self->demo_probe_model_id = g_strdup(probe_model_id);
}

const char *
ub_session_get_demo_probe_model_id(UbSession *self)
{
	g_return_val_if_fail(UB_IS_SESSION(self), NULL);
	return self->demo_probe_model_id;
}

GSettings *
ub_session_get_settings(UbSession *self)
{
	g_return_val_if_fail(UB_IS_SESSION(self), NULL);
	return self->settings;
}

UbBoardDb *
ub_session_get_board_db(UbSession *self)
{
	g_return_val_if_fail(UB_IS_SESSION(self), NULL);
	if (self->board_db == NULL) {
		g_autoptr(UbBoardDb) db = ub_board_db_new();
		g_autoptr(GError) error = NULL;

		/* a few small JSON files: cheap enough to read on first use */
		if (!ub_board_db_load(db, &error)) {
			ub_session_log(self, "boards database: %s", error->message);
			return NULL;
		}
		self->board_db = g_steal_pointer(&db);
	}
	return self->board_db;
}

UbProbeDb *
ub_session_get_probe_db(UbSession *self)
{
	g_return_val_if_fail(UB_IS_SESSION(self), NULL);
	if (self->probe_db == NULL) {
		g_autoptr(UbProbeDb) db = ub_probe_db_new();
		g_autoptr(GError) error = NULL;

		if (!ub_probe_db_load(db, &error)) {
			ub_session_log(self, "probes database: %s", error->message);
			return NULL;
		}
		self->probe_db = g_steal_pointer(&db);
	}
	return self->probe_db;
}

UbBoard *
ub_session_get_board(UbSession *self)
{
	UbBoardDb *db;

	g_return_val_if_fail(UB_IS_SESSION(self), NULL);
	if (self->board_id == NULL)
		return NULL;
	db = ub_session_get_board_db(self);
	return db != NULL ? ub_board_db_lookup(db, self->board_id) : NULL;
}

const char *
ub_session_get_board_id(UbSession *self)
{
	g_return_val_if_fail(UB_IS_SESSION(self), NULL);
	return self->board_id;
}

void
ub_session_set_board_id(UbSession *self, const char *board_id)
{
	g_return_if_fail(UB_IS_SESSION(self));
	if (g_strcmp0(self->board_id, board_id) == 0)
		return;
	g_free(self->board_id);
	self->board_id = g_strdup(board_id);
	ub_session_log(self, "board: %s", board_id != NULL ? board_id : "(none)");
	g_clear_object(&self->wiring_plan);
	if (self->settings != NULL && board_id != NULL)
		g_settings_set_string(self->settings, "last-board", board_id);
}

const char *const *
ub_session_get_known_hw_names(UbSession *self)
{
	g_return_val_if_fail(UB_IS_SESSION(self), NULL);
	if (self->known_hw_names == NULL) {
		UbBoardDb *db = ub_session_get_board_db(self);
		g_autoptr(GStrvBuilder) builder = g_strv_builder_new();

		for (guint i = 0; db != NULL && i < ub_board_db_get_all(db)->len; i++) {
			UbBoard *board = g_ptr_array_index(ub_board_db_get_all(db), i);
			const char *const *names = ub_board_get_hw_names(board);

			for (guint j = 0; names != NULL && names[j] != NULL; j++)
				g_strv_builder_add(builder, names[j]);
		}
		self->known_hw_names = g_strv_builder_end(builder);
	}
	return (const char *const *)self->known_hw_names;
}

UbProbeInfo *
ub_session_get_probe_info(UbSession *self)
{
	g_return_val_if_fail(UB_IS_SESSION(self), NULL);
	return self->probe_info;
}

void
ub_session_set_probe_info(UbSession *self, UbProbeInfo *info)
{
	g_return_if_fail(UB_IS_SESSION(self));
	if (self->probe_info != NULL && info != NULL && ub_probe_info_matches(self->probe_info, info)) {
		/* the same probe, perhaps with a version learnt since: keep its device */
		g_set_object(&self->probe_info, info);
		return;
	}
	if (!g_set_object(&self->probe_info, info))
		return;
	g_clear_object(&self->device);
	g_clear_object(&self->target_info);
	if (info == NULL)
		return;
	ub_session_log(self, "probe: %s, serial %s, firmware %s, at %s",
		       ub_probe_kind_to_string(ub_probe_info_get_kind(info)),
		       ub_probe_info_get_serial(info) != NULL ? ub_probe_info_get_serial(info) : "?",
		       ub_probe_info_get_firmware_version(info) != NULL
			   ? ub_probe_info_get_firmware_version(info)
			   : "?",
		       ub_probe_info_get_path(info));
}

UbDevice *
ub_session_get_device(UbSession *self)
{
	g_return_val_if_fail(UB_IS_SESSION(self), NULL);
	if (self->device == NULL && self->probe_info != NULL) {
		self->device = ub_device_new(self->probe_info);
		/* a bench that brings its own person (the demo's) keeps it */
		if (ub_device_get_person(self->device) == NULL && self->person != NULL)
			ub_device_set_person(self->device, self->person);
	}
	return self->device;
}

UbTargetInfo *
ub_session_get_target_info(UbSession *self)
{
	g_return_val_if_fail(UB_IS_SESSION(self), NULL);
	return self->target_info;
}

void
ub_session_set_target_info(UbSession *self, UbTargetInfo *info)
{
	g_return_if_fail(UB_IS_SESSION(self));
	if (!g_set_object(&self->target_info, info) || info == NULL)
		return;
	ub_session_log(self, "target: %s rev %s, %u KiB flash, UID %s, %u mV, RDP %u, core %s",
		       ub_target_info_get_chip_name(info) != NULL ? ub_target_info_get_chip_name(info)
								  : "?",
		       ub_target_info_get_revision(info) != NULL ? ub_target_info_get_revision(info)
								 : "?",
		       ub_target_info_get_flash_size(info) / 1024,
		       ub_target_info_get_uid(info) != NULL ? ub_target_info_get_uid(info) : "?",
		       ub_target_info_get_voltage_mv(info), ub_target_info_get_rdp_level(info),
		       ub_core_state_to_string(ub_target_info_get_core_state(info)));
}

UbProbeModel *
ub_session_get_probe_model(UbSession *self)
{
	g_return_val_if_fail(UB_IS_SESSION(self), NULL);
	return self->probe_model;
}

void
ub_session_set_probe_model(UbSession *self, UbProbeModel *model)
{
	g_return_if_fail(UB_IS_SESSION(self));
	if (!g_set_object(&self->probe_model, model))
		return;
	g_clear_object(&self->wiring_plan);
	ub_session_log(self, "probe model: %s",
		       model != NULL ? ub_probe_model_get_id(model) : "(unknown)");
}

UbWiringPlan *
ub_session_get_wiring_plan(UbSession *self)
{
	UbBoard *board;

	g_return_val_if_fail(UB_IS_SESSION(self), NULL);
	board = ub_session_get_board(self);
	if (self->wiring_plan == NULL && board != NULL && self->probe_model != NULL)
		self->wiring_plan = ub_wiring_plan_new(board, self->probe_model);
	return self->wiring_plan;
}

UbFirmwareInfo *
ub_session_get_firmware(UbSession *self)
{
	g_return_val_if_fail(UB_IS_SESSION(self), NULL);
	return self->firmware;
}

UbImage *
ub_session_get_firmware_image(UbSession *self)
{
	g_return_val_if_fail(UB_IS_SESSION(self), NULL);
	return self->firmware_image;
}

void
ub_session_set_firmware_image(UbSession *self, UbImage *image)
{
	g_return_if_fail(UB_IS_SESSION(self));
	g_set_object(&self->firmware_image, image);
}

gboolean
ub_session_get_firmware_override(UbSession *self)
{
	g_return_val_if_fail(UB_IS_SESSION(self), FALSE);
	return self->firmware_override;
}

void
ub_session_set_firmware(UbSession *self, UbFirmwareInfo *firmware, gboolean override)
{
	g_return_if_fail(UB_IS_SESSION(self));
	if (self->firmware == firmware && self->firmware_override == override)
		return;
	if (self->firmware != firmware)
		g_clear_object(&self->firmware_image);
	g_set_object(&self->firmware, firmware);
	self->firmware_override = firmware != NULL && override;
	if (firmware != NULL)
		ub_session_log(self, "firmware: %s (sha256 %s)%s",
			       ub_firmware_info_get_filename(firmware),
			       ub_firmware_info_get_sha256(firmware),
			       self->firmware_override ? ", hardware mismatch overridden" : "");
}

const char *
ub_session_get_backup_path(UbSession *self)
{
	g_return_val_if_fail(UB_IS_SESSION(self), NULL);
	return self->backup_path;
}

void
ub_session_set_backup_path(UbSession *self, const char *path)
{
	g_return_if_fail(UB_IS_SESSION(self));
	g_free(self->backup_path);
	self->backup_path = g_strdup(path);
	if (path != NULL)
		ub_session_log(self, "backup: %s", path);
}

gboolean
ub_session_get_needs_recovery(UbSession *self)
{
	g_return_val_if_fail(UB_IS_SESSION(self), FALSE);
	return self->needs_recovery;
}

void
ub_session_set_needs_recovery(UbSession *self, gboolean needs_recovery)
{
	g_return_if_fail(UB_IS_SESSION(self));
	self->needs_recovery = needs_recovery;
}

void
ub_session_log(UbSession *self, const char *format, ...)
{
	va_list args;
	gint64 elapsed_ms;
	gsize start;

	g_return_if_fail(UB_IS_SESSION(self));
	elapsed_ms = (g_get_monotonic_time() - self->started_us) / 1000;
	start = self->log->len;
	g_string_append_printf(self->log, "[%4" G_GINT64_FORMAT ".%03" G_GINT64_FORMAT "] ",
			       elapsed_ms / 1000, elapsed_ms % 1000);
	va_start(args, format);
	g_string_append_vprintf(self->log, format, args);
	va_end(args);
	g_debug("%s", self->log->str + start);
	g_string_append_c(self->log, '\n');
}

const char *
ub_session_get_log(UbSession *self)
{
	g_return_val_if_fail(UB_IS_SESSION(self), NULL);
	return self->log->str;
}

char *
ub_session_build_report(UbSession *self)
{
	GString *report = g_string_new(NULL);
	UbBoard *board;

	g_return_val_if_fail(UB_IS_SESSION(self), NULL);
	board = ub_session_get_board(self);
	/* English on purpose: the report goes to forums and bug trackers */
	g_string_append_printf(report, "unbrick %s report\n", VERSION);
	if (self->demo_bench != NULL)
		g_string_append_printf(report, "mode: demo (simulated bench %s)\n",
				       ub_transport_provider_get_name(self->demo_bench));
	g_string_append_printf(report, "board: %s\n",
			       board != NULL ? ub_board_get_name(board)
					     : (self->board_id != NULL ? self->board_id : "unknown"));
	if (self->probe_model != NULL)
		g_string_append_printf(report, "probe model: %s\n",
				       ub_probe_model_get_name(self->probe_model));
	if (self->firmware != NULL) {
		const char *const *hw_names = ub_firmware_info_get_hw_names(self->firmware);
		g_autofree char *hw = hw_names != NULL ? g_strjoinv(", ", (char **)hw_names) : NULL;

		g_string_append_printf(report, "firmware: %s\n",
				       ub_firmware_info_get_filename(self->firmware));
		g_string_append_printf(report, "firmware hardware: %s%s\n",
				       hw != NULL && hw[0] != '\0' ? hw : "not stated",
				       self->firmware_override ? " (mismatch overridden)" : "");
		if (ub_firmware_info_get_version_string(self->firmware) != NULL)
			g_string_append_printf(report, "firmware version: %s\n",
					       ub_firmware_info_get_version_string(self->firmware));
		g_string_append_printf(report, "firmware sha256: %s\n",
				       ub_firmware_info_get_sha256(self->firmware));
	}
	g_string_append_printf(report, "backup: %s\n",
			       self->backup_path != NULL ? self->backup_path : "none");
	g_string_append(report, "\nlog:\n");
	g_string_append(report, self->log->str);
	return g_string_free(report, FALSE);
}

/**
 * ub_session_set_person:
 * @person: (nullable): who the core asks when it needs a hand or an answer (the wizard)
 */
void
ub_session_set_person(UbSession *self, UbPerson *person)
{
	g_return_if_fail(UB_IS_SESSION(self));
	g_set_object(&self->person, person);
}

UbEvidence *
ub_session_get_said(UbSession *self)
{
	g_return_val_if_fail(UB_IS_SESSION(self), NULL);
	return self->said;
}
