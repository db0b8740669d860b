/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * linkfault: the link fails while a migration runs, at random moments.
 *
 * Over veth between two network namespaces (as root): the link taken down
 * (ip link set down: everything stalls until both ends time out), or the
 * destination killed (its connection closed under it).  Through the
 * relay: the link reset, stalled, or slowed and then reset.  After every
 * case that fails before the commit the source's guest runs with its
 * memory intact, the destination has no guest, and no descriptor or heap
 * memory has been lost.  A fault at the commit or after it (GO sent)
 * leaves the guest moved or, kept paused, unknown to the source: it must
 * never be lost or run twice, and the operator's resolution must leave
 * one intact copy running; such cases are counted apart.
 *
 * Usage: linkfault [--cases N] [--seed S]
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <dirent.h>
#include <unistd.h>

#include "twohost.h"
#include "../tools/libxl-encmig/cli/cli.h"

#define GUEST_BYTES  (32ULL << 20)
#define PORT         8122

enum kind { LINK_DOWN, KILL_DEST, RELAY_CUT, RELAY_STALL, RELAY_SLOW, KINDS };

static const char *kind_name[KINDS] = {
    "veth link down", "destination killed", "link reset", "link stalled",
    "slow link reset",
};

struct netns {
    bool on;
    char a[32], b[32], veth_a[16], veth_b[16], addr_b[32];
    int fd_a, fd_b, fd_self;
};

static uint64_t rng;

