/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Error domains of libunbrick-core. Each code is a cause a person can act on; the UI maps
 * (domain, code) to a plain-language title, likely physical cause and next step in one table.
 * error->message is for logs and the copyable report.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define UB_PROBE_ERROR (ub_probe_error_quark())
#define UB_TARGET_ERROR (ub_target_error_quark())
#define UB_FLASH_ERROR (ub_flash_error_quark())
#define UB_IMAGE_ERROR (ub_image_error_quark())
#define UB_DATA_ERROR (ub_data_error_quark())
#define UB_DOWNLOAD_ERROR (ub_download_error_quark())

/* the debug probe and its USB link */
typedef enum {
	UB_PROBE_ERROR_NOT_FOUND,	  /* no probe attached */
	UB_PROBE_ERROR_PERMISSION_DENIED, /* USB device node not accessible (udev rule) */
	UB_PROBE_ERROR_BUSY,		  /* interface claimed by another program */
	UB_PROBE_ERROR_DISCONNECTED,	  /* probe vanished (unplugged) mid-operation */
	UB_PROBE_ERROR_TIMEOUT,		  /* probe did not answer a USB transfer in time */
	UB_PROBE_ERROR_PROTOCOL,	  /* reply malformed / unexpected length */
	UB_PROBE_ERROR_UNSUPPORTED,	  /* probe kind or firmware too old for the operation */
	UB_PROBE_ERROR_FAILED,		  /* any other USB failure */
} UbProbeError;

/* the target MCU as seen over SWD */
typedef enum {
	UB_TARGET_ERROR_NO_POWER,	 /* target voltage absent */
	UB_TARGET_ERROR_NO_ACK,		 /* the DP does not answer (ACK 111/000) */
	UB_TARGET_ERROR_WAIT,		 /* the DP/AP kept answering WAIT */
	UB_TARGET_ERROR_FAULT,		 /* bus fault on a memory access */
	UB_TARGET_ERROR_UNKNOWN_CHIP,	 /* answered, but DEV_ID / CPUID not known */
	UB_TARGET_ERROR_NOT_HALTED,	 /* the core did not halt when asked */
	UB_TARGET_ERROR_READ_PROTECTED,	 /* RDP level 1 */
	UB_TARGET_ERROR_LOCKED_FOREVER,	 /* RDP level 2 */
	UB_TARGET_ERROR_RESET_NO_EFFECT, /* probe NRST does not reach the MCU */
	UB_TARGET_ERROR_DEAD,		 /* no answer even under reset: likely damaged */
	UB_TARGET_ERROR_INVALID_ARGUMENT, /* bad address/length/alignment */
	UB_TARGET_ERROR_FAILED,
	UB_TARGET_ERROR_HELD_IN_RESET, /* NRST held low on the board: the core never starts */
	UB_TARGET_ERROR_WAS_RESET, /* the chip reset while we worked on it (NRST, supply dip) */
} UbTargetError;

/* the flash controller and the flash engine */
typedef enum {
	UB_FLASH_ERROR_LOCKED,		/* FLASH_CR stayed locked after the key sequence */
	UB_FLASH_ERROR_WRITE_PROTECTED, /* SR.WRPERR: sector write-protected by nWRP */
	UB_FLASH_ERROR_ALIGNMENT,	/* SR.PGAERR */
	UB_FLASH_ERROR_PARALLELISM,	/* SR.PGPERR: access width differs from PSIZE */
	UB_FLASH_ERROR_SEQUENCE,	/* SR.PGSERR */
	UB_FLASH_ERROR_OPERATION,	/* SR.OPERR */
	UB_FLASH_ERROR_BUSY_TIMEOUT,	/* BSY never cleared */
	UB_FLASH_ERROR_VERIFY,		/* read back differs from the image */
	UB_FLASH_ERROR_LOW_VOLTAGE,	/* supply too low for the requested parallelism */
	UB_FLASH_ERROR_NO_BACKUP,	/* backup could not be written */
	UB_FLASH_ERROR_FAILED,
	UB_FLASH_ERROR_WOULD_WIPE_CONFIG, /* image has data where the board keeps its settings */
	UB_FLASH_ERROR_INTERRUPTED, /* the chip reset (watchdog, NRST, power) mid-operation */
} UbFlashError;

/* firmware images and their files */
typedef enum {
	UB_IMAGE_ERROR_INVALID,		/* corrupt or truncated file (message has the position) */
	UB_IMAGE_ERROR_UNSUPPORTED,	/* format not recognised */
	UB_IMAGE_ERROR_TOO_LARGE,	/* does not fit the chip's flash */
	UB_IMAGE_ERROR_OVERLAP,		/* the image overlaps itself */
	UB_IMAGE_ERROR_NOT_FLASH,	/* targets RAM or another non-flash region */
	UB_IMAGE_ERROR_WRONG_HARDWARE,	/* built for other hardware than the board */
	UB_IMAGE_ERROR_WRONG_MCU,	/* built for another MCU */
	UB_IMAGE_ERROR_OTHER_CHIP,	/* a backup of another chip (another UID) */
} UbImageError;

/* data files: chips, boards, probes, simulated boards */
typedef enum {
	UB_DATA_ERROR_NOT_FOUND,
	UB_DATA_ERROR_INVALID, /* message names the file and field */
} UbDataError;

/* getting firmware from the VESC firmware archive (core/firmware/ub-firmware-fetch.c) */
typedef enum {
	UB_DOWNLOAD_ERROR_OFFLINE,     /* the archive's server cannot be reached (no network, DNS) */
	UB_DOWNLOAD_ERROR_TIMEOUT,     /* the server stopped sending */
	UB_DOWNLOAD_ERROR_INTERRUPTED, /* the connection dropped before the whole file came */
	UB_DOWNLOAD_ERROR_NOT_FOUND,   /* no such hardware, version or file in the archive */
	UB_DOWNLOAD_ERROR_SERVER,      /* an error status, or an answer that is not the archive */
	UB_DOWNLOAD_ERROR_CACHE,       /* the cache folder cannot be written */
	UB_DOWNLOAD_ERROR_AMBIGUOUS,   /* the names fit several hardware folders: choose one */
} UbDownloadError;

GQuark ub_probe_error_quark(void);
GQuark ub_target_error_quark(void);
GQuark ub_flash_error_quark(void);
GQuark ub_image_error_quark(void);
GQuark ub_data_error_quark(void);
GQuark ub_download_error_quark(void);

G_END_DECLS
