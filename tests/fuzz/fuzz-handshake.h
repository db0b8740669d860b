/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz-handshake.h: the selectors of fuzz-handshake (the first input byte,
 * modulo FH_COUNT) and the destination its source side knows, shared with
 * the corpus generator.
 */

#ifndef __ENCMIG_FUZZ_HANDSHAKE_H__
#define __ENCMIG_FUZZ_HANDSHAKE_H__

enum {
    FH_HELLO,           /* encmig_hs_parse_hello */
    FH_REPLY,           /* encmig_hs_parse_reply */
    FH_ERROR,           /* encmig_hs_parse_error */
    FH_KEYMAT,          /* encmig_hs_parse_keymat */
    FH_HEADER,          /* encmig_hs_parse_header, encmig_hs_check_len */
    FH_REQUEST,         /* u8 limit selector, then migrate_req_get */
    FH_FAILED,          /* u16le reason buffer size, encmig_msg_parse_failed */
    FH_RECORDS,         /* stream_read_record_header and bodies, to END */
    FH_STREAM_HEADERS,  /* stream_read_headers */
    FH_MSG_RECV,        /* u16le max, then two encmig_msg_recv */
    FH_B64,             /* encmig_pubkey_from_b64 */
    FH_SOURCE,          /* encmig_hs_source: what the destination sends */
    FH_KNOWN_HOSTS,     /* encmig_known_hosts_check of a file */
    FH_SOURCE_AUTH,     /* encmig_hs_parse_source_auth */
    FH_DEST,            /* encmig_hs_dest: what a source sends */
    FH_AUTHORIZED,      /* encmig_authorized_sources_check of a file */
    FH_COUNT
};

/*
 * The source's known_hosts pins this host with this key, and the
 * destination's authorized_sources lists it as FH_PINNED_HOST too (RFC
 * 8032's first test key: a valid point whose private half is public).
 */
#define FH_PINNED_HOST  "dest"
#define FH_PINNED_KEY { \
    0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, \
    0xc9, 0x64, 0x07, 0x3a, 0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, \
    0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a, \
}

#endif /* __ENCMIG_FUZZ_HANDSHAKE_H__ */
