/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * VESC flash layout on the STM32F405 (1 MB, 12 sectors), from bldc flash_helper.c,
 * driver/eeprom.h, ld_eeprom_emu.ld and bldc-bootloader ld_bootloader.ld; see
 * shared/reference/boards-and-firmware.md section 4. Shared by identification and flash planning.
 */
#pragma once

/* application image: vector table in sector 0, code from sector 3 */
#define UB_VESC_APP_ADDRESS 0x08000000u
/* EEPROM emulation (motor/app configuration): sectors 1-2 */
#define UB_VESC_CONFIG_ADDRESS 0x08004000u
#define UB_VESC_CONFIG_SIZE 0x8000u
/* one EEPROM emulation page per sector */
#define UB_VESC_CONFIG_PAGE_SIZE 0x4000u
/* full app slot lengths of the archive .bin files (slot minus nothing: the last 8 bytes are the
 * CRC flag + CRC the firmware writes on first boot) */
#define UB_VESC_APP_SIZE_384K 393208u /* FW <= 5.03: 0x5FFF8 */
#define UB_VESC_APP_SIZE_512K 524280u /* FW >= 6.00: 0x7FFF8 */
/* new-app staging buffer, sectors 8-10: may hold another (compressed) image, never the running
 * one */
#define UB_VESC_BUFFER_ADDRESS 0x08080000u
#define UB_VESC_BUFFER_SIZE 0x60000u
/* VESC bootloader: sector 11 */
#define UB_VESC_BOOTLOADER_ADDRESS 0x080E0000u
#define UB_VESC_BOOTLOADER_SECTOR_SIZE 0x20000u
/* STM32F405/407 */
#define UB_VESC_FLASH_ADDRESS 0x08000000u
#define UB_VESC_FLASH_SIZE 0x100000u
#define UB_VESC_SRAM_ADDRESS 0x20000000u
#define UB_VESC_SRAM_SIZE 0x20000u
#define UB_VESC_CCM_ADDRESS 0x10000000u
#define UB_VESC_CCM_SIZE 0x10000u
/* DBGMCU_IDCODE DEV_ID of the STM32F405/407/415/417 */
#define UB_VESC_DEV_ID 0x413u
