/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mem-plain.c: the backend for platforms without guest memory encryption
 * (Xen 4.17 on any hardware).  The decrypt step is the identity; the
 * re-key to the migration key and the buffer path still hold.
 */

#include "crypto.h"
#include "mem.h"

static int plain_read(const struct encmig_mem *m, const struct encmig_frame *f,
                      uint8_t *plain)
{
    memcpy(plain, f->va, XEN_ENCMIG_PAGE_SIZE);
    return 0;
}

static int plain_write(const struct encmig_mem *m, struct encmig_frame *f,
                       const uint8_t *plain)
{
    memcpy(f->va, plain, XEN_ENCMIG_PAGE_SIZE);
    return 0;
}

/*
 * Straight from the frame: GCM reads each byte of its input once and
 * authenticates only what it wrote, so a guest writing to the page
 * meanwhile tears the page (as it would a copy) but cannot touch the tag.
 */
static int plain_seal(const struct encmig_mem *m, const struct encmig_frame *f,
                      const struct encmig_cipher_ops *c, void *gcm,
                      const uint8_t *iv, const uint8_t *aad, size_t aad_len,
                      uint8_t *ct, uint8_t *tag)
{
    return c->gcm_seal(gcm, iv, aad, aad_len, f->va, XEN_ENCMIG_PAGE_SIZE,
                       ct, tag);
}

const struct encmig_mem_ops encmig_mem_plain = {
    .name  = "plain",
    .id    = XEN_ENCMIG_MEM_PLAIN,
    .read  = plain_read,
    .write = plain_write,
    .seal  = plain_seal,
};

void encmig_mem_init_plain(struct encmig_mem *m)
{
    m->ops = &encmig_mem_plain;
    m->cipher = NULL;
    m->key = NULL;
}

void encmig_mem_fini(struct encmig_mem *m)
{
    if ( m->key )
        m->cipher->xts_free(m->key);
    m->key = NULL;
    m->ops = NULL;
}
