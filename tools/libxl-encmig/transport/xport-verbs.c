/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xport-verbs.c: the stream's RDMA connection (xport-verbs.h).
 */

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include <infiniband/verbs.h>
#include <rdma/rdma_cma.h>

#include "xport-verbs.h"
#include "../util.h"

/* Work requests each way: the transport keeps fewer in flight. */
#define VERBS_WR        32
/* Retries of a send the receiver has no buffer for yet: 7 is "forever". */
#define VERBS_RNR_RETRY 7
#define VERBS_RETRY     7

struct xport_verbs {
    struct rdma_event_channel *ec;
    struct rdma_cm_id *id;
    struct ibv_pd *pd;
    struct ibv_comp_channel *cc;
    struct ibv_cq *cq;
    bool qp, connected, gone;
};

static struct xport_verbs *verbs_new(void)
{
    struct xport_verbs *v = calloc(1, sizeof(*v));

    if (!v)
        return NULL;
    v->ec = rdma_create_event_channel();
    if (!v->ec) {
        free(v);
        return NULL;
    }
    /* Waits are poll()ed with a timeout; reads must never block. */
    fcntl(v->ec->fd, F_SETFL, fcntl(v->ec->fd, F_GETFL) | O_NONBLOCK);
    return v;
}

void xport_verbs_stop(struct xport_verbs *v)
{
    if (!v)
        return;
    if (v->connected && !v->gone)
        rdma_disconnect(v->id);
    v->connected = false;
    if (v->qp)
        rdma_destroy_qp(v->id);
    v->qp = false;
}

void xport_verbs_close(struct xport_verbs *v)
{
    if (!v)
        return;
    xport_verbs_stop(v);
    if (v->cq)
        ibv_destroy_cq(v->cq);
    if (v->cc)
        ibv_destroy_comp_channel(v->cc);
    if (v->pd)
        ibv_dealloc_pd(v->pd);
    if (v->id)
        rdma_destroy_id(v->id);
    rdma_destroy_event_channel(v->ec);
    free(v);
}

/* The next event on v's channel within timeout_ms; the caller acks it. */
static int next_event(struct xport_verbs *v, int timeout_ms,
                      struct rdma_cm_event **ev)
{
    struct pollfd p = { .fd = v->ec->fd, .events = POLLIN };

    for (;;) {
        int n;

        if (!rdma_get_cm_event(v->ec, ev))
            return 0;
        if (errno != EAGAIN)
            return -errno;
        n = poll(&p, 1, timeout_ms);
        if (n < 0 && errno != EINTR)
            return -errno;
        if (n == 0)
            return -ETIMEDOUT;
    }
}

/* Wait for event want; any other is the failure it reports. */
static int expect_event(struct xport_verbs *v, enum rdma_cm_event_type want,
                        int timeout_ms, const char *what, char *err,
                        size_t errlen)
{
    struct rdma_cm_event *ev;
    enum rdma_cm_event_type got;
    int status, rc;

    rc = next_event(v, timeout_ms, &ev);
    if (rc)
        return encmig_fail(err, errlen, rc, "%s: %s", what, strerror(-rc));
    got = ev->event;
    status = ev->status;
    rdma_ack_cm_event(ev);
    if (got == want)
        return 0;
    if (got == RDMA_CM_EVENT_REJECTED)
        return encmig_fail(err, errlen, -ECONNREFUSED, "%s: refused (is "
                           "the destination listening with --transport "
                           "rdma?)", what);
    return encmig_fail(err, errlen, status < 0 ? status : -EIO, "%s: %s%s%s",
                       what, rdma_event_str(got), status ? ", " : "",
                       status ? strerror(status < 0 ? -status : status) : "");
}

