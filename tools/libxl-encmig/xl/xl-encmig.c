/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xl-encmig.c: the key handshake on xl's migration pipe, and the handover
 * of its result to libxl's save/restore helper.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "../io.h"
#include "../util.h"

#include "libxl-relay.h"
#include "session-fd.h"
#include "xg-session.h"
#include "xl-level.h"
#include "xl-encmig.h"
#include "../protocol/core.h"
#include "../protocol/handshake.h"

/*
 * xl's share of the session: the configuration key (used once), the
 * control keys with the counts each way, and the libxl key until the
 * relay takes it.  The page, end and state keys are the helper's.
 */
static struct encmig_core core;
static bool have_config_key, have_libxl_key;
static struct encmig_relay *relay;

/*
 * The session for the helper (session-fd.h).  xl closes its descriptor
 * once libxl's save or restore has returned (the helper has wiped the
 * file by then), or when it exits.
 */
static int session_fd = -1;

/* xl migrate --streams: the source's choice, the destination's copy. */
static uint32_t nr_streams = 1;

int encmig_xl_set_streams(unsigned long n)
{
    if (n == 0 || n > ENCMIG_MAX_STREAMS)
        return -ERANGE;
    nr_streams = n;
    return 0;
}

static int session_handover(const struct encmig_hs_result *hs,
                            uint32_t direction, uint32_t level, char *err,
                            size_t errlen)
{
    struct encmig_session_blob b;
    int rc;

    if (direction != XEN_ENCMIG_DIR_EXPORT &&
        direction != XEN_ENCMIG_DIR_IMPORT) {
        encmig_seterr(err, errlen, "bad direction %u", direction);
        return -EINVAL;
    }
    memset(&b, 0, sizeof(b));
    memcpy(b.magic, ENCMIG_SESSION_MAGIC, sizeof(b.magic));
    b.direction = direction;
    b.level = level;
    b.nr_streams = nr_streams;
    b.km = hs->km;
    memcpy(b.transcript, hs->transcript, sizeof(b.transcript));
    memcpy(b.session_id, core.l2_session_id, sizeof(b.session_id));
    rc = encmig_session_publish(&b, sizeof(b), &session_fd, err, errlen);
    OPENSSL_cleanse(&b, sizeof(b));
    return rc;
}

static void config(struct encmig_hs_config *cfg)
{
    encmig_hs_config_init(cfg);
    cfg->keydir = getenv("ENCMIG_KEYDIR");
    if (cfg->keydir && !cfg->keydir[0])
        cfg->keydir = NULL;
}

/*
 * The control keys live as long as xl: wiped however xl exits, and a
 * relay still running (xl exits from within libxl on some failures)
 * is stopped and its key wiped too.
 */
static void drop_session(void)
{
    relay = NULL;
    encmig_core_fini(&core);
    have_config_key = have_libxl_key = false;
    encmig_session_unpublish(&session_fd);
}

/*
 * At level 2 the source's xl set the export session up itself: should xl
 * stop before the helper has ended it (a failure between the level
 * message and libxl's save), the guest must not keep it.  After the
 * helper, or once the guest has gone, there is nothing left to end.
 */
static bool l2_export;
static uint32_t l2_export_domid;

static void end_l2_export(void)
{
    struct encmig_hc *hc;

    if (!l2_export)
        return;
    l2_export = false;
    hc = encmig_hc_open_xen();
    if (hc) {
        encmig_hc_teardown(hc, (domid_t)l2_export_domid);
        encmig_hc_close(hc);
    }
}

static void wipe_keys(void)
{
    char err[256];

    if (relay)
        encmig_relay_finish(relay, true, err, sizeof(err));
    end_l2_export();
    drop_session();
}

void encmig_xl_forget(void)
{
    /* The relay's thread is the parent's: its memory is only wiped here. */
    if (relay)
        encmig_relay_forget(relay);
    drop_session();
}

/*
 * Derive xl's keys, agree the level with the peer (xl-level.h; domid is
 * the source's guest) and hand the session to the helper.
 */
