/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * netns.h: two network namespaces joined by a veth pair shaped to
 * 10 Gbit/s both ways with tc tbf, one for each end of a migration.
 */

#ifndef __ENCMIG_BENCH_NETNS_H__
#define __ENCMIG_BENCH_NETNS_H__

#include <stdbool.h>

/* [0] the source's side, [1] the destination's. */
struct bench_net {
    bool made[2];                   /* the namespace exists: delete it */
    char ns[2][32];
    char veth[2][16];
    char addr[2][32];               /* a /30 that exists only inside */
};

/* Names and addresses from our pid; nothing is made. */
void bench_net_names(struct bench_net *n);

/*
 * Make both namespaces and the shaped pair, each command's stderr in the
 * file log.  0, or -errno with why; *skip when namespaces cannot be made
 * here at all (not root, no support) rather than a set-up gone wrong.
 * What was made is left for bench_net_teardown() in either case.
 */
int bench_net_setup(struct bench_net *n, const char *log, bool *skip,
                    char *why);

/* Delete what bench_net_setup() made, whatever signal is pending. */
void bench_net_teardown(struct bench_net *n, const char *log);

/*
 * "ip netns exec NS" in argv, to run what follows in side i's namespace;
 * returns how many arguments it wrote.
 */
unsigned int bench_net_exec(const struct bench_net *n, unsigned int i,
                            const char **argv);

#endif /* __ENCMIG_BENCH_NETNS_H__ */
