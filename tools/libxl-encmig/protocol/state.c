/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * state.c: the guest's state record, sealed and opened by the hypervisor.
 */

#include <errno.h>
#include <string.h>

#include "state.h"
#include "../util.h"
#include "../../../hypercalls/encmig_hc.h"

int encmig_state_send(struct stream_writer *w, struct encmig_hc *hc,
                      domid_t domid, uint32_t kind, uint32_t instance,
                      char *err, size_t errlen)
{
    struct iovec iov;
    size_t need = 0, size;
    void *buf;
    int rc;

    /* Only the hypervisor knows how big the state is: ask it first. */
    if (encmig_hc_save_state(hc, domid, kind, instance, NULL, &need))
        return encmig_fail(err, errlen, -errno, "sizing the guest's state: "
                           "%s", strerror(errno));
    if (need < ENCMIG_STATE_MIN || need > ENCMIG_STATE_MAX)
        return encmig_fail(err, errlen, -EIO, "the hypervisor asks for %zu "
                           "bytes for the guest's state", need);
    buf = encmig_hc_buf_alloc(hc, need);
    if (!buf)
        return encmig_fail(err, errlen, -ENOMEM, "a buffer of %zu bytes for "
                           "the guest's state", need);

    size = need;
    if (encmig_hc_save_state(hc, domid, kind, instance, buf, &size)) {
        rc = encmig_fail(err, errlen, -errno, "the hypervisor's sealing of "
                         "the guest's state: %s", strerror(errno));
        goto out;
    }
    iov.iov_base = buf;
    iov.iov_len = size;
    rc = stream_write_record(w, REC_TYPE_ENCMIG_STATE, &iov, 1);
    if (rc)
        encmig_fail(err, errlen, rc, "sending the guest's sealed state: %s",
                    strerror(-rc));

 out:
    /* Ciphertext only: nothing in it to wipe. */
    encmig_hc_buf_free(hc, buf, need);
    return rc;
}

/* The hypervisor's refusals, as the page import's are told. */
static const char *load_error(int e)
{
    switch (e) {
    case EBADMSG: return "failed authentication";
    case EILSEQ:  return "is out of sequence (dropped, replayed or "
                         "reordered)";
    case EINVAL:  return "is malformed, of another kind, or for a guest of "
                         "another shape";
    }
    return NULL;
}

int encmig_state_load(struct encmig_hc *hc, domid_t domid, uint32_t kind,
                      uint32_t instance, void *buf, size_t len, char *err,
                      size_t errlen)
{
    const char *why;
    int e;

    if (len < ENCMIG_STATE_MIN || len > ENCMIG_STATE_MAX)
        return encmig_fail(err, errlen, -EBADMSG, "a sealed state of %zu "
                           "bytes", len);
    if (!encmig_hc_load_state(hc, domid, kind, instance, buf, len))
        return 0;
    e = errno;
    why = load_error(e);
    if (why)
        return encmig_fail(err, errlen, -e, "the guest's sealed state %s",
                           why);
    return encmig_fail(err, errlen, -e, "loading the guest's sealed state: "
                       "%s", strerror(e));
}
