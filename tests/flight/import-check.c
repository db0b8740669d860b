/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * import-check DOMID: the import path of XEN_DOMCTL_encmig_op on a real
 * hypervisor, by a round trip through the (paused) guest itself.
 *
 * Up to 256 of the guest's ordinary data frames are exported under a
 * known key, the session torn down, an import session set up with the same
 * key material and the records imported back into the same frames: every
 * record must be accepted, and afterwards each frame must hold what it
 * held (read through a foreign mapping).  Then one of the guest's pinned
 * top-level page tables is exported and imported the same way: the
 * hypervisor must refuse to write it (-EINVAL) and leave it as it was,
 * since a PV guest's page tables are only ever written through Xen's
 * validation.
 */

/* xenctrl.h (in flight-util.h) first: it sets up Xen's public headers. */
#include "flight-util.h"

#include <sys/mman.h>

#include <xenforeignmemory.h>

#define MAX_DATA 256
#define MAX_CAND 1024

static void keymat(struct xen_encmig_keymat *km)
{
    unsigned int i;

    memset(km, 0, sizeof(*km));
    for ( i = 0; i < sizeof(km->key); i++ )
        km->key[i] = 0xc0 ^ i;
    memset(km->session_id, 0x5e, sizeof(km->session_id));
    memset(km->nonce_base, 0x0b, sizeof(km->nonce_base));
}

/* Copies of frames[0..n) through a foreign mapping, into out. */
static int read_frames(xenforeignmemory_handle *fmem, uint32_t domid,
                       const uint64_t *frames, unsigned int n, uint8_t *out)
{
    xen_pfn_t mfns[MAX_DATA] = { 0 };
    int errs[MAX_DATA];
    unsigned int i;
    void *map;

    for ( i = 0; i < n; i++ )
        mfns[i] = frames[i];
    map = xenforeignmemory_map(fmem, domid, PROT_READ, n, mfns, errs);
    if ( !map )
        return -1;
    for ( i = 0; i < n; i++ )
        if ( errs[i] )
        {
            xenforeignmemory_unmap(fmem, map, n);
            return -1;
        }
    memcpy(out, map, (size_t)n * XEN_ENCMIG_PAGE_SIZE);
    xenforeignmemory_unmap(fmem, map, n);
    return 0;
}

/*
 * Export frames[0..n) in one session and import the records back in
 * another, record i into frame frames[i ^ swap] (a PV guest's import names
 * its frames).  Returns the import's errno (0 when it worked); *done is
 * how many records it wrote.  -1 when something else failed.
 */
static int round_trip(struct encmig_hc *hc, uint32_t domid,
                      const uint64_t *frames, unsigned int n,
                      unsigned int swap, uint64_t *gfns, uint8_t *buf,
                      uint32_t *done)
{
    unsigned int i;
    struct xen_encmig_keymat km;
    size_t size = (size_t)n * XEN_ENCMIG_REC_SIZE;
    int err;

    keymat(&km);
    memcpy(gfns, frames, n * sizeof(*gfns));
    if ( encmig_hc_setup(hc, domid, XEN_ENCMIG_DIR_EXPORT, 1, &km) ||
         encmig_hc_export(hc, domid, 0, 0, gfns, n, buf, size) ||
         encmig_hc_teardown(hc, domid) )
    {
        fprintf(stderr, "export of %u frames: %s\n", n, strerror(errno));
        return -1;
    }
    if ( encmig_hc_setup(hc, domid, XEN_ENCMIG_DIR_IMPORT, 1, &km) )
    {
        fprintf(stderr, "import setup: %s\n", strerror(errno));
        return -1;
    }
    for ( i = 0; i < n; i++ )
        gfns[i] = frames[(i ^ swap) < n ? i ^ swap : i];
    *done = 0;
    err = encmig_hc_import_frames(hc, domid, 0, buf, n, size, gfns, done) ?
          errno : 0;
    if ( encmig_hc_teardown(hc, domid) )
    {
        fprintf(stderr, "import teardown: %s\n", strerror(errno));
        return -1;
    }
    explicit_bzero(&km, sizeof(km));
    return err;
}