static unsigned int rnd(unsigned int n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng % n;
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;

    if ( !d )
        return -1;
    while ( (e = readdir(d)) )
        n += e->d_name[0] != '.';
    closedir(d);
    return n - 1;                     /* the directory's own */
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int sh(const char *fmt, ...)
{
    char cmd[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    return system(cmd);
}

static void netns_down(struct netns *ns)
{
    if ( ns->fd_a >= 0 )
        close(ns->fd_a);
    if ( ns->fd_b >= 0 )
        close(ns->fd_b);
    if ( ns->fd_self >= 0 )
        close(ns->fd_self);
    sh("ip netns del %s 2>/dev/null", ns->a);
    sh("ip netns del %s 2>/dev/null", ns->b);
}

static bool netns_up(struct netns *ns)
{
    unsigned int tag = getpid();
    char path[64];

    memset(ns, 0, sizeof(*ns));
    ns->fd_a = ns->fd_b = ns->fd_self = -1;
    snprintf(ns->a, sizeof(ns->a), "encmig-lfa-%u", tag);
    snprintf(ns->b, sizeof(ns->b), "encmig-lfb-%u", tag);
    snprintf(ns->veth_a, sizeof(ns->veth_a), "lfa%u", tag % 100000);
    snprintf(ns->veth_b, sizeof(ns->veth_b), "lfb%u", tag % 100000);
    snprintf(ns->addr_b, sizeof(ns->addr_b), "10.%u.%u.2",
             210 + tag % 40, tag / 40 % 250);
    if ( geteuid() != 0 || sh("ip netns add %s 2>/dev/null", ns->a) )
        return false;
    if ( sh("ip netns add %s", ns->b) ||
         sh("ip link add %s netns %s type veth peer name %s netns %s",
            ns->veth_a, ns->a, ns->veth_b, ns->b) ||
         sh("ip -n %s addr add 10.%u.%u.1/30 dev %s", ns->a,
            210 + tag % 40, tag / 40 % 250, ns->veth_a) ||
         sh("ip -n %s addr add %s/30 dev %s", ns->b, ns->addr_b,
            ns->veth_b) ||
         sh("ip -n %s link set %s up && ip -n %s link set %s up",
            ns->a, ns->veth_a, ns->b, ns->veth_b) )
        goto fail;
    snprintf(path, sizeof(path), "/var/run/netns/%s", ns->a);
    ns->fd_a = open(path, O_RDONLY | O_CLOEXEC);
    snprintf(path, sizeof(path), "/var/run/netns/%s", ns->b);
    ns->fd_b = open(path, O_RDONLY | O_CLOEXEC);
    ns->fd_self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if ( ns->fd_a < 0 || ns->fd_b < 0 || ns->fd_self < 0 )
        goto fail;
    ns->on = true;
    return true;

 fail:
    netns_down(ns);
    return false;
}

struct netrun {
    struct twohost *t;
    struct netns *ns;
    int lfd, dfd;
    pthread_mutex_t lock;
};

static void *net_dst(void *arg)
{
    struct netrun *n = arg;
    int fd = accept(n->lfd, NULL, NULL);

    pthread_mutex_lock(&n->lock);
    n->dfd = fd;
    pthread_mutex_unlock(&n->lock);
    if ( fd < 0 )
    {
        n->t->dst_rc = -errno;
        return NULL;
    }
    cli_set_timeout(fd, n->t->timeout_s);
    n->t->rcfg.rfd = n->t->rcfg.wfd = fd;
    n->t->dst_rc = encmig_migrate_receive(&n->t->rcfg, &n->t->rst,
                                          n->t->rerr, sizeof(n->t->rerr));
    pthread_mutex_lock(&n->lock);
    close(fd);
    n->dfd = -1;
    pthread_mutex_unlock(&n->lock);
    return NULL;
}

struct faulter {
    struct netrun *n;
    enum kind kind;
    unsigned int after_ms;
    pthread_t thread;
};

static void *fault_main(void *arg)
{
    struct faulter *f = arg;

    usleep(f->after_ms * 1000);
    if ( f->kind == LINK_DOWN )
        sh("ip -n %s link set %s down", f->n->ns->a, f->n->ns->veth_a);
    else
    {
        /* What the kernel does to a killed process's socket. */
        pthread_mutex_lock(&f->n->lock);
        if ( f->n->dfd >= 0 )
            shutdown(f->n->dfd, SHUT_RDWR);
        pthread_mutex_unlock(&f->n->lock);
    }
    return NULL;
}

/* One migration over the veth, with a fault after ms. */
static void run_netns(struct twohost *t, struct netns *ns, enum kind kind,
                      unsigned int ms)
{
    struct netrun n = { .t = t, .ns = ns, .dfd = -1 };
    struct faulter f = { .n = &n, .kind = kind, .after_ms = ms };
    pthread_t dst;
    uint16_t bound;
    int fd;

    pthread_mutex_init(&n.lock, NULL);
    t->src_rc = t->dst_rc = -EIO;
    t->serr[0] = t->rerr[0] = '\0';

    /* Each socket is born in its own namespace: setns is per thread. */
    setns(ns->fd_b, CLONE_NEWNET);
    n.lfd = cli_listen(ns->addr_b, PORT, &bound);
    setns(ns->fd_a, CLONE_NEWNET);
    if ( n.lfd < 0 || pthread_create(&dst, NULL, net_dst, &n) )
    {
        setns(ns->fd_self, CLONE_NEWNET);
        return;
    }
    fd = cli_connect(ns->addr_b, PORT);
    setns(ns->fd_self, CLONE_NEWNET);
    if ( fd >= 0 )
    {
        cli_set_timeout(fd, t->timeout_s);
        t->scfg.rfd = t->scfg.wfd = fd;
        pthread_create(&f.thread, NULL, fault_main, &f);
        t->src_rc = encmig_migrate_send(&t->scfg, &t->sst, t->serr,
                                        sizeof(t->serr));
        close(fd);
        pthread_join(f.thread, NULL);
    }
    else
        shutdown(n.lfd, SHUT_RDWR);
    pthread_join(dst, NULL);
    close(n.lfd);
    sh("ip -n %s link set %s up", ns->a, ns->veth_a);
    pthread_mutex_destroy(&n.lock);
}

int main(int argc, char **argv)
{
    unsigned int cases = 50, k, passed = 0, failed_migrations = 0;
    unsigned int settled = 0, committed_bad = 0;
    unsigned int per_kind[KINDS] = { 0 };
    struct twohost t;
    struct netns ns;
    int fds0 = -1;
    size_t heap0 = 0;
    int rc;

    rng = (uint64_t)time(NULL) * 2654435761u | 1;
    for ( k = 1; k < (unsigned int)argc; k++ )
    {
        if ( !strcmp(argv[k], "--cases") && k + 1 < (unsigned int)argc )
            cases = atoi(argv[++k]);
        else if ( !strcmp(argv[k], "--seed") && k + 1 < (unsigned int)argc )
            rng = strtoull(argv[++k], NULL, 0) | 1;
        else
        {
            fprintf(stderr, "usage: linkfault [--cases N] [--seed S]\n");
            return 2;
        }
    }
    printf("linkfault: seed %#llx\n", (unsigned long long)rng);

    rc = twohost_new(&t, GUEST_BYTES, 0);
    if ( rc )
    {
        fprintf(stderr, "linkfault: hosts: %s\n", strerror(-rc));
        return 1;
    }
    t.timeout_s = 1;
    if ( !netns_up(&ns) )
        printf("linkfault: no network namespaces here (not root?): every "
               "case goes through the relay\n");
    else if ( (rc = twohost_pin(&t, ns.addr_b)) == 0 )
        t.scfg.peer_host = ns.addr_b;

    for ( k = 0; k < cases; )
    {
        enum kind kind = ns.on ? rnd(KINDS) : RELAY_CUT + rnd(3);
        unsigned int ms = 2 + rnd(60);
        bool intact, clean, fds_ok;
        int fds;

        if ( k == 1 )
            fds0 = count_fds();        /* after the first run's set-up */
        if ( k == cases / 2 )
            heap0 = mallinfo2().uordblks;   /* caches have grown by now */
        t.fault = RELAY_FAULT_NONE;
        t.delay_us = 0;
        if ( kind <= KILL_DEST )
            run_netns(&t, &ns, kind, ms);
        else
        {
            t.fault = kind == RELAY_STALL ? RELAY_FAULT_STALL
                                          : RELAY_FAULT_CUT;
            t.fault_ms = ms;
            t.stall_ms = 1500;
            t.delay_us = kind == RELAY_SLOW ? 2000 : 0;
            twohost_run(&t, true, NULL, NULL);
        }

        if ( t.sst.outcome != ENCMIG_OUTCOME_STAYED )
        {
            struct twohost_where w;

            relay_free(&t.relay);
            /*
             * The fault came at the commit or after it: the guest moved
             * (perhaps before its hash could come back), or the source
             * kept it paused not knowing.  Either way exactly one intact
             * copy must run once the operator has looked.
             */
            twohost_where(&t, &w);
            if ( twohost_lost(&w) || twohost_both_running(&w) ||
                 !twohost_resolve(&t) )
            {
                printf("FAIL %-20s at %3u ms: at the commit, the guest %s | "
                       "%s | %s\n", kind_name[kind], ms,
                       twohost_lost(&w) ? "was lost" :
                       twohost_both_running(&w) ? "ran twice" :
                       "could not be settled", t.serr, t.rerr);
                committed_bad++;
            }
            else if ( t.sst.outcome == ENCMIG_OUTCOME_UNKNOWN )
                settled++;
            /* The fault came too late to refuse anything: not counted. */
            failed_migrations++;
            printf("  %-20s at %3u ms: at or after the commit (%s)\n",
                   kind_name[kind], ms,
                   t.sst.outcome == ENCMIG_OUTCOME_UNKNOWN ?
                   "kept paused, then settled" : "the guest moved");
            twohost_reset(&t);
            if ( failed_migrations > cases )
                break;
            continue;
        }
        relay_free(&t.relay);          /* what it recorded: not needed */
        intact = twohost_source_intact(&t, true);
        clean = twohost_dest_clean(&t);
        fds = count_fds();
        fds_ok = k == 0 || fds == fds0;
        per_kind[kind]++;
        if ( intact && clean && fds_ok && t.dst_rc != 0 )
            passed++;
        else
        {
            printf("FAIL %-20s at %3u ms: source %s, destination %s, fds "
                   "%d (was %d) | %s | %s\n", kind_name[kind], ms,
                   intact ? "intact" : "NOT INTACT",
                   clean ? "clean" : "NOT CLEAN", fds, fds0, t.serr, t.rerr);
            twohost_reset(&t);
        }
        k++;
    }

    /* A leak in the failure paths grows the heap case after case. */
    if ( heap0 && mallinfo2().uordblks > heap0 + (64 << 10) )
    {
        printf("FAIL heap grew from %zu to %zu bytes over the second half\n",
               heap0, mallinfo2().uordblks);
        passed = passed ? passed - 1 : 0;
    }
    printf("linkfault: %u cases:", cases);
    for ( k = 0; k < KINDS; k++ )
        printf(" %u %s%s", per_kind[k], kind_name[k],
               k + 1 < KINDS ? "," : "\n");
    printf("linkfault: %u faults came at or after the commit and were not "
           "counted (%u left the source paused and were settled, %u went "
           "wrong)\n", failed_migrations, settled, committed_bad);
    twohost_free(&t);
    if ( ns.on )
        netns_down(&ns);
    printf("%u passed, %u failed\n", passed, cases - passed + committed_bad);
    return passed == cases && !committed_bad ? 0 : 1;
}
