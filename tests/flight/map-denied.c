/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * map-denied.c: the flight's level2-map-denied step, in dom0.
 *
 * Usage: flight-map-denied DOMID
 *
 * Tries every way dom0's toolstack has of reading a running translated
 * guest (PVH): a foreign mapping of some of its frames, read-only and
 * read-write, its vCPU context and its HVM context.  Under the FLASK
 * policy with encmig_t (xen/patches/0006) each must be refused with
 * EACCES, which is what FLASK answers; any other answer, a mapping that
 * works or an error of another kind, fails the step.  Xen's log names
 * each denial (the step's script checks that too).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xenctrl.h>
#include <xenforeignmemory.h>

/* Frames a 128 MiB guest has as RAM: low memory, 1 MiB, 16 MiB. */
static const xen_pfn_t gfns[] = { 0x10, 0x100, 0x1000 };
#define NR_GFNS (sizeof(gfns) / sizeof(gfns[0]))

static int refused(const char *what, int err)
{
    if ( err == EACCES )
    {
        printf("%s: refused (EACCES)\n", what);
        return 1;
    }
    printf("FAIL: %s: %s\n", what, err ? strerror(err) : "allowed");
    return 0;
}

static int try_map(xenforeignmemory_handle *fmem, uint32_t domid, int prot,
                   const char *what)
{
    int errs[NR_GFNS];
    void *p;
    unsigned int i, ok = 0;
    char name[64];

    memset(errs, 0, sizeof(errs));
    p = xenforeignmemory_map(fmem, domid, prot, NR_GFNS, gfns, errs);
    if ( !p )
        return refused(what, errno);
    for ( i = 0; i < NR_GFNS; i++ )
    {
        snprintf(name, sizeof(name), "%s of gfn %#" PRIx64, what,
                 (uint64_t)gfns[i]);
        ok += refused(name, errs[i] < 0 ? -errs[i] : errs[i]);
    }
    xenforeignmemory_unmap(fmem, p, NR_GFNS);
    return ok == NR_GFNS;
}

int main(int argc, char **argv)
{
    xc_interface *xch;
    xenforeignmemory_handle *fmem;
    vcpu_guest_context_any_t ctxt;
    uint8_t hvm[64];
    char *end;
    unsigned long v;
    uint32_t domid;
    int ok = 1, rc;

    if ( argc != 2 )
    {
        fprintf(stderr, "usage: flight-map-denied DOMID\n");
        return 2;
    }
    errno = 0;
    v = strtoul(argv[1], &end, 10);
    if ( errno || *end || end == argv[1] || v == 0 ||
         v >= DOMID_FIRST_RESERVED )
    {
        fprintf(stderr, "flight-map-denied: bad domid '%s'\n", argv[1]);
        return 2;
    }
    domid = v;

    xch = xc_interface_open(NULL, NULL, 0);
    fmem = xenforeignmemory_open(NULL, 0);
    if ( !xch || !fmem )
    {
        fprintf(stderr, "flight-map-denied: cannot open Xen: %s\n",
                strerror(errno));
        return 1;
    }

    ok &= try_map(fmem, domid, PROT_READ, "read-only mapping");
    ok &= try_map(fmem, domid, PROT_READ | PROT_WRITE, "read-write mapping");

    rc = xc_vcpu_getcontext(xch, domid, 0, &ctxt);
    ok &= refused("vCPU 0's context", rc ? errno : 0);
    memset(&ctxt, 0, sizeof(ctxt));

    rc = xc_domain_hvm_getcontext(xch, domid, hvm, sizeof(hvm));
    ok &= refused("HVM context", rc < 0 ? errno : 0);
    memset(hvm, 0, sizeof(hvm));

    xenforeignmemory_close(fmem);
    xc_interface_close(xch);
    printf("%s\n", ok ? "every read of the guest refused"
                      : "FAIL: dom0 read the guest");
    return ok ? 0 : 1;
}
