/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * encmig: the command-line front end, in the manner of xl.
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "resolve.h"
#include "../protocol/hostkey.h"
#include "../util.h"
#include "../../../hypercalls/encmig_hc.h"

struct cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage;
};

int usage_error(const char *usage)
{
    fprintf(stderr, "usage: encmig %s\n", usage);
    return 2;
}

static const char *mem_backend_name(uint32_t id)
{
    switch ( id )
    {
    case XEN_ENCMIG_MEM_PLAIN:   return "plain";
    case XEN_ENCMIG_MEM_XTS_SIM: return "xts-sim";
    }
    return "unknown";
}

/* DOMID from the command line, and the hypervisor; 0, or exit status. */
static int open_domain(const char *arg, unsigned long *domid,
                       struct encmig_hc **hc)
{
    char *end;

    errno = 0;
    *domid = strtoul(arg, &end, 10);
    if ( errno || end == arg || *end || *domid >= 0x7ff0 )
    {
        fprintf(stderr, "encmig: bad domid '%s'\n", arg);
        return 2;
    }
    *hc = encmig_hc_open_xen();
    if ( !*hc )
    {
        fprintf(stderr, "encmig: no Xen hypervisor to talk to "
                "(is this dom0 with xen-privcmd loaded?): %s\n",
                errno == ENOSYS ? "built without Xen support" : strerror(errno));
        return 1;
    }
    return 0;
}

/*
 * The domain's encrypted-migration session, if any; --end ends it (for a
 * session whose toolstack died without ending it: nothing else would).
 */
static int cmd_session(int argc, char **argv)
{
    struct xen_encmig_status st;
    struct encmig_hc *hc;
    unsigned long domid;
    bool end = argc == 3 && !strcmp(argv[2], "--end");
    int rc;

    if ( argc != 2 && !end )
        return usage_error("session DOMID [--end]");
    rc = open_domain(argv[1], &domid, &hc);
    if ( rc )
        return rc;
    if ( encmig_hc_status(hc, domid, &st) )
    {
        rc = errno == ENOENT ? 0 : 1;
        if ( rc )
            fprintf(stderr, "encmig: status of domain %lu: %s\n", domid,
                    strerror(errno));
        else
            printf("domain %lu: no session\n", domid);
        encmig_hc_close(hc);
        return rc;
    }
    printf("domain %lu: %s session, %u stream(s), %llu records, "
           "%llu failed authentication, %llu rejected\n", domid,
           st.direction == XEN_ENCMIG_DIR_EXPORT ? "export" : "import",
           st.nr_streams, (unsigned long long)st.records,
           (unsigned long long)st.auth_failures,
           (unsigned long long)st.rejected);
    if ( end )
    {
        rc = encmig_hc_teardown(hc, domid) ? 1 : 0;
        if ( rc )
            fprintf(stderr, "encmig: ending the session: %s\n",
                    strerror(errno));
        else
            printf("domain %lu: session ended\n", domid);
    }
    encmig_hc_close(hc);
    return rc;
}

/*
 * The hypervisor's identity as an operator pins it: its fingerprint, its
 * public key in the form `identity --pin` takes, and its pins.
 */
static int print_identity(struct encmig_hc *hc)
{
    struct xen_encmig_identity got = { 0 };
    char fp[ENCMIG_FINGERPRINT_SIZE], b64[ENCMIG_PUBKEY_B64_SIZE];

    if ( encmig_hc_identity(hc, 0, XEN_ENCMIG_ID_get, &got) )
    {
        fprintf(stderr, "encmig: the hypervisor's identity: %s%s\n",
                strerror(errno), errno == ENODEV ?
                " (no hardware random number generator: level 1 only)" : "");
        return -1;
    }
    if ( encmig_hostkey_fingerprint(got.pub, fp) ||
         encmig_pubkey_to_b64(got.pub, b64) )
        return -1;
    printf("hypervisor identity %s\nhypervisor key x25519 %s\n"
           "pins %u%s\n", fp, b64, got.nr_pins,
           got.flags & XEN_ENCMIG_ID_LOCKED ? ", locked until reboot" : "");
    return 0;
}

