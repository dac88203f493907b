@ SPDX-License-Identifier: GPL-3.0-or-later
@
@ deep-sleep: a VESC-like image for HW "410" whose start-up code, after a short delay, sets
@ SCB_SCR.SLEEPDEEP and waits for an interrupt that never comes: Stop mode. With DBGMCU_CR
@ DBG_STOP clear the chip stops the clocks the AHB-AP needs, so a debugger still gets the DP's
@ IDCODE but every memory access stalls; only a reset (NRST) brings the bus back, and vector
@ catch then holds the core before it sleeps again (RM0090 §5.3, §38.16.1).
@
@ Reproduce the bytes: as for repurpose-swd.S (core/sim/firmware/meson.build).

	.include "vesc-like.inc"

	.equ DELAY_LOOPS, 24000
	.equ SCB_SCR, 0xE000ED10

	.text
vectors:
	VECTOR_TABLE
	GAP_TO_APP

	.thumb_func
reset_handler:
	ldr r2, =DELAY_LOOPS
1:	subs r2, r2, #1
	bne 1b
	ldr r0, =SCB_SCR
	ldr r1, [r0]
	orr r1, r1, #(1 << 2)		@ SLEEPDEEP
	str r1, [r0]
2:	wfi
	b 2b

	.thumb_func
default_handler:
	b default_handler

	.ltorg
	VESC_STRINGS 410
