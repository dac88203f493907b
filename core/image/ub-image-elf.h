/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbImageElf: ELF32 little-endian ARM executables. The image is what a programmer writes: the
 * file bytes of every PT_LOAD segment with p_filesz > 0, at its physical (load) address p_paddr,
 * so initialised data goes to its flash copy, not to RAM.
 */
#pragma once

#include "ub-image.h"

G_BEGIN_DECLS

#define UB_TYPE_IMAGE_ELF (ub_image_elf_get_type())
G_DECLARE_FINAL_TYPE(UbImageElf, ub_image_elf, UB, IMAGE_ELF, UbImage)

UbImageElf *ub_image_elf_new(void);

G_END_DECLS
