/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * known-pages.c: the records of a held batch whose plaintext dom0 knows,
 * for the flight's no-key-in-dom0 step, in dom0 of the PV host.
 *
 * Usage: flight-known-pages DOMID BATCH OUT
 *
 * BATCH is the body of an ENCMIG_PAGES record of libxc's stream
 * (docs/stream.md, section 6: u32le count, u32le stream, count page
 * records), taken off the wire by flight-rectap while the migration of
 * PV guest DOMID waits.  A key trial (key-trial.h) needs records of pages
 * whose first 32 bytes it knows: this maps each record's page in the
 * running guest (dom0 may, on a host without FLASK) and writes to OUT the
 * records of pages that begin with 32 zero bytes, at most KNOWN_MAX of
 * them.  A page the guest changed since it was sent would be sent again;
 * an idle guest's zero pages stay zero, and one of them is enough.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xenctrl.h>
#include <xenforeignmemory.h>

#include "flight-util.h"

#define BATCH_MAX 1024
#define KNOWN_MAX 8

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *p = NULL;
    long n;

    if ( !f )
        return NULL;
    if ( fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
         fseek(f, 0, SEEK_SET) == 0 && (p = malloc(n)) &&
         fread(p, 1, n, f) == (size_t)n )
        *len = n;
    else
    {
        free(p);
        p = NULL;
    }
    fclose(f);
    return p;
}

int main(int argc, char **argv)
{
    static const uint8_t zero[32];
    xc_interface *xch;
    xenforeignmemory_handle *fmem;
    uint64_t *frames = NULL, *pfns = NULL, mfn[BATCH_MAX];
    xen_pfn_t map_mfns[BATCH_MAX];
    int errs[BATCH_MAX];
    uint32_t count, stream;
    size_t len = 0, nr, p2m_size = 0, i, j;
    unsigned int known = 0, unmapped = 0;
    uint8_t *batch, *page;
    char *end;
    unsigned long v;
    uint32_t domid;
    FILE *out;

    if ( argc != 4 )
    {
        fprintf(stderr, "usage: flight-known-pages DOMID BATCH OUT\n");
        return 2;
    }
    errno = 0;
    v = strtoul(argv[1], &end, 10);
    if ( errno || *end || end == argv[1] || v == 0 ||
         v >= DOMID_FIRST_RESERVED )
    {
        fprintf(stderr, "flight-known-pages: bad domid '%s'\n", argv[1]);
        return 2;
    }
    domid = v;

    batch = read_file(argv[2], &len);
    if ( !batch || len < 8 )
    {
        fprintf(stderr, "flight-known-pages: no batch in %s\n", argv[2]);
        return 1;
    }
    memcpy(&count, batch, 4);
    memcpy(&stream, batch + 4, 4);
    /* The body is padded to 8 bytes: at most 7 more than its records. */
    if ( count == 0 || count > BATCH_MAX ||
         len < 8 + (size_t)count * XEN_ENCMIG_REC_SIZE ||
         len - 8 - (size_t)count * XEN_ENCMIG_REC_SIZE > 7 )
    {
        fprintf(stderr, "flight-known-pages: %zu bytes do not make a batch"
                " of %" PRIu32 " records\n", len, count);
        return 1;
    }

    xch = xc_interface_open(NULL, NULL, 0);
    fmem = xenforeignmemory_open(NULL, 0);
    if ( !xch || !fmem )
    {
        fprintf(stderr, "flight-known-pages: cannot open Xen: %s\n",
                strerror(errno));
        return 1;
    }
    nr = flight_guest_frames(xch, domid, &frames, &pfns, &p2m_size);
    if ( !nr )
        return 1;

    /* Each record's pfn to the frame a PV guest's foreign mapping takes. */
    for ( i = 0; i < count; i++ )
    {
        uint64_t gfn;

        memcpy(&gfn, batch + 8 + i * XEN_ENCMIG_REC_SIZE, 8);
        mfn[i] = FLIGHT_P2M_INVALID;
        for ( j = 0; j < nr; j++ )
            if ( pfns[j] == gfn )
            {
                mfn[i] = frames[j];
                break;
            }
        map_mfns[i] = mfn[i] == FLIGHT_P2M_INVALID ? 0 : mfn[i];
    }
    page = xenforeignmemory_map(fmem, domid, PROT_READ, count, map_mfns,
                                errs);
    if ( !page )
    {
        fprintf(stderr, "flight-known-pages: mapping guest %u: %s\n", domid,
                strerror(errno));
        return 1;
    }

    out = fopen(argv[3], "wb");
    if ( !out )
    {
        fprintf(stderr, "flight-known-pages: %s: %s\n", argv[3],
                strerror(errno));
        return 1;
    }
    for ( i = 0; i < count && known < KNOWN_MAX; i++ )
    {
        if ( mfn[i] == FLIGHT_P2M_INVALID || errs[i] )
        {
            unmapped++;
            continue;
        }
        if ( memcmp(page + i * XC_PAGE_SIZE, zero, sizeof(zero)) )
            continue;
        if ( fwrite(batch + 8 + i * XEN_ENCMIG_REC_SIZE,
                    XEN_ENCMIG_REC_SIZE, 1, out) != 1 )
            break;
        known++;
    }
    if ( fclose(out) )
        known = 0;
    xenforeignmemory_unmap(fmem, page, count);
    xenforeignmemory_close(fmem);
    xc_interface_close(xch);

    printf("batch of %" PRIu32 " records (stream %" PRIu32 "): %u of pages"
           " that begin with 32 zero bytes kept, %u not mapped\n", count,
           stream, known, unmapped);
    free(frames);
    free(pfns);
    free(batch);
    return known ? 0 : 1;
}
