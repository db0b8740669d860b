/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xl-level.c: the level of an encrypted migration, agreed on xl's pipe.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io.h"
#include "../protocol/core.h"
#include "../protocol/wbuf.h"
#include "../../../hypercalls/encmig_hc.h"
#include "xl-level.h"

/* u32be level, u32be streams */
#define LEVEL_HDR_SIZE 8
#define LEVEL_MSG_MAX  (LEVEL_HDR_SIZE + ENCMIG_L2_ANSWER_SIZE)

/* ENCMIG_LEVEL: 1 or 2, or 0 for auto (unset or "auto"); -1 if neither. */
static int level_wanted(void)
{
    const char *v = getenv("ENCMIG_LEVEL");

    if (!v || !v[0] || !strcmp(v, "auto"))
        return 0;
    if (!strcmp(v, "1") || !strcmp(v, "2"))
        return v[0] - '0';
    return -1;
}

static bool has_identity(struct encmig_hc *hc)
{
    struct xen_encmig_identity id = { 0 };

    return !encmig_hc_identity(hc, 0, XEN_ENCMIG_ID_get, &id);
}

static int send_msg(struct encmig_core *c, int wfd, const uint8_t *msg,
                    size_t len)
{
    uint8_t mac[ENCMIG_MAC_SIZE];
    const void *parts[1] = { msg };
    int rc = encmig_core_ctl_seal(c, parts, &len, 1, mac);

    if (!rc)
        rc = encmig_write_full(wfd, msg, len);
    if (!rc)
        rc = encmig_write_full(wfd, mac, sizeof(mac));
    return rc;
}

/*
 * The peer's message: its level and stream count, then the body that
 * level has (body_len for level 2, none for level 1), then its MAC,
 * checked before a byte of it is believed.
 */
static int recv_msg(struct encmig_core *c, int rfd, uint8_t *msg,
                    size_t body_len, uint32_t *level, uint32_t *streams)
{
    uint8_t mac[ENCMIG_MAC_SIZE];
    const void *parts[1] = { msg };
    size_t len = LEVEL_HDR_SIZE;
    struct wbuf b;
    int rc;

    rc = encmig_read_full(rfd, msg, LEVEL_HDR_SIZE);
    if (rc)
        return rc;
    wbuf_from(&b, msg, LEVEL_HDR_SIZE);
    if (wbuf_get_u32be(&b, level) || (*level != 1 && *level != 2) ||
        wbuf_get_u32be(&b, streams) || *streams == 0 ||
        *streams > ENCMIG_MAX_STREAMS)
        return -EBADMSG;
    if (*level == 2) {
        rc = encmig_read_full(rfd, msg + LEVEL_HDR_SIZE, body_len);
        len += body_len;
    }
    if (!rc)
        rc = encmig_read_full(rfd, mac, sizeof(mac));
    if (!rc)
        rc = encmig_core_ctl_check(c, parts, &len, 1, mac);
    return rc;
}