static int handover(struct encmig_hs_result *hs, uint32_t direction,
                    const char *who, int rfd, int wfd, uint32_t domid)
{
    const char *helper = getenv("ENCMIG_SAVE_HELPER");
    struct encmig_hc *hc;
    uint32_t level = 0;
    char err[256];
    int rc;

    /*
     * Any other helper would ignore the session and send the guest in the
     * clear: so always this one, and only if it is there to run.
     */
    if (!helper || !helper[0])
        helper = ENCMIG_SAVE_HELPER;
    if (access(helper, X_OK)) {
        rc = -errno;
        encmig_hs_result_wipe(hs);
        fprintf(stderr, "%s: encrypted migration needs %s: %s\n", who,
                helper, strerror(-rc));
        return rc;
    }
    if (atexit(wipe_keys)) {
        encmig_hs_result_wipe(hs);
        fprintf(stderr, "%s: atexit failed\n", who);
        return -ENOMEM;
    }
    rc = encmig_core_init(&core, direction == XEN_ENCMIG_DIR_EXPORT ?
                          ENCMIG_SIDE_SOURCE : ENCMIG_SIDE_DEST,
                          &hs->km, hs->transcript);
    if (rc) {
        encmig_hs_result_wipe(hs);
        wipe_keys();
        fprintf(stderr, "%s: deriving a key: %s\n", who, strerror(-rc));
        return rc;
    }
    /* The helper gets its own keys from the key material. */
    OPENSSL_cleanse(&core.k.pages, sizeof(core.k.pages));
    OPENSSL_cleanse(core.k.end, sizeof(core.k.end));
    OPENSSL_cleanse(core.k.state, sizeof(core.k.state));
    have_config_key = have_libxl_key = true;
    hc = encmig_hc_open_xen();
    if (!hc) {
        rc = -errno;
        encmig_hs_result_wipe(hs);
        wipe_keys();
        fprintf(stderr, "%s: no hypervisor to talk to: %s\n", who,
                strerror(-rc));
        return rc;
    }
    rc = direction == XEN_ENCMIG_DIR_EXPORT
         ? encmig_xl_level_source(&core, hc, rfd, wfd, domid, nr_streams,
                                  &level, who)
         : encmig_xl_level_dest(&core, hc, rfd, wfd, &level, &nr_streams,
                                who);
    encmig_hc_close(hc);
    if (!rc && direction == XEN_ENCMIG_DIR_EXPORT && level == 2) {
        l2_export = true;
        l2_export_domid = domid;
    }
    if (rc) {
        encmig_hs_result_wipe(hs);
        wipe_keys();
        return rc;
    }
    rc = session_handover(hs, direction, level, err, sizeof(err));
    encmig_hs_result_wipe(hs);
    if (rc) {
        wipe_keys();
        fprintf(stderr, "%s: encrypted migration: %s\n", who, err);
        return rc;
    }
    if (setenv("LIBXL_SAVE_HELPER", helper, 1)) {
        rc = -errno;
        fprintf(stderr, "%s: setenv: %s\n", who, strerror(errno));
    }
    return rc;
}

int encmig_xl_source(int rfd, int wfd, const char *host, uint32_t domid)
{
    struct encmig_hs_config cfg;
    struct encmig_hs_result hs;
    char err[512];
    int rc;

    config(&cfg);
    rc = encmig_hs_source(rfd, wfd, &cfg, host, &hs, err, sizeof(err));
    if (rc) {
        fprintf(stderr, "migration sender: key handshake with %s failed: "
                "%s\n", host, err);
        return rc;
    }
    fprintf(stderr, "migration sender: %s's host key verified; the "
            "destination supplied the migration key.\n", host);
    return handover(&hs, XEN_ENCMIG_DIR_EXPORT, "migration sender", rfd, wfd,
                    domid);
}

