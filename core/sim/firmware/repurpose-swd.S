@ SPDX-License-Identifier: GPL-3.0-or-later
@
@ repurpose-swd: the brick of the forum thread (forum-thread-bricked-focbox.txt). A VESC-like
@ image for HW "410" whose start-up code, after a short delay, enables the GPIOA clock and
@ turns PA13 (SWDIO) and PA14 (SWCLK) into push-pull outputs, then spins. From that moment the
@ SW-DP no longer sees the pins (stlink-and-stm32f4.md §4.4): only a connect that halts the
@ core before the MODER write (NRST held low + vector catch) reaches the chip again.
@
@ The delay is the bench's "takeover_ms" (default 6 ms): long enough for a probe to see the DP
@ answer once right after a reset and then lose it. Real firmware takes the pins anywhere
@ from a few milliseconds (early GPIO set-up) to seconds (a motor driver that starts late).
@
@ Reproduce the bytes (what the build does, core/sim/firmware/meson.build):
@   arm-none-eabi-as -mcpu=cortex-m4 -mthumb -I core/sim/firmware \
@       core/sim/firmware/repurpose-swd.S -o repurpose-swd.o
@   arm-none-eabi-objcopy -O binary -j .text --gap-fill 0xFF repurpose-swd.o repurpose-swd.bin
@ Flash it at 0x08000000.

	.include "vesc-like.inc"

	.text
vectors:
	VECTOR_TABLE
	GAP_TO_APP

	.thumb_func
reset_handler:
	adr.w r0, takeover_ms			@ the bench's value (PC-relative: no linker here)
	ldr r2, [r0]
	DELAY_MS_R2
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
	BENCH_PARAM takeover_ms, 6
