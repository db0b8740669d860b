/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mem-xts-sim.c: the simulator's model of a memory-encryption engine.
 *
 * Each frame is AES-256-XTS encrypted under the domain's key with the
 * frame's host physical address as the tweak (one data unit per page), as
 * SEV and TME-MK style engines do.  The same plaintext therefore has
 * different ciphertext at every address: a frame can't be copied to a new
 * host, it has to be re-keyed.
 */

#include "crypto.h"
#include "mem.h"

static void hpa_tweak(uint64_t hpa, uint8_t tweak[ENCMIG_XTS_TWEAK])
{
    unsigned int i;

    /* Little-endian, as IEEE 1619 encodes a data unit number. */
    for ( i = 0; i < 8; i++ )
        tweak[i] = (uint8_t)(hpa >> (8 * i));
    memset(tweak + 8, 0, ENCMIG_XTS_TWEAK - 8);
}

static int xts_read(const struct encmig_mem *m, const struct encmig_frame *f,
                    uint8_t *plain)
{
    uint8_t tweak[ENCMIG_XTS_TWEAK];

    hpa_tweak(f->hpa, tweak);
    return m->cipher->xts_crypt(m->key, false, tweak, f->va, plain,
                                XEN_ENCMIG_PAGE_SIZE);
}

static int xts_write(const struct encmig_mem *m, struct encmig_frame *f,
                     const uint8_t *plain)
{
    uint8_t tweak[ENCMIG_XTS_TWEAK];

    hpa_tweak(f->hpa, tweak);
    return m->cipher->xts_crypt(m->key, true, tweak, plain, f->va,
                                XEN_ENCMIG_PAGE_SIZE);
}

/* Fused where the memory key's cipher ops are the session's and fuse. */
static int xts_seal(const struct encmig_mem *m, const struct encmig_frame *f,
                    const struct encmig_cipher_ops *c, void *gcm,
                    const uint8_t *iv, const uint8_t *aad, size_t aad_len,
                    uint8_t *ct, uint8_t *tag)
{
    uint8_t tweak[ENCMIG_XTS_TWEAK];

    if ( m->cipher != c || !c->xts_dec_gcm_seal )
        return -EOPNOTSUPP;
    hpa_tweak(f->hpa, tweak);
    return c->xts_dec_gcm_seal(m->key, tweak, gcm, iv, aad, aad_len, f->va,
                               XEN_ENCMIG_PAGE_SIZE, ct, tag);
}

const struct encmig_mem_ops encmig_mem_xts_sim = {
    .name  = "xts-sim",
    .id    = XEN_ENCMIG_MEM_XTS_SIM,
    .read  = xts_read,
    .write = xts_write,
    .seal  = xts_seal,
};

int encmig_mem_init_xts_sim(struct encmig_mem *m,
                            const struct encmig_cipher_ops *cipher,
                            const uint8_t *key)
{
    int rc = cipher->xts_new(&m->key, key);

    if ( rc )
        return rc;
    m->ops = &encmig_mem_xts_sim;
    m->cipher = cipher;
    return 0;
}