static int cmd_probe(int argc, char **argv)
{
    struct xen_encmig_probe p;
    struct encmig_hc *hc;
    unsigned long domid;
    int rc;

    if ( argc != 2 )
        return usage_error("probe DOMID");
    rc = open_domain(argv[1], &domid, &hc);
    if ( rc )
        return rc;
    if ( encmig_hc_probe(hc, domid, &p) )
    {
        fprintf(stderr, "encmig: probe of domain %lu failed: %s%s\n", domid,
                strerror(errno),
                errno == ENOSYS || errno == EOPNOTSUPP ?
                " (is the hypervisor built with CONFIG_ENCMIG?)" : "");
        encmig_hc_close(hc);
        return 1;
    }
    printf("interface version %u.%u\nmemory backend %s\ncapabilities%s%s%s%s%s%s%s\n"
           "max batch %u pages, %u streams, record %u bytes, max gfn %#llx\n",
           p.version >> 16, p.version & 0xffff, mem_backend_name(p.mem_backend),
           p.caps & XEN_ENCMIG_CAP_EXPORT ? " export" : "",
           p.caps & XEN_ENCMIG_CAP_IMPORT ? " import" : "",
           p.caps & XEN_ENCMIG_CAP_AESNI ? " aesni" : "",
           p.caps & XEN_ENCMIG_CAP_PREEMPT ? " preempt" : "",
           p.caps & XEN_ENCMIG_CAP_STATE ? " state" : "",
           p.caps & XEN_ENCMIG_CAP_IDENTITY ? " identity" : "",
           p.caps & XEN_ENCMIG_CAP_VAES ? " vaes" : "",
           p.max_batch, p.max_streams, p.rec_size,
           (unsigned long long)p.max_gfn);
    if ( p.caps & XEN_ENCMIG_CAP_IDENTITY )
        rc = print_identity(hc);
    encmig_hc_close(hc);
    return rc ? 1 : 0;
}

/*
 * The hypervisor's identity, and its pins: the peer hypervisors it will
 * agree a level-2 session with.  --lock refuses every later pin until
 * the hypervisor reboots.
 */
static int cmd_identity(int argc, char **argv)
{
    static const char use[] = "identity [--pin KEY]... [--lock]";
    uint8_t pins[XEN_ENCMIG_MAX_PINS][XEN_ENCMIG_PUB_SIZE];
    struct xen_encmig_identity id = { 0 };
    unsigned int nr = 0, n;
    struct encmig_hc *hc;
    bool lock = false;
    int i, rc = 0;

    for ( i = 1; i < argc; i++ )
    {
        if ( !strcmp(argv[i], "--lock") )
            lock = true;
        else if ( strcmp(argv[i], "--pin") || i + 1 >= argc ||
                  nr >= XEN_ENCMIG_MAX_PINS ||
                  encmig_pubkey_from_b64(argv[++i], pins[nr++]) )
            return usage_error(use);
    }

    hc = encmig_hc_open_xen();
    if ( !hc )
    {
        fprintf(stderr, "encmig: no Xen hypervisor to talk to: %s\n",
                strerror(errno));
        return 1;
    }

    for ( n = 0; !rc && n < nr; n++ )
    {
        memcpy(id.pub, pins[n], sizeof(id.pub));
        rc = encmig_hc_identity(hc, 0, XEN_ENCMIG_ID_pin, &id);
        if ( rc && errno == EEXIST )
        {
            printf("pin %u: pinned already\n", n + 1);
            rc = 0;
        }
        else if ( rc )
            fprintf(stderr, "encmig: pin %u: %s%s\n", n + 1, strerror(errno),
                    errno == EPERM ? " (the pins are locked until the "
                    "hypervisor reboots)" : "");
    }
    if ( !rc && lock )
    {
        rc = encmig_hc_identity(hc, 0, XEN_ENCMIG_ID_lock, &id);
        if ( rc )
            fprintf(stderr, "encmig: locking the pins: %s\n", strerror(errno));
    }
    if ( !rc )
        rc = print_identity(hc);
    encmig_hc_close(hc);
    return rc ? 1 : 0;
}

