@ SPDX-License-Identifier: GPL-3.0-or-later
@
@ repurpose-swd: the brick of the forum thread (forum-thread-bricked-focbox.txt). A VESC-like
@ image for HW "410" whose start-up code, after a short delay, enables the GPIOA clock and
@ turns PA13 (SWDIO) and PA14 (SWCLK) into push-pull outputs, then spins. From that moment the
@ SW-DP no longer sees the pins (stlink-and-stm32f4.md §4.4): only a connect that halts the
@ core before the MODER write (NRST held low + vector catch) reaches the chip again.
@
@ The delay is 24000 iterations of a 2-instruction loop: 48000 instructions, about 3 ms on the
@ 16 MHz HSI the core runs from after reset, enough for a probe to see the DP answer once
@ right after a reset and then lose it.
@
@ Reproduce the bytes (what the build does, core/sim/firmware/meson.build):
@   arm-none-eabi-as -mcpu=cortex-m4 -mthumb -I core/sim/firmware \
@       core/sim/firmware/repurpose-swd.S -o repurpose-swd.o
@   arm-none-eabi-objcopy -O binary -j .text --gap-fill 0xFF repurpose-swd.o repurpose-swd.bin
@ Flash it at 0x08000000.

	.include "vesc-like.inc"

	.equ DELAY_LOOPS, 24000

	.text
vectors:
	VECTOR_TABLE
	GAP_TO_APP

	.thumb_func
reset_handler:
	ldr r2, =DELAY_LOOPS
1:	subs r2, r2, #1
	bne 1b
	ldr r0, =RCC_AHB1ENR
	ldr r1, [r0]
	orr r1, r1, #(1 << 0)		@ GPIOAEN
	str r1, [r0]
	ldr r0, =GPIOA_MODER
	ldr r1, [r0]
	bic r1, r1, #(0xF << 26)	@ MODER13, MODER14 (reset value: 10 = AF0, SWD)
	orr r1, r1, #(0x5 << 26)	@ 01 = general-purpose output
	str r1, [r0]
2:	b 2b

	.thumb_func
default_handler:
	b default_handler

	.ltorg
	VESC_STRINGS 410
