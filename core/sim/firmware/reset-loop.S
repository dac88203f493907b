@ SPDX-License-Identifier: GPL-3.0-or-later
@
@ reset-loop: firmware that resets in a loop, the way a board with a wrong or broken image often
@ does in the field. A VESC-like image for HW "410" that starts the independent watchdog early
@ (as VESC firmware does), runs its start-up for "startup_ms", then executes an undefined
@ instruction. The HardFault handler faults again (its vector is bad), the core locks up
@ (ARMv7-M B1.5.15), and the watchdog resets the chip after "watchdog_ms"; then it all starts
@ again. The debug port answers through the lockup; a debugger that halts the core and freezes
@ the watchdog (DBGMCU_APB1_FZ) keeps it; one that does not loses the chip at every reset.
@
@ Reproduce the bytes: as for repurpose-swd.S (core/sim/firmware/meson.build).

	.include "vesc-like.inc"

	.text
vectors:
	.word INITIAL_SP
	.word APP_CODE + 1
	.word 0				@ NMI
	.word 0				@ HardFault: nowhere to go, so the fault locks the core up
	.rept 94
	.word 0
	.endr
	GAP_TO_APP

	.thumb_func
reset_handler:
	adr.w r0, watchdog_ms			@ the bench's value (PC-relative: no linker here)
	ldr r2, [r0]
	START_IWDG_R2
	adr.w r0, startup_ms			@ the bench's value (PC-relative: no linker here)
	ldr r2, [r0]
	DELAY_MS_R2
	udf #0				@ the bug
1:	b 1b

	.ltorg
	VESC_STRINGS 410
	BENCH_PARAM watchdog_ms, 100
	BENCH_PARAM startup_ms, 2