/*
 * An encrypted migration whose outcome the source could not learn: the
 * operator has checked the destination and says what to do with the
 * paused copy here.
 */
static int cmd_resolve(int argc, char **argv)
{
    static const char use[] = "resolve DOMID|--sim SOCKET --resume|--destroy";
    const char *sim = NULL, *dom = NULL;
    unsigned long domid = 0;
    char err[256], *end;
    int resume = -1, i, rc;

    for ( i = 1; i < argc; i++ )
    {
        if ( !strcmp(argv[i], "--resume") || !strcmp(argv[i], "--destroy") )
        {
            if ( resume != -1 )
                return usage_error(use);
            resume = !strcmp(argv[i], "--resume");
        }
        else if ( !strcmp(argv[i], "--sim") && i + 1 < argc )
            sim = argv[++i];
        else if ( !dom && argv[i][0] != '-' )
            dom = argv[i];
        else
            return usage_error(use);
    }
    if ( resume == -1 || !sim == !dom )
        return usage_error(use);
    if ( dom )
    {
        errno = 0;
        domid = strtoul(dom, &end, 10);
        if ( errno || end == dom || *end || domid == 0 || domid >= 0x7ff0 )
        {
            fprintf(stderr, "encmig: bad domid '%s'\n", dom);
            return 2;
        }
    }

    rc = sim ? encmig_resolve_sim(sim, resume, err, sizeof(err))
             : encmig_resolve_xen(domid, resume, err, sizeof(err));
    if ( rc )
    {
        fprintf(stderr, "encmig: %s\n", err);
        return 1;
    }
    printf("%s %s\n", sim ? "the held guest" : dom,
           resume ? "resumed here" : "destroyed here");
    return 0;
}

static const struct cmd cmds[] = {
    { "demo", cmd_demo,
      "demo [--guest-mem SIZE] [--dirty-rate PAGES_PER_S] [--plain] [--json]" },
    { "migrate", cmd_migrate,
      "migrate [--plain] [--json] [--keydir DIR] [--known-hosts FILE]\n"
      "          [--accept-new] [--guest-mem SIZE] [--dirty-rate N] "
      "[--transport tcp|rdma]\n          GUEST HOST[:PORT]" },
    { "migrate-receive", cmd_migrate_receive,
      "migrate-receive {--listen ADDR[:PORT] | --stdio} [--keydir DIR]\n"
      "          [--authorized-sources FILE] [--any-source] [--plain-only] "
      "[--run SECONDS]\n          [--transport tcp|rdma]" },
    { "keygen", cmd_keygen, "keygen [--keydir DIR] [--force]" },
    { "probe", cmd_probe, "probe DOMID" },
    { "identity", cmd_identity, "identity [--pin KEY]... [--lock]" },
    { "session", cmd_session, "session DOMID [--end]" },
    { "resolve", cmd_resolve,
      "resolve DOMID --resume|--destroy        (Xen: NAME--migratedaway)\n"
      "  resolve --sim SOCKET --resume|--destroy (a simulated guest held "
      "by encmig migrate)" },
};

static void usage(FILE *f)
{
    unsigned int i;

    fprintf(f, "usage: encmig COMMAND [ARGS]\n\ncommands:\n");
    for ( i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++ )
        fprintf(f, "  %s\n", cmds[i].usage);
}

int main(int argc, char **argv)
{
    unsigned int i;

    /* A vanished peer must be an error to report, not a silent death. */
    signal(SIGPIPE, SIG_IGN);

    if ( argc < 2 )
    {
        usage(stderr);
        return 2;
    }
    if ( !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") )
    {
        usage(stdout);
        return 0;
    }
    for ( i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++ )
        if ( !strcmp(argv[1], cmds[i].name) )
            return cmds[i].fn(argc - 1, argv + 1);

    fprintf(stderr, "encmig: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
