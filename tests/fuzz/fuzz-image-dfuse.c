/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the dfuse parser, and its writer on whatever it accepts */
#include "fuzz-image-common.h"
#include "ub-image-dfuse.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_image_type(UB_TYPE_IMAGE_DFUSE, data, size, UB_IMAGE_PARSE_FLAG_IGNORE_CHECKSUM,
	                       TRUE);
}
