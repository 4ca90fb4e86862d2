/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xt-diag.h - how libxtrace tells its caller about damage it read past.
 *
 * The library never prints. Readers that skip a corrupt frame, stop at a
 * torn tail or meet lost events call the diagnostic callback the caller
 * registered (if any) and go on with what is still readable.
 */
#ifndef XT_DIAG_H
#define XT_DIAG_H

#include <stdint.h>

enum xt_diag_kind {
	XT_DIAG_TORN_TAIL,     /* the data file ends inside a frame: what follows offset is lost */
	XT_DIAG_CORRUPT_FRAME, /* a frame failed its checksum or did not decompress: skipped */
	XT_DIAG_BAD_PAGE,      /* a ring-buffer page inside a frame is malformed: rest of page skipped */
	XT_DIAG_LOST_EVENTS,   /* the kernel reported events lost before this point */
};

struct xt_diag {
	enum xt_diag_kind kind;
	const char *path; /* file concerned, borrowed */
	uint32_t cpu;     /* CPU of the data file, or XT_FRAME_CPU_MERGED */
	uint64_t offset;  /* byte offset in @path where the problem starts */
	uint64_t count;   /* XT_DIAG_LOST_EVENTS: events lost (XT_LOST_UNKNOWN if not counted) */
	const char *detail; /* one human-readable sentence, borrowed */
};

/* Called synchronously from inside the reader; @d is valid only during the call. */
typedef void (*xt_diag_fn)(const struct xt_diag *d, void *userdata);

#define XT_LOST_UNKNOWN UINT64_MAX

#endif
