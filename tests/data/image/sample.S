/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Source of the tiny ELF/HEX/BIN test samples; tools/make-image-samples.sh rebuilds them. */
	.syntax unified
	.thumb

	.section .vectors, "a"
	.word 0x20000800		/* initial SP, as in every VESC build */
	.word reset + 1			/* thumb bit */
	.word 0x08000401
	.word 0x08000401

	.section .text, "ax"
	.thumb_func
	.global reset
reset:
	ldr r0, =counter
	ldr r1, [r0]
	adds r1, r1, #1
	str r1, [r0]
	b reset

	.section .rodata, "a"
	.asciz "org.vesc.SAMPLE"

	.section .data, "aw"
counter:
	.word 0x11223344
	.word 0x55667788

	.section .bss, "aw", %nobits
scratch:
	.space 64