int encmig_xl_dest(int rfd, int wfd)
{
    struct encmig_hs_config cfg;
    struct encmig_hs_result hs;
    char err[512], fp[ENCMIG_FINGERPRINT_SIZE];
    int rc;

    config(&cfg);
    rc = encmig_hs_dest(rfd, wfd, &cfg, &hs, err, sizeof(err));
    if (rc) {
        fprintf(stderr, "migration target: key handshake failed: %s\n", err);
        return rc;
    }
    if (encmig_hostkey_fingerprint(hs.peer_pub, fp))
        snprintf(fp, sizeof(fp), "(no fingerprint)");
    fprintf(stderr, "migration target: source '%s' (%s) authenticated; "
            "migration key supplied.\n", hs.peer_name, fp);
    return handover(&hs, XEN_ENCMIG_DIR_IMPORT, "migration target", rfd, wfd,
                    0);
}

static int config_mac(const void *hdr, size_t hdr_len, const void *opt,
                      size_t opt_len, const uint8_t *check,
                      uint8_t mac[ENCMIG_XL_MAC_SIZE])
{
    const void *parts[2] = { hdr, opt };
    size_t lens[2] = { hdr_len, opt_len };
    int rc;

    if (!have_config_key)
        return -EPROTO;
    rc = check ? encmig_core_config_check(&core, parts, lens, 2, check)
               : encmig_core_config_mac(&core, parts, lens, 2, mac);
    OPENSSL_cleanse(core.k.config, sizeof(core.k.config));
    have_config_key = false;
    return rc;
}

int encmig_xl_config_mac(const void *hdr, size_t hdr_len, const void *opt,
                         size_t opt_len, uint8_t mac[ENCMIG_XL_MAC_SIZE])
{
    return config_mac(hdr, hdr_len, opt, opt_len, NULL, mac);
}

int encmig_xl_config_check(const void *hdr, size_t hdr_len, const void *opt,
                           size_t opt_len,
                           const uint8_t mac[ENCMIG_XL_MAC_SIZE])
{
    return config_mac(hdr, hdr_len, opt, opt_len, mac, NULL);
}

int encmig_xl_ctl_send(int fd, const void *msg, size_t len)
{
    uint8_t mac[ENCMIG_XL_MAC_SIZE];
    const void *parts[1] = { msg };
    size_t lens[1] = { len };
    int rc = encmig_core_ctl_seal(&core, parts, lens, 1, mac);

    if (!rc)
        rc = encmig_write_full(fd, mac, sizeof(mac));
    return rc;
}

int encmig_xl_ctl_check(int fd, const void *msg, size_t len)
{
    uint8_t mac[ENCMIG_XL_MAC_SIZE];
    const void *parts[1] = { msg };
    size_t lens[1] = { len };
    int rc = encmig_read_full(fd, mac, sizeof(mac));

    return rc ? rc : encmig_core_ctl_check(&core, parts, lens, 1, mac);
}

int encmig_xl_relay_start(int wire_fd, int *libxl_fd, const char *who)
{
    char err[256];
    int rc;

    if (!have_libxl_key || relay) {
        fprintf(stderr, "%s: no session for libxl's records\n", who);
        return -EPROTO;
    }
    rc = encmig_relay_start(core.side, core.k.libxl, wire_fd, libxl_fd,
                            &relay, err, sizeof(err));
    OPENSSL_cleanse(core.k.libxl, sizeof(core.k.libxl));
    have_libxl_key = false;
    if (rc)
        fprintf(stderr, "%s: starting the relay of libxl's records: %s\n",
                who, err);
    return rc;
}

int encmig_xl_relay_finish(bool abort, const char *who)
{
    char err[256];
    int rc;

    if (!relay) {
        fprintf(stderr, "%s: no relay of libxl's records\n", who);
        return -EPROTO;
    }
    rc = encmig_relay_finish(relay, abort, err, sizeof(err));
    relay = NULL;
    /* libxl's save or restore is over: so is the helper's use of it. */
    encmig_session_unpublish(&session_fd);
    /* Stopped because libxl failed: libxl has said why already. */
    if (rc && rc != -ECANCELED)
        fprintf(stderr, "%s: relaying libxl's records: %s\n", who, err);
    return rc;
}
