@ SPDX-License-Identifier: GPL-3.0-or-later
@
@ demo-60: the same healthy VESC-like image as demo-410, built for HW "60" (VESC 6).
@
@ Reproduce the bytes (what the build does, core/sim/firmware/meson.build):
@   arm-none-eabi-as -mcpu=cortex-m4 -mthumb -I core/sim/firmware \
@       core/sim/firmware/demo-60.S -o demo-60.o
@   arm-none-eabi-objcopy -O binary -j .text --gap-fill 0xFF demo-60.o demo-60.bin
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
	VESC_STRINGS 60
