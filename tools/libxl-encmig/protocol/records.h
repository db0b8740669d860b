/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * records.h: the bodies of the stream's page records, encoded and decoded
 * in one place (docs/stream.md, section 3).
 *
 * ENCMIG_PAGES: u32le count, u32le stream, then count records of
 * XEN_ENCMIG_REC_SIZE bytes exactly as the hypervisor wrote them; each
 * record starts with its u64le page name (struct xen_encmig_rec_hdr).
 * PAGE_DATA (plain): u32le count, u32le reserved, u64le pfn[count], then
 * count pages.
 */

#ifndef __ENCMIG_RECORDS_H__
#define __ENCMIG_RECORDS_H__

#include <stddef.h>
#include <stdint.h>

#include "stream-format.h"

/*
 * Two u32le: a record's header (type, length) and the batch header that
 * both page bodies start with (count, stream or reserved).
 */
void encmig_hdr8_put(uint8_t hdr[8], uint32_t a, uint32_t b);
void encmig_hdr8_get(const uint8_t hdr[8], uint32_t *a, uint32_t *b);

/*
 * Check an ENCMIG_PAGES body of len bytes: count 1..max, the stream
 * given, and exactly count records.  *count and *recs on success, else
 * -EBADMSG.
 */
int encmig_pages_parse(const void *body, size_t len, uint32_t max,
                       uint32_t stream, uint32_t *count,
                       const uint8_t **recs);

/* The same for a body held as its header and recs_len bytes of records. */
int encmig_pages_parse_split(const uint8_t hdr[ENCMIG_PAGES_HDR_SIZE],
                             size_t recs_len, uint32_t max, uint32_t stream,
                             uint32_t *count);

/* The page name in the header of the i-th record of recs. */
uint64_t encmig_rec_name(const uint8_t *recs, uint32_t i);
/* Its pre-copy round (not yet authenticated: the import checks it). */
uint32_t encmig_rec_round(const uint8_t *recs, uint32_t i);

/*
 * The count that a batch body of len bytes holds, with item bytes per
 * page after the header, if len is exactly that; else 0.
 */
uint32_t encmig_batch_count(size_t len, size_t item);

/* PAGE_DATA's pfns: u64le on the wire. */
void encmig_pfns_to_le(uint64_t *pfns, uint32_t n);
void encmig_pfns_from_le(uint64_t *pfns, uint32_t n);

#endif /* __ENCMIG_RECORDS_H__ */
