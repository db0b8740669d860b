/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * relay.h: a man in the middle for the tests.
 *
 * It sits between source and destination and, for each direction, writes
 * out what a plan says: pieces that are either ranges of what came in
 * (in any order, any number of times) or literal bytes.  A flipped bit, a
 * dropped, duplicated or reordered record, a record from another session,
 * garbage, a cut link: each is a plan.  Everything that came in is kept,
 * so a plan can also be a recording.
 */

#ifndef __ENCMIG_TEST_RELAY_H__
#define __ENCMIG_TEST_RELAY_H__

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RELAY_END        UINT64_MAX    /* a range "to the end of input" */
#define RELAY_MAX_PIECES 16

struct relay_piece {
    uint64_t from, to;                 /* input range [from, to) */
    uint8_t xor;                       /* applied to every byte of it */
    const uint8_t *lit;                /* or literal bytes, if not NULL */
    size_t lit_len;
};

/*
 * The output of one direction.  No pieces: everything passes untouched.
 * A plan whose last piece does not run to RELAY_END ends the connection
 * (both ways) once it has been written; with hold, it only stops passing
 * this direction's bytes and leaves the link up until both ends close.
 */
struct relay_plan {
    unsigned int n;
    bool hold;
    struct relay_piece piece[RELAY_MAX_PIECES];
};

struct relay_dir {
    int in, out;
    const struct relay_plan *plan;
    uint8_t *hist;                     /* all input so far */
    size_t len, alloc;
    unsigned int cur;                  /* piece being written */
    uint64_t pos;                      /* within it */
    bool eof, done;
};

/* A fault at a time rather than at a byte: the link as it fails. */
#define RELAY_FAULT_NONE   0
#define RELAY_FAULT_CUT    1           /* both ways closed, as a reset */
#define RELAY_FAULT_STALL  2           /* nothing passes any more */

struct relay {
    struct relay_dir dir[2];           /* 0: source -> dest, 1: back */
    pthread_t thread;
    int fault;                         /* RELAY_FAULT_* */
    unsigned int fault_ms;             /* after this long */
    unsigned int stall_ms;             /* how long a stall lasts */
    unsigned int delay_us;             /* before every write: a slow link */
};

/* Set before relay_start(): a timed fault, and a per-write delay. */
void relay_set_fault(struct relay *r, int fault, unsigned int after_ms,
                     unsigned int stall_ms, unsigned int delay_us);

/* Relay between (src_in, dst_out) and (dst_in, src_out); both sides' fds. */
int relay_start(struct relay *r, int src_fd, int dst_fd,
                const struct relay_plan *to_dst,
                const struct relay_plan *to_src);
/* Wait for the relay to end; closes its fds.  Input kept until free. */
void relay_join(struct relay *r);
void relay_free(struct relay *r);

/* Plan helpers. */
void plan_pass(struct relay_plan *p);
void plan_range(struct relay_plan *p, uint64_t from, uint64_t to);
void plan_literal(struct relay_plan *p, const uint8_t *lit, size_t len);
/* Pass everything but flip the bits of mask in the byte at off. */
void plan_flip(struct relay_plan *p, uint64_t off, uint8_t mask);

#endif /* __ENCMIG_TEST_RELAY_H__ */
