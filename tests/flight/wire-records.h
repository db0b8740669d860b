/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * wire-records.h: which of libxc's records each byte on a migration's
 * wire lies in, for the wiretap (wiretap.c).
 *
 * The wire from xl to xl migrate-receive carries xl's messages, libxl's
 * stream (Xen's docs/specs/libxl-migration-stream.pandoc) and, behind
 * libxl's LIBXC_CONTEXT record, libxc's (libxc-migration-stream.pandoc),
 * up to its END record; libxl's last records and xl's messages follow.
 * The walker finds libxc's image header and follows the record headers
 * from there, noting where each record starts, so that a marker found at
 * an offset can be told whether it was in a vCPU's saved state, in page
 * data or elsewhere.  The numbers are taken from the specification (and
 * the encmig records from docs/stream.md), not from the code it checks.
 */

#ifndef FLIGHT_WIRE_RECORDS_H
#define FLIGHT_WIRE_RECORDS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parts of the wire that are not one of libxc's records: xl's and
 * libxl's bytes before libxc's stream; libxc's image and domain headers;
 * what follows libxc's END (or where the walk stopped on a record that
 * made no sense).
 */
#define WIRE_BEFORE   0xffffff00U
#define WIRE_HEADERS  0xffffff01U
#define WIRE_AFTER    0xffffff02U

/* Where a part of the wire (a record, or one of the above) begins. */
struct wire_part {
    uint64_t at;
    uint32_t type;
};

struct wire_walk {
    int state;
    size_t matched;             /* bytes of the image header found so far */
    uint8_t hdr[8];             /* a record header, as it arrives */
    size_t held;
    uint64_t hdr_at;            /* where that header began */
    uint64_t left;              /* of the current header or body */
    uint64_t records;           /* of libxc's, END included */
    int ended;                  /* its END came */
    int broken;                 /* a record's length made no sense */
    struct wire_part *q;        /* parts begun since the last wire_forget */
    size_t n, cap;
    struct wire_part cur;       /* the part that began last before those */
};

void wire_init(struct wire_walk *w);

/* The next len bytes of the wire, the first at offset at.  -1: no memory. */
int wire_feed(struct wire_walk *w, uint64_t at, const uint8_t *p, size_t len);

/* The part that holds offset at (not before the last wire_forget). */
struct wire_part wire_where(const struct wire_walk *w, uint64_t at);

/* No offset before this one will be asked about again. */
void wire_forget(struct wire_walk *w, uint64_t before);

/* The record's name as the specification spells it, or NULL. */
const char *wire_name(uint32_t type);

/* A record of a vCPU's saved state (registers, FPU and XMM, MSRs). */
int wire_is_vcpu(uint32_t type);

#endif