int main(int argc, char **argv)
{
    struct xc_domain_meminfo minfo;
    xc_interface *xch;
    xenforeignmemory_handle *fmem;
    struct encmig_hc *hc;
    uint64_t data[MAX_DATA], pt = 0, *gfns;
    xen_pfn_t cand[MAX_CAND];
    int errs[MAX_CAND];
    uint8_t *buf, *before, *after;
    unsigned int n = 0, nc = 0, i, step, fails = 0;
    void *map;
    size_t pfn;
    uint32_t domid, done;
    int err, rc = 1, paused = 0;

    if ( argc != 2 )
    {
        fprintf(stderr, "usage: import-check DOMID\n");
        return 2;
    }
    domid = strtoul(argv[1], NULL, 10);

    xch = xc_interface_open(NULL, NULL, 0);
    fmem = xenforeignmemory_open(NULL, 0);
    hc = encmig_hc_open_xen();
    gfns = hc ? encmig_hc_buf_alloc(hc, MAX_DATA * sizeof(*gfns)) : NULL;
    buf = hc ? encmig_hc_buf_alloc(hc, (size_t)MAX_DATA *
                                   XEN_ENCMIG_REC_SIZE) : NULL;
    before = malloc((size_t)MAX_DATA * XEN_ENCMIG_PAGE_SIZE);
    after = malloc((size_t)MAX_DATA * XEN_ENCMIG_PAGE_SIZE);
    if ( !xch || !fmem || !hc || !gfns || !buf || !before || !after )
    {
        fprintf(stderr, "cannot open the Xen interfaces: %s\n",
                strerror(errno));
        return 1;
    }

    if ( xc_domain_pause(xch, domid) )
    {
        fprintf(stderr, "pause: %s\n", strerror(errno));
        return 1;
    }
    paused = 1;

    /* The guest's frames and their types; pick data frames and a table. */
    memset(&minfo, 0, sizeof(minfo));
    if ( xc_map_domain_meminfo(xch, domid, &minfo) )
    {
        fprintf(stderr, "xc_map_domain_meminfo: %s\n", strerror(errno));
        goto out;
    }
    step = minfo.p2m_size / MAX_CAND ?: 1;
    for ( pfn = 0; pfn < minfo.p2m_size; pfn++ )
    {
        uint64_t mfn = ((const uint64_t *)minfo.p2m_table)[pfn];
        xen_pfn_t type = minfo.pfn_type[pfn];

        if ( mfn == FLIGHT_P2M_INVALID || (mfn & FLIGHT_P2M_FLAGS) )
            continue;
        if ( (type & XEN_DOMCTL_PFINFO_LTAB_MASK) == XEN_DOMCTL_PFINFO_NOTAB &&
             nc < MAX_CAND && pfn % step == 0 )
            cand[nc++] = mfn;
        else if ( (type & XEN_DOMCTL_PFINFO_LTABTYPE_MASK) ==
                  XEN_DOMCTL_PFINFO_L4TAB &&
                  (type & XEN_DOMCTL_PFINFO_LPINTAB) && !pt )
            pt = mfn;                   /* pinned: validated, in use */
    }
    xc_unmap_domain_meminfo(xch, &minfo);

    /*
     * Ordinary data frames: those dom0 may map writable (not a page or
     * descriptor table of the guest, which the types above do not show).
     * The guest is paused, so that cannot change.
     */
    map = xenforeignmemory_map(fmem, domid, PROT_READ | PROT_WRITE, nc, cand,
                               errs);
    if ( !map )
    {
        fprintf(stderr, "foreign map: %s\n", strerror(errno));
        goto out;
    }
    for ( i = 0; i < nc && n < MAX_DATA; i++ )
        if ( !errs[i] )
            data[n++] = cand[i];
    xenforeignmemory_unmap(fmem, map, nc);
    printf("%u data frames, page table %#llx\n", n, (unsigned long long)pt);
    if ( !n || !pt )
        goto out;

    /* Data frames: every record written back, nothing changed. */
    if ( read_frames(fmem, domid, data, n, before) )
    {
        fprintf(stderr, "foreign map: %s\n", strerror(errno));
        goto out;
    }
    err = round_trip(hc, domid, data, n, 0, gfns, buf, &done);
    if ( err < 0 )
        goto out;
    printf("import of %u data frames: %s, %u written\n", n,
           flight_errno_name(err), done);
    fails += err != 0 || done != n;
    if ( read_frames(fmem, domid, data, n, after) )
        goto out;
    if ( memcmp(before, after, (size_t)n * XEN_ENCMIG_PAGE_SIZE) )
    {
        printf("FAIL: the frames changed\n");
        fails++;
    }
    else
        printf("the frames hold what they held\n");

    /*
     * The same records sent to each other's frames: the first one is
     * refused (its frame has another name in the guest's M2P) before
     * anything is written.
     */
    if ( n >= 2 )
    {
        err = round_trip(hc, domid, data, 2, 1, gfns, buf, &done);
        if ( err < 0 )
            goto out;
        printf("import into swapped frames: %s, %u written\n",
               flight_errno_name(err), done);
        fails += err != EINVAL || done != 0;
        if ( read_frames(fmem, domid, data, 2, after) ||
             memcmp(before, after, 2 * XEN_ENCMIG_PAGE_SIZE) )
        {
            printf("FAIL: a swapped frame changed\n");
            fails++;
        }
    }

    /* A page table: refused, untouched. */
    if ( read_frames(fmem, domid, &pt, 1, before) )
        goto out;
    err = round_trip(hc, domid, &pt, 1, 0, gfns, buf, &done);
    if ( err < 0 )
        goto out;
    printf("import into a page table: %s, %u written\n",
           flight_errno_name(err), done);
    fails += err != EINVAL || done != 0;
    if ( read_frames(fmem, domid, &pt, 1, after) ||
         memcmp(before, after, XEN_ENCMIG_PAGE_SIZE) )
    {
        printf("FAIL: the page table changed\n");
        fails++;
    }

    rc = fails ? 1 : 0;

 out:
    if ( paused && xc_domain_unpause(xch, domid) )
    {
        fprintf(stderr, "unpause: %s\n", strerror(errno));
        rc = 1;
    }
    printf("import-check: %s\n", rc ? "FAIL" : "PASS");
    free(before);
    free(after);
    encmig_hc_buf_free(hc, gfns, MAX_DATA * sizeof(*gfns));
    encmig_hc_buf_free(hc, buf, (size_t)MAX_DATA * XEN_ENCMIG_REC_SIZE);
    encmig_hc_close(hc);
    xenforeignmemory_close(fmem);
    xc_interface_close(xch);
    return rc;
}