/* Protection domain, completion queue and RC queue pair on v->id. */
static int setup_qp(struct xport_verbs *v, char *err, size_t errlen)
{
    struct ibv_qp_init_attr a;

    v->pd = ibv_alloc_pd(v->id->verbs);
    if (!v->pd)
        return encmig_fail(err, errlen, -errno, "ibv_alloc_pd: %s",
                           strerror(errno));
    v->cc = ibv_create_comp_channel(v->id->verbs);
    if (!v->cc)
        return encmig_fail(err, errlen, -errno, "ibv_create_comp_channel: "
                           "%s", strerror(errno));
    fcntl(v->cc->fd, F_SETFL, fcntl(v->cc->fd, F_GETFL) | O_NONBLOCK);
    v->cq = ibv_create_cq(v->id->verbs, 2 * VERBS_WR, NULL, v->cc, 0);
    if (!v->cq)
        return encmig_fail(err, errlen, -errno, "ibv_create_cq: %s",
                           strerror(errno));
    memset(&a, 0, sizeof(a));
    a.send_cq = v->cq;
    a.recv_cq = v->cq;
    a.qp_type = IBV_QPT_RC;
    a.sq_sig_all = 1;
    a.cap.max_send_wr = VERBS_WR;
    a.cap.max_recv_wr = VERBS_WR;
    a.cap.max_send_sge = XPORT_MAX_SGE;
    a.cap.max_recv_sge = 1;
    if (rdma_create_qp(v->id, v->pd, &a))
        return encmig_fail(err, errlen, -errno, "rdma_create_qp: %s",
                           strerror(errno));
    v->qp = true;
    return 0;
}

static int resolve(const char *host, uint16_t port, struct addrinfo **ai,
                   char *err, size_t errlen)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC,
                              .ai_socktype = SOCK_STREAM };
    char service[8];
    int rc;

    snprintf(service, sizeof(service), "%u", port);
    rc = getaddrinfo(host, service, &hints, ai);
    if (rc)
        return encmig_fail(err, errlen, -EHOSTUNREACH, "%s: %s", host,
                           gai_strerror(rc));
    return 0;
}

/*
 * A connection manager id on a channel of its own, and host:port
 * resolved; on failure *v is still set (NULL or to be closed).
 */
static int new_id(const char *host, uint16_t port, struct xport_verbs **v,
                  struct addrinfo **ai, char *err, size_t errlen)
{
    *v = verbs_new();
    if (!*v)
        return encmig_fail(err, errlen, errno ? -errno : -ENOMEM,
                           "no RDMA event channel (is rdma_ucm loaded?)");
    if (rdma_create_id((*v)->ec, &(*v)->id, NULL, RDMA_PS_TCP))
        return encmig_fail(err, errlen, -errno, "rdma_create_id: %s",
                           strerror(errno));
    return resolve(host, port, ai, err, errlen);
}

int xport_verbs_connect(const char *host, uint16_t port, int timeout_ms,
                        struct xport_verbs **conn, char *err, size_t errlen)
{
    struct rdma_conn_param param;
    struct addrinfo *ai = NULL;
    struct xport_verbs *v;
    int rc;

    if ((rc = new_id(host, port, &v, &ai, err, errlen)))
        goto out;
    if (rdma_resolve_addr(v->id, NULL, ai->ai_addr, timeout_ms)) {
        rc = encmig_fail(err, errlen, -errno, "resolving %s on an RDMA "
                         "device: %s", host, strerror(errno));
        goto out;
    }
    if ((rc = expect_event(v, RDMA_CM_EVENT_ADDR_RESOLVED, timeout_ms,
                           "resolving the address", err, errlen)))
        goto out;
    if (rdma_resolve_route(v->id, timeout_ms)) {
        rc = encmig_fail(err, errlen, -errno, "rdma_resolve_route: %s",
                         strerror(errno));
        goto out;
    }
    if ((rc = expect_event(v, RDMA_CM_EVENT_ROUTE_RESOLVED, timeout_ms,
                           "resolving the route", err, errlen)) ||
        (rc = setup_qp(v, err, errlen)))
        goto out;
    memset(&param, 0, sizeof(param));
    param.retry_count = VERBS_RETRY;
    param.rnr_retry_count = VERBS_RNR_RETRY;
    if (rdma_connect(v->id, &param)) {
        rc = encmig_fail(err, errlen, -errno, "rdma_connect: %s",
                         strerror(errno));
        goto out;
    }
    if ((rc = expect_event(v, RDMA_CM_EVENT_ESTABLISHED, timeout_ms,
                           "connecting", err, errlen)))
        goto out;
    v->connected = true;

