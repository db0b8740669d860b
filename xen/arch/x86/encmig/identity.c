/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * identity.c: the hypervisor's identity and its pins.
 *
 * The key pair is made once per boot from the platform's hardware random
 * number generator and lives only in hypervisor memory: nothing returns
 * the private half and nothing restores it, so it cannot be moved to
 * another host or read back by dom0.  A reboot makes a new one, which the
 * operator pins again from the console (docs/abi.md, "Level 2").
 */

#include "identity.h"
#include "crypto.h"
#include "sha256.h"
#include "x25519.h"

int encmig_identity_init(struct encmig_identity *id)
{
    int rc;

    memset(id, 0, sizeof(*id));
    rc = encmig_rng(id->priv, sizeof(id->priv));
    if ( rc )
    {
        encmig_wipe(id->priv, sizeof(id->priv));
        return rc;
    }

    encmig_x25519_public(id->pub, id->priv);
    id->ready = true;
    return 0;
}

void encmig_identity_wipe(struct encmig_identity *id)
{
    encmig_wipe(id, sizeof(*id));
}

void encmig_identity_fingerprint(const uint8_t pub[XEN_ENCMIG_PUB_SIZE],
                                 char out[ENCMIG_FINGERPRINT_LEN])
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint8_t h[ENCMIG_SHA256_LEN + 1];
    unsigned int i, o = 0;

    encmig_sha256(pub, XEN_ENCMIG_PUB_SIZE, h);
    h[ENCMIG_SHA256_LEN] = 0;           /* 32 bytes: 10 groups and 2 left */

    memcpy(out, "SHA256:", 7);
    o = 7;
    for ( i = 0; i < ENCMIG_SHA256_LEN; i += 3 )
    {
        uint32_t v = (uint32_t)h[i] << 16 | (uint32_t)h[i + 1] << 8 |
                     (i + 2 < ENCMIG_SHA256_LEN ? h[i + 2] : 0);

        out[o++] = b64[(v >> 18) & 63];
        out[o++] = b64[(v >> 12) & 63];
        out[o++] = b64[(v >> 6) & 63];
        if ( i + 2 < ENCMIG_SHA256_LEN )
            out[o++] = b64[v & 63];
    }
    out[o] = '\0';
}

bool encmig_identity_pinned(const struct encmig_identity *id,
                            const uint8_t pub[XEN_ENCMIG_PUB_SIZE])
{
    unsigned int i;

    for ( i = 0; i < id->nr_pins; i++ )
        if ( encmig_ct_memeq(id->pins[i], pub, XEN_ENCMIG_PUB_SIZE) )
            return true;
    return false;
}

/*
 * A key of small order gives X25519 zero whatever the scalar, and so
 * would make every agreement with it public: refuse it when it is pinned.
 */
static bool small_order(const uint8_t pub[XEN_ENCMIG_PUB_SIZE])
{
    static const uint8_t scalar[ENCMIG_X25519_LEN] = { 1 };
    uint8_t out[ENCMIG_X25519_LEN];

    return encmig_x25519(out, scalar, pub) != 0;
}

static int identity_pin(struct encmig_identity *id,
                        const uint8_t pub[XEN_ENCMIG_PUB_SIZE])
{
    if ( id->locked )
        return -EPERM;
    if ( encmig_identity_pinned(id, pub) )
        return -EEXIST;
    if ( id->nr_pins >= XEN_ENCMIG_MAX_PINS )
        return -ENOSPC;

    memcpy(id->pins[id->nr_pins++], pub, XEN_ENCMIG_PUB_SIZE);
    return 0;
}

int encmig_identity_op(struct domain *d, struct xen_encmig_identity *arg)
{
    struct encmig_identity *id;
    int rc;

    if ( arg->pad )
        return -EINVAL;
    /* Outside the identity's lock: a scalar multiplication is slow. */
    if ( arg->cmd == XEN_ENCMIG_ID_pin && small_order(arg->pub) )
        return -EINVAL;

    id = encmig_identity_get(d);

    switch ( arg->cmd )
    {
    case XEN_ENCMIG_ID_get:
        rc = id->ready ? 0 : -ENODEV;
        if ( !rc )
            memcpy(arg->pub, id->pub, sizeof(arg->pub));
        break;

    case XEN_ENCMIG_ID_pin:
        rc = identity_pin(id, arg->pub);
        break;

    case XEN_ENCMIG_ID_lock:
        id->locked = true;
        rc = 0;
        break;

    default:
        rc = -EOPNOTSUPP;
        break;
    }

    arg->flags = id->locked ? XEN_ENCMIG_ID_LOCKED : 0;
    arg->nr_pins = id->nr_pins;
    encmig_identity_put(d);
    return rc;
}
