/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * libxl-records.h: libxl's own records on the wire of `xl migrate
 * --encrypted`, each sealed under the session (docs/stream.md, section
 * 6), and the framing of the libxc stream that travels among them.
 *
 * libxl writes a stream of its own (Xen's docs/specs/
 * libxl-migration-stream.pandoc): a 16-byte header, then records of
 * u32le type, u32le length, body, zero padding to 8 bytes.  After its
 * LIBXC_CONTEXT record, libxc's stream follows inline up to libxc's END
 * record, and libxl's records go on after it.  xl's relay
 * (xl/libxl-relay.h) seals libxl's header and each of its records into a
 * frame and passes libxc's stream through unchanged: its own end record
 * (ENCMIG_END) authenticates it already.
 *
 * A frame is u32le type || u32le length || ciphertext[length] || tag[16]:
 * libxl's type and body length, and the body sealed with AES-256-GCM
 * under the session's libxl key (keys.h).  The header travels as type
 * ENCMIG_LXR_STREAM_HDR.  Frame n (from 0) has the nonce be32(0) ||
 * be64(n), the source being the only sender, and the AAD u64le n ||
 * u32le type || u32le length; libxl's END, sealed, is the authenticated
 * end.  So a frame altered, dropped, replayed, moved or cut short fails
 * its own tag or a later one's, and a stream without its END never ends.
 *
 * Functions return 0 or -errno, with a one-line reason in err.
 */

#ifndef __ENCMIG_LIBXL_RECORDS_H__
#define __ENCMIG_LIBXL_RECORDS_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stream-format.h"

/* libxl's stream (tools/libs/light/libxl_sr_stream_format.h). */
#define LXR_HDR_SIZE                    16      /* big-endian */
#define LXR_IDENT                       0x4c6962786c466d74ULL /* LibxlFmt */
#define LXR_VERSION                     2
#define LXR_TYPE_END                    0x00000000U
#define LXR_TYPE_LIBXC_CONTEXT          0x00000001U
#define LXR_TYPE_EMULATOR_XENSTORE_DATA 0x00000002U
#define LXR_TYPE_EMULATOR_CONTEXT       0x00000003U
/* Both emulator records start with u32 emulator id, u32 index. */
#define LXR_EMULATOR_HDR_SIZE           8
/*
 * The largest emulator record taken: each end holds one whole in memory
 * to seal or open it, and nothing of it reaches libxl before its tag has
 * verified.  QEMU's device state is far smaller.
 */
#define LXR_EMULATOR_MAX                (32U << 20)

/* The frame that carries libxl's stream header: not a libxl type. */
#define ENCMIG_LXR_STREAM_HDR           0xffffffffU
#define ENCMIG_LXR_TAG_SIZE             16

/* libxc's largest record (xg_sr_stream_format.h, REC_LENGTH_MAX). */
#define LXC_REC_LENGTH_MAX              (128U << 20)

/* One end of the sealed sequence: its key, its count, libxl's order. */
struct encmig_lxr {
    uint8_t key[32];
    uint64_t seq;               /* the next frame's number */
    unsigned int at;            /* where in libxl's order */
};

void encmig_lxr_init(struct encmig_lxr *x, const uint8_t key[32]);
/* Wipe the key; the sequence accepts nothing more. */
void encmig_lxr_wipe(struct encmig_lxr *x);

/*
 * The next frame or record header, checked before a byte of its body is
 * read: the header first (length 16), LIBXC_CONTEXT (0), then at most one
 * EMULATOR_XENSTORE_DATA and one EMULATOR_CONTEXT in that order (8 to
 * LXR_EMULATOR_MAX), then END (0) and nothing more.  -EOPNOTSUPP: a type
 * libxl 4.17 does not write without a checkpoint; -EMSGSIZE: a length
 * its type cannot have; -EBADMSG: out of order.
 */
int encmig_lxr_next(struct encmig_lxr *x, uint32_t type, uint32_t length,
                    char *err, size_t errlen);
/* END has been taken: the sequence is complete. */
bool encmig_lxr_done(const struct encmig_lxr *x);

/*
 * Seal the body of the frame just checked: ct gets length bytes (it may
 * be body), tag its tag, and hdr its 8-byte header.  Open checks the tag
 * first and writes out only when it verifies (-EBADMSG, out wiped).
 * Either counts the frame.
 */
int encmig_lxr_seal(struct encmig_lxr *x, uint32_t type, uint32_t length,
                    const void *body, uint8_t hdr[8], uint8_t *ct,
                    uint8_t tag[ENCMIG_LXR_TAG_SIZE]);
int encmig_lxr_open(struct encmig_lxr *x, uint32_t type, uint32_t length,
                    const void *ct, const uint8_t tag[ENCMIG_LXR_TAG_SIZE],
                    void *out, char *err, size_t errlen);

/* libxl's stream header: LibxlFmt, version 2, little-endian, not legacy. */
int encmig_lxr_stream_hdr_check(const uint8_t hdr[LXR_HDR_SIZE],
                                char *err, size_t errlen);

/* libxl's name for a type, for messages. */
const char *encmig_lxr_type_str(uint32_t type);

/*
 * libxc's stream, only as far as its boundaries: the image and domain
 * headers (stream.h's checks), then records up to END.  rec_check takes
 * a record's header and gives the bytes of body and padding that follow
 * (-EMSGSIZE above libxc's own limit, -EBADMSG for an END with a body).
 */
int encmig_lxc_headers_check(const uint8_t h[IHDR_SIZE + DHDR_SIZE],
                             char *err, size_t errlen);
int encmig_lxc_rec_check(const uint8_t hdr[REC_HDR_SIZE], uint32_t *type,
                         uint64_t *rest, char *err, size_t errlen);

#endif /* __ENCMIG_LIBXL_RECORDS_H__ */