static void put_u32be(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static void put_hdr(uint8_t *msg, uint32_t level, uint32_t streams)
{
    put_u32be(msg, level);
    put_u32be(msg + 4, streams);
}

static const char *why(int rc)
{
    switch (rc) {
    case -EACCES:
        return "the peer's hypervisor is not pinned here (encmig identity "
               "--pin)";
    case -ENODEV:
        return "this hypervisor has no identity (no RDRAND): level 1 only";
    case -EPERM:
        return "this hypervisor's pins are locked: level 1 is refused";
    case -EBADMSG:
        return "the agreement failed authentication";
    default:
        return strerror(-rc);
    }
}

int encmig_xl_level_source(struct encmig_core *c, struct encmig_hc *hc,
                           int rfd, int wfd, uint32_t domid, uint32_t streams,
                           uint32_t *agreed, const char *who)
{
    uint8_t msg[LEVEL_MSG_MAX];
    int want = level_wanted(), rc;
    uint32_t level, theirs, their_streams;

    if (want < 0) {
        fprintf(stderr, "%s: ENCMIG_LEVEL must be 1, 2 or auto\n", who);
        return -EINVAL;
    }
    if (streams == 0 || streams > ENCMIG_MAX_STREAMS) {
        fprintf(stderr, "%s: streams must be 1 to %u\n", who,
                ENCMIG_MAX_STREAMS);
        return -EINVAL;
    }
    level = want ? (uint32_t)want : has_identity(hc) ? 2 : 1;

    put_hdr(msg, level, streams);
    rc = 0;
    if (level == 2) {
        rc = encmig_core_l2_offer(c, hc, domid, msg + LEVEL_HDR_SIZE);
        if (rc)
            fprintf(stderr, "%s: level 2: the hypervisor's offer: %s\n",
                    who, why(rc));
    }
    if (!rc)
        rc = send_msg(c, wfd, msg, LEVEL_HDR_SIZE +
                      (level == 2 ? ENCMIG_L2_OFFER_SIZE : 0));
    if (!rc) {
        rc = recv_msg(c, rfd, msg, ENCMIG_L2_ANSWER_SIZE, &theirs,
                      &their_streams);
        if (!rc && (theirs != level || their_streams != streams))
            rc = -EPROTO;
        if (rc)
            fprintf(stderr, "%s: the destination did not take level %u "
                    "with %u stream%s%s\n", who, level, streams,
                    streams == 1 ? "" : "s", rc == -EBADMSG ? ": its answer "
                    "failed authentication" : "");
    }
    if (!rc && level == 2) {
        rc = encmig_core_l2_export(c, msg + LEVEL_HDR_SIZE, streams);
        if (rc)
            fprintf(stderr, "%s: level 2: the destination's answer: %s\n",
                    who, why(rc));
    }

    /* Nothing of the guest has moved: leave it as it was. */
    if (rc && level == 2)
        encmig_hc_teardown(hc, (domid_t)domid);
    c->hc = NULL;
    if (!rc)
        *agreed = level;
    if (!rc)
        fprintf(stderr, "%s: level %u: %s; %u stream%s\n", who, level,
                level == 2 ? "the hypervisors agreed the keys; this host's "
                "toolstack holds none that opens a record" :
                "the toolstack hands the keys to the hypervisor", streams,
                streams == 1 ? "" : "s");
    return rc;
}

int encmig_xl_level_dest(struct encmig_core *c, struct encmig_hc *hc,
                         int rfd, int wfd, uint32_t *agreed,
                         uint32_t *streams, const char *who)
{
    uint8_t msg[LEVEL_MSG_MAX], offer[ENCMIG_L2_OFFER_SIZE];
    int want = level_wanted(), rc;
    uint32_t level, n;

    if (want < 0) {
        fprintf(stderr, "%s: ENCMIG_LEVEL must be 1, 2 or auto\n", who);
        return -EINVAL;
    }
    rc = recv_msg(c, rfd, msg, ENCMIG_L2_OFFER_SIZE, &level, &n);
    if (rc) {
        fprintf(stderr, "%s: the level message: %s\n", who,
                rc == -EBADMSG ? "malformed, or failed authentication" :
                strerror(-rc));
        return rc;
    }
    if (want == 2 && level != 2) {
        fprintf(stderr, "%s: the source proposed level %u; ENCMIG_LEVEL=2 "
                "here\n", who, level);
        return -EPERM;
    }
    if (level == 1) {
        put_hdr(msg, 1, n);
        rc = send_msg(c, wfd, msg, LEVEL_HDR_SIZE);
        if (!rc) {
            *agreed = 1;
            *streams = n;
            fprintf(stderr, "%s: level 1: the toolstack hands the keys to "
                    "the hypervisor; %u stream%s\n", who, n,
                    n == 1 ? "" : "s");
        }
        return rc;
    }

    memcpy(offer, msg + LEVEL_HDR_SIZE, sizeof(offer));
    rc = encmig_core_l2_accept(c, hc, offer, msg + LEVEL_HDR_SIZE);
    c->hc = NULL;
    if (rc) {
        fprintf(stderr, "%s: level 2: accepting the source's offer: %s\n",
                who, why(rc));
        return rc;
    }
    put_hdr(msg, 2, n);
    rc = send_msg(c, wfd, msg, LEVEL_HDR_SIZE + ENCMIG_L2_ANSWER_SIZE);
    if (!rc) {
        *agreed = 2;
        *streams = n;
        fprintf(stderr, "%s: level 2: the hypervisors agreed the keys; this "
                "host's toolstack holds none that opens a record; %u "
                "stream%s\n", who, n, n == 1 ? "" : "s");
    }
    return rc;
}
