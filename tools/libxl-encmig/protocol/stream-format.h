/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * stream-format.h: the migration stream, libxc's format v3 with encmig's
 * records.  docs/stream.md is the specification; this header is the only
 * place the numbers are written down.
 */

#ifndef __ENCMIG_STREAM_FORMAT_H__
#define __ENCMIG_STREAM_FORMAT_H__

#include <stdint.h>

#include "../../../hypercalls/include/public/encmig.h"

/* Image header: big-endian, as in libxc. */
#define IHDR_MARKER              0xffffffffffffffffULL
#define IHDR_ID                  0x58454e46U     /* "XENF" */
#define IHDR_VERSION             3
#define IHDR_OPT_BIG_ENDIAN      (1U << 0)
#define IHDR_SIZE                24

/* Domain header. */
#define DHDR_TYPE_X86_PV         0x0001
#define DHDR_TYPE_ENCMIG_SIM     0x8001   /* a simulated domain */
#define DHDR_SIZE                16

/* Record header: u32 type, u32 length, body padded to 8 bytes. */
#define REC_HDR_SIZE             8
#define REC_ALIGN                8
#define REC_TYPE_OPTIONAL        0x80000000U

/* libxc's records (tools/libs/guest/xg_sr_stream_format.h). */
#define REC_TYPE_END             0x00000000U
#define REC_TYPE_PAGE_DATA       0x00000001U
#define REC_TYPE_X86_PV_VCPU_BASIC 0x00000004U
#define REC_TYPE_VERIFY          0x0000000dU
#define REC_TYPE_STATIC_DATA_END 0x00000010U
#define REC_TYPE_X86_MSR_POLICY  0x00000012U

/*
 * encmig's records: mandatory, so a receiver that does not know them
 * refuses the stream instead of restoring a guest without its memory.
 */
#define REC_TYPE_ENCMIG_PAGES    0x00000013U  /* batch of encrypted pages */
#define REC_TYPE_ENCMIG_STATE    0x00000014U  /* state sealed by Xen */
#define REC_TYPE_ENCMIG_END      0x00000015U  /* authenticated end */
#define REC_TYPE_ENCMIG_SIM_VCPU 0x00000016U  /* simulator vCPU, --plain */

/* PAGE_DATA: u32 count, u32 rsvd, u64 pfn[count] (type in the top bits). */
#define PAGE_DATA_TYPE_MASK      0xf000000000000000ULL
#define PAGE_DATA_TYPE_NORMAL    0x0000000000000000ULL

/*
 * ENCMIG_PAGES body: u32 count, u32 stream, then count records of
 * XEN_ENCMIG_REC_SIZE bytes exactly as the hypervisor wrote them.
 */
#define ENCMIG_PAGES_HDR_SIZE    8
#define ENCMIG_MAX_BATCH         XEN_ENCMIG_MAX_BATCH

/*
 * ENCMIG_STATE body: the hypervisor's sealed state record exactly as
 * save_state wrote it (struct xen_encmig_state_hdr, ciphertext, tag).
 */
#define ENCMIG_STATE_MIN         XEN_ENCMIG_STATE_OVERHEAD
#define ENCMIG_STATE_MAX \
    (XEN_ENCMIG_MAX_STATE + XEN_ENCMIG_STATE_OVERHEAD)

/*
 * ENCMIG_END body: u32 nr_streams, u32 pad, u64 records[nr_streams], the
 * 32-byte handshake transcript hash, then HMAC-SHA256 under the end key
 * over the stream's transcript hash and the body before it (core.h).
 */
#define ENCMIG_MAX_STREAMS       XEN_ENCMIG_MAX_STREAMS
#define ENCMIG_END_MAC_SIZE      32
#define ENCMIG_TRANSCRIPT_SIZE   32

/* Largest body accepted: a full batch of encrypted pages (more than the
 * largest sealed state). */
#define REC_BODY_MAX \
    (ENCMIG_PAGES_HDR_SIZE + ENCMIG_MAX_BATCH * XEN_ENCMIG_REC_SIZE)

const char *encmig_rec_type_str(uint32_t type);

#endif /* __ENCMIG_STREAM_FORMAT_H__ */
