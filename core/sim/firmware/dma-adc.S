@ SPDX-License-Identifier: GPL-3.0-or-later
@
@ dma-adc: a VESC-like image for HW "410" that does what a running VESC does to a debugger
@ that halts it without a reset (audit-f4-flash.md F1, F2, F7):
@  - ADC1 converts a 15-channel regular sequence over and over (scan, continuous, 15-cycle
@    sampling, as VESC's hw_410 set-up), and DMA2 stream 4 channel 0 moves every result into
@    a circular buffer of 15 half-words in SRAM at 0x20000C00, where a ChibiOS build keeps its
@    .bss. Halting the core stops none of it (RM0090 §10).
@  - the flash accelerator runs with prefetch, instruction and data cache on (ChibiOS sets
@    FLASH_ACR so), so the data cache holds lines of flash the firmware read.
@  - about 175 ms after reset it starts the independent watchdog with prescaler /4 and reload
@    140, as vedderb/bldc timeout.c (timeout_init_IWDT(), since January 2019) does: 17.6 ms at
@    the 32 kHz LSI (12 ms at the fastest LSI the firmware allows for), and reloads it every
@    10 ms like VESC's timeout thread. A halted core no longer reloads it: unless the debugger
@    freezes it (DBGMCU_APB1_FZ.DBG_IWDG_STOP) the chip resets 17.6 ms later. (VESC also
@    runs the window watchdog at about 12.5 ms; the model has no WWDG.)
@ There is no NVIC model, so where VESC uses interrupts this image polls.
@
@ Delays count loop iterations of 4 cycles each (the model charges a basic block its
@ half-words plus two for the branch) on the 16 MHz HSI the core runs from after reset.
@
@ Reproduce the bytes: as for repurpose-swd.S (core/sim/firmware/meson.build).

	.include "vesc-like.inc"

	.equ RCC_APB2ENR, 0x40023844
	.equ FLASH_ACR, 0x40023C00
	.equ DMA2_S4CR, 0x40026470	@ DMA2 + 0x10 + 0x18 * 4
	.equ ADC1_BASE, 0x40012000
	.equ ADC_CR1, 0x04
	.equ ADC_CR2, 0x08
	.equ ADC_SMPR1, 0x0C
	.equ ADC_SMPR2, 0x10
	.equ ADC_SQR1, 0x2C
	.equ ADC_SQR2, 0x30
	.equ ADC_SQR3, 0x34
	.equ ADC_DR, 0x4C
	.equ IWDG_KR, 0x40003000

	.equ ADC_BUFFER, 0x20000C00
	.equ ADC_CHANNELS, 15
	.equ DELAY_WATCHDOG, 700000	@ 175 ms
	.equ DELAY_KICK, 40000		@ 10 ms

	.text
vectors:
	VECTOR_TABLE
	GAP_TO_APP

	.thumb_func
reset_handler:
	@ clocks: GPIOA-C and DMA2 on AHB1, ADC1 on APB2
	ldr r0, =RCC_AHB1ENR
	ldr r1, [r0]
	ldr r2, =(1 << 22) | 0x7
	orr r1, r1, r2
	str r1, [r0]
	ldr r0, =RCC_APB2ENR
	ldr r1, [r0]
	orr r1, r1, #(1 << 8)
	str r1, [r0]

	@ flash accelerator: prefetch, instruction and data cache (0 wait states at 16 MHz)
	ldr r0, =FLASH_ACR
	movw r1, #0x700
	str r1, [r0]

	@ DMA2 stream 4, channel 0: ADC1->DR to the buffer, half-words, memory increment,
	@ circular, peripheral to memory, enabled
	ldr r0, =DMA2_S4CR
	ldr r1, =ADC1_BASE + ADC_DR
	str r1, [r0, #8]		@ PAR
	ldr r1, =ADC_BUFFER
	str r1, [r0, #12]		@ M0AR
	movs r1, #ADC_CHANNELS
	str r1, [r0, #4]		@ NDTR
	movw r1, #0x2D01		@ MSIZE 16, PSIZE 16, MINC, CIRC, EN
	str r1, [r0]

	@ ADC1: channels 0-14 in order, 15-cycle sampling, scan, continuous, DMA with DDS
	ldr r0, =ADC1_BASE
	ldr r1, =0x09249249
	str r1, [r0, #ADC_SMPR2]
	movw r1, #0x1249
	str r1, [r0, #ADC_SMPR1]
	ldr r1, =0x0A418820
	str r1, [r0, #ADC_SQR3]
	ldr r1, =0x16A4A0E6
	str r1, [r0, #ADC_SQR2]
	ldr r1, =0x00E039AC		@ L = 14: 15 conversions
	str r1, [r0, #ADC_SQR1]
	mov r1, #(1 << 8)		@ SCAN
	str r1, [r0, #ADC_CR1]
	movw r1, #0x303			@ ADON, CONT, DMA, DDS
	str r1, [r0, #ADC_CR2]
	orr r1, r1, #(1 << 30)		@ SWSTART
	str r1, [r0, #ADC_CR2]

	@ the rest of start-up, then the watchdog: /4, reload 140, 17.6 ms
	ldr r2, =DELAY_WATCHDOG
1:	subs r2, r2, #1
	bne 1b
	ldr r0, =IWDG_KR
	movw r1, #0x5555
	str r1, [r0]
	movs r1, #0
	str r1, [r0, #4]		@ PR: /4
	movs r1, #140
	str r1, [r0, #8]		@ RLR
	movw r1, #0xAAAA
	str r1, [r0]
	movw r1, #0xCCCC
	str r1, [r0]

	@ the main loop: reload the watchdog, work, again
	movw r1, #0xAAAA
2:	str r1, [r0]
	ldr r2, =DELAY_KICK
3:	subs r2, r2, #1
	bne 3b
	b 2b

	.thumb_func
default_handler:
	b default_handler

	.ltorg
	VESC_STRINGS 410
