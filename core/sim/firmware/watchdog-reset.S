@ SPDX-License-Identifier: GPL-3.0-or-later
@
@ watchdog-reset: firmware that starts the independent watchdog and never reloads it, so the
@ chip resets every "watchdog_ms" (default 300 ms) while it otherwise runs normally (the demo's
@ counter loop). A debugger must freeze the watchdog while the core is halted (DBGMCU_APB1_FZ
@ DBG_IWDG_STOP), or every erase and every connection is cut short by a reset.
@
@ Reproduce the bytes: as for repurpose-swd.S (core/sim/firmware/meson.build).

	.include "vesc-like.inc"

	.text
vectors:
	VECTOR_TABLE
	GAP_TO_APP

	.thumb_func
reset_handler:
	adr.w r0, watchdog_ms			@ the bench's value (PC-relative: no linker here)
	ldr r2, [r0]
	START_IWDG_R2
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
	BENCH_PARAM watchdog_ms, 300