 out:
    if (ai)
        freeaddrinfo(ai);
    if (rc) {
        xport_verbs_close(v);
        return rc;
    }
    *conn = v;
    return 0;
}

int xport_verbs_listen(const char *addr, uint16_t port,
                       struct xport_verbs **l, char *err, size_t errlen)
{
    struct addrinfo *ai = NULL;
    struct xport_verbs *v;
    int rc;

    if ((rc = new_id(addr, port, &v, &ai, err, errlen)))
        goto out;
    if (rdma_bind_addr(v->id, ai->ai_addr) || rdma_listen(v->id, 1))
        rc = encmig_fail(err, errlen, -errno, "listening for RDMA on %s "
                         "port %u: %s", addr, port, strerror(errno));

 out:
    if (ai)
        freeaddrinfo(ai);
    if (rc) {
        xport_verbs_close(v);
        return rc;
    }
    *l = v;
    return 0;
}

static bool same_host(const struct sockaddr *a, const struct sockaddr *b)
{
    if (a->sa_family != b->sa_family)
        return false;
    if (a->sa_family == AF_INET)
        return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
               ((const struct sockaddr_in *)b)->sin_addr.s_addr;
    if (a->sa_family == AF_INET6)
        return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
                       &((const struct sockaddr_in6 *)b)->sin6_addr,
                       sizeof(struct in6_addr));
    return false;
}

int xport_verbs_accept(struct xport_verbs *l, const struct sockaddr *peer,
                       int timeout_ms, struct xport_verbs **conn, char *err,
                       size_t errlen)
{
    struct rdma_conn_param param;
    struct rdma_cm_event *ev;
    struct xport_verbs *v;
    int rc;

    for (;;) {
        struct rdma_cm_id *id;
        enum rdma_cm_event_type got;

        rc = next_event(l, timeout_ms, &ev);
        if (rc)
            return encmig_fail(err, errlen, rc, "waiting for the source's "
                               "RDMA connection: %s", strerror(-rc));
        got = ev->event;
        id = ev->id;
        rdma_ack_cm_event(ev);
        if (got != RDMA_CM_EVENT_CONNECT_REQUEST)
            continue;
        /* Only the host on the other end of the control connection. */
        if (peer && !same_host(rdma_get_peer_addr(id), peer)) {
            rdma_reject(id, NULL, 0);
            rdma_destroy_id(id);
            continue;
        }
        v = verbs_new();
        if (!v) {
            rdma_reject(id, NULL, 0);
            rdma_destroy_id(id);
            return encmig_fail(err, errlen, -ENOMEM, "out of memory");
        }
        v->id = id;
        break;
    }

    /* Its events (a disconnect) on a channel of its own. */
    if (rdma_migrate_id(v->id, v->ec)) {
        rc = encmig_fail(err, errlen, -errno, "rdma_migrate_id: %s",
                         strerror(errno));
        goto fail;
    }
    if ((rc = setup_qp(v, err, errlen)))
        goto fail;
    memset(&param, 0, sizeof(param));
    param.rnr_retry_count = VERBS_RNR_RETRY;
    if (rdma_accept(v->id, &param)) {
        rc = encmig_fail(err, errlen, -errno, "rdma_accept: %s",
                         strerror(errno));
        goto fail;
    }
    if ((rc = expect_event(v, RDMA_CM_EVENT_ESTABLISHED, timeout_ms,
                           "accepting the source's RDMA connection", err,
                           errlen)))
        goto fail;
    v->connected = true;
    *conn = v;
    return 0;

 fail:
    xport_verbs_close(v);
    return rc;
}

static int verbs_reg(void *dev, void *p, size_t len, void **mr)
{
    struct xport_verbs *v = dev;
    struct ibv_mr *m = ibv_reg_mr(v->pd, p, len, IBV_ACCESS_LOCAL_WRITE);

    if (!m)
        return errno ? -errno : -ENOMEM;
    *mr = m;
    return 0;
}

