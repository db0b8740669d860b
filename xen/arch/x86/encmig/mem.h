/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mem.h: memory-encryption backends, the "current key" of a domain.
 *
 * The engine asks a backend for the plaintext of a guest frame (export) and
 * to store plaintext into a frame (import).  A backend knows how the
 * platform keeps the domain's memory: plain (real Xen 4.17: nothing), the
 * simulator's AES-256-XTS keyed per domain and tweaked by the frame's host
 * physical address, and later hardware engines.
 */

#ifndef __ENCMIG_MEM_H__
#define __ENCMIG_MEM_H__

#include "port.h"

struct encmig_mem;

struct encmig_mem_ops {
    const char *name;
    unsigned int id;                       /* XEN_ENCMIG_MEM_* */

    /* Plaintext of the frame into plain (one page).  0 or -errno. */
    int (*read)(const struct encmig_mem *m, const struct encmig_frame *f,
                uint8_t *plain);
    /* Store one page of plaintext into the frame.  0 or -errno. */
    int (*write)(const struct encmig_mem *m, struct encmig_frame *f,
                 const uint8_t *plain);
    /*
     * Seal the frame's page with c's gcm_seal under gcm (iv, aad as
     * there) into ct and tag without a plaintext copy, where the backend
     * and c can; -EOPNOTSUPP where they can't, and the caller then reads
     * and seals.  0 or -errno.
     */
    int (*seal)(const struct encmig_mem *m, const struct encmig_frame *f,
                const struct encmig_cipher_ops *c, void *gcm,
                const uint8_t *iv, const uint8_t *aad, size_t aad_len,
                uint8_t *ct, uint8_t *tag);
};

struct encmig_mem {
    const struct encmig_mem_ops *ops;
    const struct encmig_cipher_ops *cipher; /* xts-sim only */
    void *key;                              /* xts-sim: the XTS context */
};

extern const struct encmig_mem_ops encmig_mem_plain;
extern const struct encmig_mem_ops encmig_mem_xts_sim;

/* Set m up as the plain backend. */
void encmig_mem_init_plain(struct encmig_mem *m);

/*
 * Set m up as the xts-sim backend with a 64-byte XTS key (the caller wipes
 * its copy).  0 or -errno.
 */
int encmig_mem_init_xts_sim(struct encmig_mem *m,
                            const struct encmig_cipher_ops *cipher,
                            const uint8_t *key);

/* Release m's key, wiped. */
void encmig_mem_fini(struct encmig_mem *m);

#endif /* __ENCMIG_MEM_H__ */
