@ SPDX-License-Identifier: GPL-3.0-or-later
@
@ demo-410: a healthy VESC-like image for HW "410" (VESC 4.10-4.12, FOCBOX). Its reset code
@ enables the GPIOC clock (as every VESC does early for its LEDs) and then counts in SRAM
@ forever; it never touches PA13/PA14, so SWD stays usable.
@
@ Reproduce the bytes (what the build does, core/sim/firmware/meson.build):
@   arm-none-eabi-as -mcpu=cortex-m4 -mthumb -I core/sim/firmware \
@       core/sim/firmware/demo-410.S -o demo-410.o
@   arm-none-eabi-objcopy -O binary -j .text --gap-fill 0xFF demo-410.o demo-410.bin
@ Flash it at 0x08000000.

	.include "vesc-like.inc"

	.text
vectors:
	VECTOR_TABLE
	GAP_TO_APP

	.thumb_func
reset_handler:
	ldr r0, =RCC_AHB1ENR
	ldr r1, [r0]
	orr r1, r1, #(1 << 2)		@ GPIOCEN
	str r1, [r0]
	ldr r0, =COUNTER
	movs r1, #0
1:	adds r1, r1, #1
	str r1, [r0]
	b 1b

	.thumb_func
default_handler:
	b default_handler

	.ltorg
	VESC_STRINGS 410
