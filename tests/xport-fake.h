/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xport-fake.h: an RDMA link in one process, for the transport's tests.
 *
 * Two devices joined as a reliable connection would join them: a send is
 * delivered into the oldest receive buffer the other end posted, whole
 * and in order.  Like a NIC, the link reads the sender's memory when it
 * delivers, not when the send is posted, and only through a registered
 * region that holds every byte; so a sender that reused a buffer before
 * its completion sends the new bytes, and one that sends from memory it
 * never registered gets a failed completion.  Held, the link delivers
 * only what the test releases.
 */

#ifndef __ENCMIG_TEST_XPORT_FAKE_H__
#define __ENCMIG_TEST_XPORT_FAKE_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../tools/libxl-encmig/transport/xport.h"

struct fake_link;

extern const struct xport_dev_ops fake_xport_ops;

/* A link; end 0 and end 1 are its devices (fake_link_dev()). */
struct fake_link *fake_link_new(bool hold);
void fake_link_free(struct fake_link *l);
void *fake_link_dev(struct fake_link *l, int end);

/* Held: let n more sends through. */
void fake_link_release(struct fake_link *l, unsigned int n);
/* The wire is cut: both ends see -EPIPE from now on. */
void fake_link_cut(struct fake_link *l);
/* Cut it once n messages have been delivered (0: never). */
void fake_link_cut_after(struct fake_link *l, uint64_t n);

struct fake_link_stats {
    unsigned int regs[2];         /* regions registered, each end */
    uint64_t delivered;           /* messages */
    uint64_t bytes;
    uint64_t bad_len;             /* messages not a multiple of 8 bytes */
    unsigned int max_posted;      /* sends waiting at once, most */
};
void fake_link_stats(struct fake_link *l, struct fake_link_stats *st);

/* A copy of message i's bytes (malloc'd; *len its length), or NULL. */
uint8_t *fake_link_message(struct fake_link *l, uint64_t i, size_t *len);
/* Keep copies of the messages delivered (for fake_link_message()). */
void fake_link_record(struct fake_link *l, bool on);

#endif /* __ENCMIG_TEST_XPORT_FAKE_H__ */
