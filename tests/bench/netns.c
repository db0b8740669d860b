/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * netns.c: two namespaces and a shaped veth pair (netns.h).
 */

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "netns.h"
#include "proc.h"

/*
 * Each end of the veth pair.  The burst is well above a 64 KiB GSO packet,
 * yet a small head start against the ~290 MB a 256 MiB guest sends.
 */
#define SHAPE_RATE        "10gbit"
#define SHAPE_BURST       "4mb"
#define SHAPE_LATENCY     "50ms"

void bench_net_names(struct bench_net *n)
{
    unsigned int pid = getpid();

    snprintf(n->ns[0], sizeof(n->ns[0]), "encmig-bench-a-%u", pid);
    snprintf(n->ns[1], sizeof(n->ns[1]), "encmig-bench-b-%u", pid);
    snprintf(n->veth[0], sizeof(n->veth[0]), "ebma%u", pid);
    snprintf(n->veth[1], sizeof(n->veth[1]), "ebmb%u", pid);
    /* A /30 of 10/8 picked by pid; it exists only inside our namespaces. */
    snprintf(n->addr[0], sizeof(n->addr[0]), "10.%u.%u.1",
             100 + pid % 100, pid / 100 % 256);
    snprintf(n->addr[1], sizeof(n->addr[1]), "10.%u.%u.2",
             100 + pid % 100, pid / 100 % 256);
}

/* One end of the veth pair: address, links up, shaped. */
static int bench_net_end(const struct bench_net *n, unsigned int i,
                         const char *log, char *why)
{
    char cidr[48];

    snprintf(cidr, sizeof(cidr), "%s/30", n->addr[i]);
    return proc_run(log, true, why, "ip", "-n", n->ns[i], "addr", "add", cidr,
                    "dev", n->veth[i], NULL) ?:
           proc_run(log, true, why, "ip", "-n", n->ns[i], "link", "set", "lo",
                    "up", NULL) ?:
           proc_run(log, true, why, "ip", "-n", n->ns[i], "link", "set",
                    n->veth[i], "up", NULL) ?:
           proc_run(log, true, why, "tc", "-n", n->ns[i], "qdisc", "add",
                    "dev", n->veth[i], "root", "tbf", "rate", SHAPE_RATE,
                    "burst", SHAPE_BURST, "latency", SHAPE_LATENCY, NULL);
}

int bench_net_setup(struct bench_net *n, const char *log, bool *skip,
                    char *why)
{
    int rc;

    *skip = true;
    if (geteuid() != 0) {
        snprintf(why, BENCH_WHY_LEN, "network namespaces need root");
        return -EPERM;
    }
    if ((rc = proc_run(log, true, why, "ip", "netns", "add", n->ns[0],
                       NULL)))
        return rc;
    n->made[0] = true;
    *skip = false;
    if ((rc = proc_run(log, true, why, "ip", "netns", "add", n->ns[1],
                       NULL)))
        return rc;
    n->made[1] = true;
    return proc_run(log, true, why, "ip", "link", "add", n->veth[0], "netns",
                    n->ns[0], "type", "veth", "peer", "name", n->veth[1],
                    "netns", n->ns[1], NULL) ?:
           bench_net_end(n, 0, log, why) ?:
           bench_net_end(n, 1, log, why);
}

void bench_net_teardown(struct bench_net *n, const char *log)
{
    char why[BENCH_WHY_LEN];
    unsigned int i;

    /* Deleting a namespace destroys the veth end in it, so the pair. */
    for (i = 0; i < 2; i++) {
        if (!n->made[i])
            continue;
        if (proc_run(log, false, why, "ip", "netns", "del", n->ns[i], NULL))
            fprintf(stderr, "encmig-bench: could not remove network "
                    "namespace %s: %s\n", n->ns[i], why);
        else
            n->made[i] = false;
    }
}

unsigned int bench_net_exec(const struct bench_net *n, unsigned int i,
                            const char **argv)
{
    argv[0] = "ip";
    argv[1] = "netns";
    argv[2] = "exec";
    argv[3] = n->ns[i];
    return 4;
}
