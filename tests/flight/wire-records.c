/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * wire-records.c: the walk through libxc's records on the wire (see
 * wire-records.h).
 */

#include <stdlib.h>
#include <string.h>

#include "wire-records.h"

enum { SEARCH, HEADERS, RECORD_HDR, BODY, DONE };

/*
 * The image header's first 16 bytes: marker (eight 0xff), id "XENF",
 * version 3, big-endian whatever the stream's endianness.  The options
 * and reserved bytes behind them, then the 16-byte domain header, are
 * skipped.
 */
static const uint8_t ihdr[16] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    'X', 'E', 'N', 'F', 0, 0, 0, 3,
};
#define HEADERS_LEFT     (24 - 16 + 16)
#define REC_LENGTH_MAX   (128U << 20)   /* libxc refuses longer */

static const struct {
    uint32_t type;
    const char *name;
    int vcpu;
} types[] = {
    { 0x00, "END", 0 },
    { 0x01, "PAGE_DATA", 0 },
    { 0x02, "X86_PV_INFO", 0 },
    { 0x03, "X86_PV_P2M_FRAMES", 0 },
    { 0x04, "X86_PV_VCPU_BASIC", 1 },
    { 0x05, "X86_PV_VCPU_EXTENDED", 1 },
    { 0x06, "X86_PV_VCPU_XSAVE", 1 },
    { 0x07, "SHARED_INFO", 0 },
    { 0x08, "X86_TSC_INFO", 0 },
    { 0x09, "HVM_CONTEXT", 1 },            /* the CPU record among others */
    { 0x0a, "HVM_PARAMS", 0 },
    { 0x0b, "TOOLSTACK", 0 },
    { 0x0c, "X86_PV_VCPU_MSRS", 1 },
    { 0x0d, "VERIFY", 0 },
    { 0x0e, "CHECKPOINT", 0 },
    { 0x0f, "CHECKPOINT_DIRTY_PFN_LIST", 0 },
    { 0x10, "STATIC_DATA_END", 0 },
    { 0x11, "X86_CPUID_POLICY", 0 },
    { 0x12, "X86_MSR_POLICY", 0 },
    { 0x13, "ENCMIG_PAGES", 0 },
    { 0x14, "ENCMIG_STATE", 1 },           /* sealed by the hypervisor */
    { 0x15, "ENCMIG_END", 0 },
    { WIRE_BEFORE, "before-libxc", 0 },
    { WIRE_HEADERS, "libxc-headers", 0 },
    { WIRE_AFTER, "after-libxc", 0 },
};

void wire_init(struct wire_walk *w)
{
    memset(w, 0, sizeof(*w));
    w->state = SEARCH;
    w->cur.type = WIRE_BEFORE;
}

static int begin(struct wire_walk *w, uint64_t at, uint32_t type)
{
    if ( w->n == w->cap )
    {
        size_t cap = w->cap ? 2 * w->cap : 64;
        struct wire_part *q = realloc(w->q, cap * sizeof(*q));

        if ( !q )
            return -1;
        w->q = q;
        w->cap = cap;
    }
    w->q[w->n].at = at;
    w->q[w->n].type = type;
    w->n++;
    return 0;
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

int wire_feed(struct wire_walk *w, uint64_t at, const uint8_t *p, size_t len)
{
    size_t i = 0, k;

    while ( i < len )
    {
        switch ( w->state )
        {
        case SEARCH:
            /* Only xl's and libxl's first few KiB go byte by byte. */
            for ( ; i < len && w->matched < sizeof(ihdr); i++ )
            {
                if ( p[i] == ihdr[w->matched] )
                    w->matched++;
                else if ( w->matched == 8 && p[i] == 0xff )
                    ;                   /* still eight 0xff behind */
                else
                    w->matched = p[i] == 0xff;
            }
            if ( w->matched < sizeof(ihdr) )
                break;
            if ( begin(w, at + i - sizeof(ihdr), WIRE_HEADERS) )
                return -1;
            w->left = HEADERS_LEFT;
            w->state = HEADERS;
            break;

        case HEADERS:
        case BODY:
            k = len - i < w->left ? len - i : w->left;
            i += k;
            w->left -= k;
            if ( !w->left )
            {
                w->held = 0;
                w->state = RECORD_HDR;
            }
            break;

        case RECORD_HDR:
            if ( !w->held )
                w->hdr_at = at + i;
            k = sizeof(w->hdr) - w->held;
            if ( k > len - i )
                k = len - i;
            memcpy(w->hdr + w->held, p + i, k);
            w->held += k;
            i += k;
            if ( w->held < sizeof(w->hdr) )
                break;
            if ( le32(w->hdr + 4) > REC_LENGTH_MAX )
            {
                w->broken = 1;
                w->state = DONE;
                if ( begin(w, w->hdr_at, WIRE_AFTER) )
                    return -1;
                break;
            }
            w->records++;
            if ( begin(w, w->hdr_at, le32(w->hdr)) )
                return -1;
            w->left = (le32(w->hdr + 4) + 7ULL) & ~7ULL;
            w->state = BODY;
            if ( le32(w->hdr) == 0 )
            {
                /* END: its body is empty, and libxc's stream is over. */
                w->ended = 1;
                w->state = DONE;
                if ( begin(w, w->hdr_at + 8 + w->left, WIRE_AFTER) )
                    return -1;
            }
            else if ( !w->left )
            {
                w->held = 0;
                w->state = RECORD_HDR;
            }
            break;

        default:
            i = len;
            break;
        }
    }
    return 0;
}

struct wire_part wire_where(const struct wire_walk *w, uint64_t at)
{
    size_t lo = 0, hi = w->n;

    /* The last part that begins at or before at. */
    while ( lo < hi )
    {
        size_t mid = lo + (hi - lo) / 2;

        if ( w->q[mid].at <= at )
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? w->q[lo - 1] : w->cur;
}

void wire_forget(struct wire_walk *w, uint64_t before)
{
    size_t k = 0;

    while ( k < w->n && w->q[k].at <= before )
        k++;
    if ( !k )
        return;
    w->cur = w->q[k - 1];
    memmove(w->q, w->q + k, (w->n - k) * sizeof(*w->q));
    w->n -= k;
}

const char *wire_name(uint32_t type)
{
    size_t i;

    for ( i = 0; i < sizeof(types) / sizeof(types[0]); i++ )
        if ( types[i].type == type )
            return types[i].name;
    return NULL;
}

int wire_is_vcpu(uint32_t type)
{
    size_t i;

    for ( i = 0; i < sizeof(types) / sizeof(types[0]); i++ )
        if ( types[i].type == type )
            return types[i].vcpu;
    return 0;
}
