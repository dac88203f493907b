/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unbrick's STM32F4 flash loader: a small position-independent Thumb-2 program that the host
 * copies into SRAM and runs with the core halted by the debugger. The host queues commands
 * (program, erase, CRC, blank check) into a ring of slots in SRAM over SWD while the core
 * works through them, so SWD transfers overlap flash programming and erasing.
 *
 * How the bytes are made (the build does this; the copy in ub-stm32f4-loader.bin is the one
 * used when no ARM assembler is installed, and tests/test-flash-stub.c checks that the
 * embedded array, that file and a fresh assembly of this source are byte-identical):
 *
 *   arm-none-eabi-as -mcpu=cortex-m4 -mthumb -o loader.o ub-stm32f4-loader.S
 *   arm-none-eabi-objcopy -O binary -j .text loader.o ub-stm32f4-loader.bin
 *   python3 tools/bin2c.py --array ub_flash_stub_stm32f4 ub-stm32f4-loader.bin data.c
 *
 * Image layout (offsets from the load address, all words little-endian):
 *   0x00 magic "UBL1"   0x04 ABI version   0x08 entry offset   0x0c control block offset
 *   0x10 image size     0x20 code          control block (zero in the image) at the end
 *
 * Control block (the host fills the "in" words before it starts the core):
 *   +0x00 done      out  sequence number of the last finished command
 *   +0x04 status    out  0 running, 1 exited, 2 flash error, 3 bad command, 4 FLASH_CR locked
 *   +0x08 sr        out  FLASH_SR when a flash error stopped the loader
 *   +0x0c fail      out  flash address (or sector number) of the failing operation
 *   +0x10 psize     in   FLASH_CR.PSIZE to use: 0 x8, 1 x16, 2 x32 (RM0090 §3.6.2, by supply)
 *   +0x14 ring      in   address of slot 0's header
 *   +0x18 count     in   number of slots (≥ 2)
 *   +0x1c stride    in   distance between slot headers
 *   +0x20 reserved  in   0
 *   +0x24 first     in   sequence number of the first command; the host picks it at random so
 *                        that headers left in SRAM by an earlier run never match
 *   +0x28 abort     in   non-zero: stop before the next command (status 1), e.g. on cancel
 *
 * Slot header (the host writes a command's data and then its header in one memory write; the
 * AHB-AP writes ascending addresses, so seq, the last word, lands last):
 *   +0x00 cmd  +0x04 addr  +0x08 len  +0x0c arg  +0x10 buf  +0x14 seq
 * The loader runs command n from slot (n - first) mod count once that slot's seq equals n,
 * then writes n to done (the host initialises done to first - 1).
 *
 * Commands:
 *   1 PROGRAM       len bytes from buf to flash at addr (len a multiple of the PSIZE width);
 *                   elements that are all ones are skipped (the sector is erased). Each
 *                   element is stored while the one before it still programs: the store waits
 *                   on the bus until BSY falls (RM0090 §3.5.4; Black Magic Probe programs F4
 *                   the same way), so the loop's own work hides under the 16 µs of the flash
 *                   and the flash never idles between elements. The error flags are checked
 *                   after the first element (a wrong width, alignment or protection shows
 *                   there, with its address) and after the last (the command's address).
 *   2 ERASE_SECTOR  sector number in addr
 *   3 MASS_ERASE
 *   4 CRC_BLOCKS    addr, len split into arg-byte blocks (0: one block); per block the CRC-32
 *                   of the chip's CRC unit (RM0090 §4: polynomial 0x04C11DB7 over 32-bit
 *                   words, initial value 0xFFFFFFFF, the words as the bus reads them) and the
 *                   AND of its words go to buf as two words. The host clocks the unit
 *                   (RCC_AHB1ENR.CRCEN). len and arg are multiples of 4.
 *   5 BLANK_BLOCKS  as 4 but only the AND (0xffffffff: the block is erased)
 *   6 EXIT          status 1, then BKPT
 * Before a flash operation and at its end the loader waits for FLASH_SR.BSY to fall, and
 * stops with the SR error bits saved (OPERR, WRPERR, PGAERR, PGPERR, PGSERR; RM0090 §3.8.4)
 * and BKPT. An error flag already set when a command starts is reported the same way, never
 * cleared unread (the host clears SR before it starts the loader). Each store to flash and
 * each STRT is followed by DSB before SR is read: the store goes out on the D-Code bus, the
 * read on the System bus, and without the barrier the read may see BSY clear before the store
 * has reached the flash interface (OpenOCD's stm32f2x.S has the same DSB).
 * While it waits, for every element it programs and every 1 KiB it checks, it reloads the
 * independent watchdog (IWDG_KR = 0xAAAA) so that a watchdog the old firmware started cannot
 * reset the chip mid-write; the key does not start it.
 *
 * Registers kept: r4 control block, r5 FLASH base, r6 expected seq, r11 IWDG_KR, r12 0xAAAA.
 * Sequence numbers wrap modulo 2^32; the slot index is computed from seq - first.
 * The loader needs no stack: only leaf subroutines.
 */
	.syntax unified
	.cpu cortex-m4
	.thumb
	.text

	.equ FLASH_BASE, 0x40023c00
	.equ FLASH_SR, 0x0c
	.equ FLASH_CR, 0x10
	.equ IWDG_KR, 0x40003000
	.equ IWDG_RELOAD, 0xaaaa
	.equ CRC_BASE, 0x40023000
	.equ CRC_CR, 0x08
	.equ CRC_CR_RESET, 0x1

	.equ SR_BSY, 0x00010000
	.equ SR_ERRORS, 0xf2		/* OPERR | WRPERR | PGAERR | PGPERR | PGSERR */
	.equ SR_CLEAR, 0xf3		/* EOP and the error flags are write-1-to-clear */
	.equ CR_PG, 0x1
	.equ CR_SER, 0x2
	.equ CR_MER, 0x4
	.equ CR_STRT, 0x00010000

	.equ CB_DONE, 0x00
	.equ CB_STATUS, 0x04
	.equ CB_SR, 0x08
	.equ CB_FAIL, 0x0c
	.equ CB_PSIZE, 0x10
	.equ CB_RING, 0x14
	.equ CB_COUNT, 0x18
	.equ CB_STRIDE, 0x1c
	.equ CB_RESERVED, 0x20
	.equ CB_FIRST, 0x24
	.equ CB_ABORT, 0x28
	.equ CB_SIZE, 0x2c

	.equ H_CMD, 0x00
	.equ H_ADDR, 0x04
	.equ H_LEN, 0x08
	.equ H_ARG, 0x0c
	.equ H_BUF, 0x10
	.equ H_SEQ, 0x14

	.equ CMD_PROGRAM, 1
	.equ CMD_ERASE_SECTOR, 2
	.equ CMD_MASS_ERASE, 3
	.equ CMD_CRC_BLOCKS, 4
	.equ CMD_BLANK_BLOCKS, 5
	.equ CMD_EXIT, 6

	.equ STATUS_EXITED, 1
	.equ STATUS_FLASH_ERROR, 2
	.equ STATUS_BAD_COMMAND, 3
	.equ STATUS_LOCKED, 4

image_start:
	.ascii "UBL1"
	.word 2
	.word entry - image_start
	.word control - image_start
	.word image_end - image_start
	.word 0, 0, 0

	.thumb_func
entry:
	adr.w r4, control
	ldr r5, =FLASH_BASE
	ldr r11, =IWDG_KR
	movw r12, #IWDG_RELOAD
	/* the watchdog kept counting from where the firmware last reloaded it, now at once */
	str r12, [r11]
	ldr r6, [r4, #CB_FIRST]

	/* the host unlocks FLASH_CR; a wrong key earlier keeps it locked until reset */
	ldr r0, [r5, #FLASH_CR]
	cmp r0, #0
	bge next_command
	movs r0, #STATUS_LOCKED
	str r0, [r4, #CB_STATUS]
	bkpt #0

	/* header of slot (seq - first) mod count */
next_command:
	ldr r1, [r4, #CB_COUNT]
	ldr r0, [r4, #CB_FIRST]
	subs r0, r6, r0
	udiv r2, r0, r1
	mls r0, r2, r1, r0
	ldr r1, [r4, #CB_STRIDE]
	ldr r2, [r4, #CB_RING]
	mla r8, r0, r1, r2
wait_seq:
	str r12, [r11]
	ldr r0, [r4, #CB_ABORT]
	cmp r0, #0
	bne aborted
	ldr r0, [r8, #H_SEQ]
	cmp r0, r6
	bne wait_seq

	ldr r0, [r8, #H_CMD]
	ldr r1, [r8, #H_ADDR]
	ldr r2, [r8, #H_LEN]
	ldr r3, [r8, #H_ARG]
	ldr r9, [r8, #H_BUF]
	cmp r0, #CMD_PROGRAM
	beq program
	cmp r0, #CMD_ERASE_SECTOR
	beq erase_sector
	cmp r0, #CMD_MASS_ERASE
	beq mass_erase
	cmp r0, #CMD_CRC_BLOCKS
	beq crc_blocks
	cmp r0, #CMD_BLANK_BLOCKS
	beq crc_blocks
	cmp r0, #CMD_EXIT
	beq exit
	movs r0, #STATUS_BAD_COMMAND
	str r0, [r4, #CB_STATUS]
	bkpt #0

command_done:
	dsb
	str r6, [r4, #CB_DONE]
	adds r6, r6, #1
	b next_command

exit:
	str r6, [r4, #CB_DONE]
aborted:
	movs r0, #STATUS_EXITED
	str r0, [r4, #CB_STATUS]
	dsb
	bkpt #0

	/* r1 flash address, r2 length, r9 source; r10 the command's address, r7 non-zero
	 * until the first element has been checked */
program:
	bl wait_ready
	ldr r0, [r4, #CB_PSIZE]
	lsls r3, r0, #8
	orr r3, r3, #CR_PG
	/* RM0090 §3.6.2: PG with PSIZE set, and nothing else, before the first write */
	str r3, [r5, #FLASH_CR]
	mov r10, r1
	movs r7, #1
	cbz r2, program_done
	cmp r0, #2
	beq program_x32
	cmp r0, #1
	beq program_x16
program_x8:
	ldrb r0, [r9], #1
	cmp r0, #0xff
	beq 2f
	strb r0, [r1]
	dsb
	str r12, [r11]
	cbz r7, 2f
	bl wait_check
	movs r7, #0
2:	adds r1, r1, #1
	subs r2, r2, #1
	bne program_x8
	b program_done
program_x16:
	ldrh r0, [r9], #2
	movw r3, #0xffff
	cmp r0, r3
	beq 2f
	strh r0, [r1]
	dsb
	str r12, [r11]
	cbz r7, 2f
	bl wait_check
	movs r7, #0
2:	adds r1, r1, #2
	subs r2, r2, #2
	bne program_x16
	b program_done
program_x32:
	ldr r0, [r9], #4
	adds r3, r0, #1
	beq 2f
	str r0, [r1]
	dsb
	str r12, [r11]
	cbz r7, 2f
	bl wait_check
	movs r7, #0
2:	adds r1, r1, #4
	subs r2, r2, #4
	bne program_x32
program_done:
	/* the last element, and any flag raised since the first: the command's address */
	mov r1, r10
	bl wait_check
	movs r0, #0
	str r0, [r5, #FLASH_CR]
	b command_done

	/* r1 sector number */
erase_sector:
	bl wait_ready
	ldr r0, [r4, #CB_PSIZE]
	lsls r0, r0, #8
	orr r0, r0, r1, lsl #3
	orr r0, r0, #CR_SER
	str r0, [r5, #FLASH_CR]
	orr r0, r0, #CR_STRT
	str r0, [r5, #FLASH_CR]
	dsb
	bl wait_check
	movs r0, #0
	str r0, [r5, #FLASH_CR]
	b command_done

mass_erase:
	bl wait_ready
	ldr r0, [r4, #CB_PSIZE]
	lsls r0, r0, #8
	orr r0, r0, #CR_MER
	str r0, [r5, #FLASH_CR]
	orr r0, r0, #CR_STRT
	str r0, [r5, #FLASH_CR]
	dsb
	bl wait_check
	movs r0, #0
	str r0, [r5, #FLASH_CR]
	b command_done

	/* r0 command, r1 address, r2 length, r3 block size, r9 results. While it runs: r10
	 * the sequence number (r6 is a scratch register here), r5 the CRC unit, r8 bytes left
	 * in the command, r2 bytes left in the block, lr the AND of the block's words, r0 r4
	 * r6 r7 four words at a time; r4 and r5 are set again at the end */
crc_blocks:
	mov r10, r6
	cmp r3, #0
	it eq
	moveq r3, r2
	mov r8, r2
	ldr r5, =CRC_BASE
	cmp r0, #CMD_CRC_BLOCKS
	bne blank_block
crc_block:
	cmp r8, #0
	beq crc_done
	cmp r8, r3
	ite lo
	movlo r2, r8
	movhs r2, r3
	sub r8, r8, r2
	movs r0, #CRC_CR_RESET
	str r0, [r5, #CRC_CR]
	mov lr, #0xffffffff
crc_words:
	cmp r2, #16
	blo crc_tail
crc_words16:
	/* a block may be a whole sector: the watchdog as it goes */
	str r12, [r11]
	ldmia r1!, {r0, r4, r6, r7}
	str r0, [r5]
	str r4, [r5]
	str r6, [r5]
	str r7, [r5]
	ands r0, r4
	ands r6, r7
	ands r0, r6
	and lr, lr, r0
	subs r2, r2, #16
	cmp r2, #16
	bhs crc_words16
crc_tail:
	cbz r2, crc_result
	ldmia r1!, {r0}
	str r0, [r5]
	and lr, lr, r0
	subs r2, r2, #4
	b crc_tail
crc_result:
	ldr r0, [r5]
	str r0, [r9], #4
	str lr, [r9], #4
	b crc_block

blank_block:
	cmp r8, #0
	beq crc_done
	cmp r8, r3
	ite lo
	movlo r2, r8
	movhs r2, r3
	sub r8, r8, r2
	mov lr, #0xffffffff
	cmp r2, #16
	blo blank_tail
blank_words16:
	str r12, [r11]
	ldmia r1!, {r0, r4, r6, r7}
	ands r0, r4
	ands r6, r7
	ands r0, r6
	and lr, lr, r0
	subs r2, r2, #16
	cmp r2, #16
	bhs blank_words16
blank_tail:
	cbz r2, blank_result
	ldmia r1!, {r0}
	and lr, lr, r0
	subs r2, r2, #4
	b blank_tail
blank_result:
	mvn r0, #0
	str r0, [r9], #4
	str lr, [r9], #4
	b blank_block

crc_done:
	mov r6, r10
	adr.w r4, control
	ldr r5, =FLASH_BASE
	b command_done

	/* wait for BSY to fall; an error flag left from before stops the loader like a new
	 * one (r1, the command's address, goes to fail); r0 = FLASH_SR */
wait_ready:
	str r12, [r11]
	ldr r0, [r5, #FLASH_SR]
	tst r0, #SR_BSY
	bne wait_ready
	tst r0, #SR_ERRORS
	bne flash_error
	movs r0, #SR_CLEAR
	str r0, [r5, #FLASH_SR]
	bx lr

	/* wait for BSY to fall, then stop on any error bit; r1 is the address that failed */
wait_check:
	str r12, [r11]
	ldr r0, [r5, #FLASH_SR]
	tst r0, #SR_BSY
	bne wait_check
	tst r0, #SR_ERRORS
	it eq
	bxeq lr
flash_error:
	str r0, [r4, #CB_SR]
	str r1, [r4, #CB_FAIL]
	movs r0, #0
	str r0, [r5, #FLASH_CR]
	movs r0, #STATUS_FLASH_ERROR
	str r0, [r4, #CB_STATUS]
	dsb
	bkpt #0

	.ltorg
	.balign 4
control:
	.space CB_SIZE
image_end:
