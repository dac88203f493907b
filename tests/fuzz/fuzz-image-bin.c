/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the bin parser, and its writer on whatever it accepts */
#include "fuzz-image-common.h"
#include "ub-image-bin.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_image_type(UB_TYPE_IMAGE_BIN, data, size, UB_IMAGE_PARSE_FLAG_NONE, TRUE);
}
