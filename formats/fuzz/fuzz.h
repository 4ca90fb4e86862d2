/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz.h - the libFuzzer entry point every target defines; replay.c calls
 * the same function on each file of a corpus so that the corpus is a
 * regression suite in normal builds.
 */
#ifndef XT_FUZZ_H
#define XT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