static void verbs_dereg(void *dev, void *mr)
{
    ibv_dereg_mr(mr);
}

static int verbs_post_send(void *dev, const struct xport_sge *sge,
                           unsigned int n, uint64_t id)
{
    struct xport_verbs *v = dev;
    struct ibv_sge s[XPORT_MAX_SGE];
    struct ibv_send_wr wr, *bad;
    unsigned int i;
    int rc;

    if (n > XPORT_MAX_SGE)
        return -E2BIG;
    for (i = 0; i < n; i++) {
        s[i].addr = (uintptr_t)sge[i].addr;
        s[i].length = sge[i].len;
        s[i].lkey = ((struct ibv_mr *)sge[i].mr)->lkey;
    }
    memset(&wr, 0, sizeof(wr));
    wr.wr_id = id;
    wr.sg_list = s;
    wr.num_sge = n;
    wr.opcode = IBV_WR_SEND;
    wr.send_flags = IBV_SEND_SIGNALED;
    rc = ibv_post_send(v->id->qp, &wr, &bad);
    return rc ? -rc : 0;
}

static int verbs_post_recv(void *dev, const struct xport_sge *sge,
                           uint64_t id)
{
    struct xport_verbs *v = dev;
    struct ibv_sge s = {
        .addr = (uintptr_t)sge->addr, .length = sge->len,
        .lkey = ((struct ibv_mr *)sge->mr)->lkey,
    };
    struct ibv_recv_wr wr = { .wr_id = id, .sg_list = &s, .num_sge = 1 };
    struct ibv_recv_wr *bad;
    int rc = ibv_post_recv(v->id->qp, &wr, &bad);

    return rc ? -rc : 0;
}

/* A disconnect or the device going: the peer is gone. */
static void drain_cm_events(struct xport_verbs *v)
{
    struct rdma_cm_event *ev;

    while (!rdma_get_cm_event(v->ec, &ev)) {
        if (ev->event == RDMA_CM_EVENT_DISCONNECTED ||
            ev->event == RDMA_CM_EVENT_DEVICE_REMOVAL ||
            ev->event == RDMA_CM_EVENT_TIMEWAIT_EXIT)
            v->gone = true;
        rdma_ack_cm_event(ev);
    }
}

static int verbs_wait(void *dev, struct xport_wc *wc, int timeout_ms)
{
    struct xport_verbs *v = dev;
    struct ibv_wc w;
    bool armed = false;

    for (;;) {
        struct pollfd p[2] = {
            { .fd = v->cc->fd, .events = POLLIN },
            { .fd = v->ec->fd, .events = POLLIN },
        };
        int n = ibv_poll_cq(v->cq, 1, &w);

        if (n < 0)
            return -EIO;
        if (n == 1) {
            if (w.status == IBV_WC_WR_FLUSH_ERR)
                return -EPIPE;          /* the queue pair went down */
            if (w.status != IBV_WC_SUCCESS)
                return w.status == IBV_WC_RETRY_EXC_ERR ? -ECONNRESET
                                                         : -EIO;
            wc->recv = !!(w.opcode & IBV_WC_RECV);
            wc->id = w.wr_id;
            wc->len = w.byte_len;
            return 0;
        }
        drain_cm_events(v);
        if (v->gone)
            return -EPIPE;
        /* Arm, then look once more: a completion may have come between. */
        if (!armed) {
            if (ibv_req_notify_cq(v->cq, 0))
                return -EIO;
            armed = true;
            continue;
        }
        n = poll(p, 2, timeout_ms);
        if (n < 0 && errno != EINTR)
            return -errno;
        if (n == 0)
            return -ETIMEDOUT;
        if (p[0].revents & POLLIN) {
            struct ibv_cq *cq;
            void *ctx;

            if (!ibv_get_cq_event(v->cc, &cq, &ctx))
                ibv_ack_cq_events(cq, 1);
            armed = false;
        }
    }
}

const struct xport_dev_ops xport_verbs_ops = {
    .reg = verbs_reg,
    .dereg = verbs_dereg,
    .post_send = verbs_post_send,
    .post_recv = verbs_post_recv,
    .wait = verbs_wait,
};
