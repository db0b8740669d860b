/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * cli.c: pieces shared by the encmig commands.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli.h"
#include "../util.h"
#include "../../../sim/sim.h"

int cli_parse_hostport(const char *s, char *host, size_t hostlen,
                       uint16_t *port, uint16_t def)
{
    const char *colon, *h = s;
    size_t hl;
    char *end;
    unsigned long p = def;

    if (*s == '[') {
        const char *rb = strchr(s, ']');

        if (!rb)
            return -EINVAL;
        h = s + 1;
        hl = rb - h;
        colon = rb[1] == ':' ? rb + 1 : NULL;
        if (rb[1] && !colon)
            return -EINVAL;
    } else {
        colon = strrchr(s, ':');
        if (colon && strchr(s, ':') != colon)
            colon = NULL;                 /* a bare IPv6 address */
        hl = colon ? (size_t)(colon - s) : strlen(s);
    }
    if (hl == 0 || hl >= hostlen)
        return -EINVAL;
    memcpy(host, h, hl);
    host[hl] = '\0';
    if (colon) {
        errno = 0;
        p = strtoul(colon + 1, &end, 10);
        if (errno || *end || colon[1] == '\0' || p > 65535)
            return -EINVAL;
    }
    *port = p;
    return 0;
}

static int resolve(const char *host, uint16_t port, bool passive,
                   struct addrinfo **res)
{
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC,
        .ai_socktype = SOCK_STREAM,
        .ai_flags = passive ? AI_PASSIVE : 0,
    };
    char ps[8];
    int rc;

    snprintf(ps, sizeof(ps), "%u", port);
    rc = getaddrinfo(host, ps, &hints, res);
    return rc ? -EHOSTUNREACH : 0;
}

int cli_listen(const char *host, uint16_t port, uint16_t *bound)
{
    struct addrinfo *res, *ai;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    int fd = -1, one = 1, rc;

    if ((rc = resolve(host, port, true, &res)))
        return rc;
    rc = -EADDRNOTAVAIL;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
             listen(fd, 4) == 0)
            break;
        rc = -errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        return rc;
    if (bound && getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
        *bound = ntohs(ss.ss_family == AF_INET6 ?
                       ((struct sockaddr_in6 *)&ss)->sin6_port :
                       ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

int cli_connect(const char *host, uint16_t port)
{
    struct addrinfo *res, *ai;
    int fd = -1, one = 1, rc;

    if ((rc = resolve(host, port, false, &res)))
        return rc;
    rc = -ECONNREFUSED;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        rc = -errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd >= 0)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd >= 0 ? fd : rc;
}

int cli_spawn(const char *cmd, int *rfd, int *wfd, pid_t *pid)
{
    int to[2], from[2];

    if (pipe2(to, O_CLOEXEC))
        return -errno;
    if (pipe2(from, O_CLOEXEC)) {
        close(to[0]);
        close(to[1]);
        return -errno;
    }
    *pid = fork();
    if (*pid < 0) {
        int rc = -errno;

        close(to[0]);
        close(to[1]);
        close(from[0]);
        close(from[1]);
        return rc;
    }
    if (*pid == 0) {
        if (dup2(to[0], 0) < 0 || dup2(from[1], 1) < 0)
            _exit(127);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    *wfd = to[1];
    *rfd = from[0];
    return 0;
}

void cli_set_timeout(int fd, unsigned int seconds)
{
    struct timeval tv = { .tv_sec = seconds };

    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

int cli_make_guest(struct sim_host *h, uint64_t bytes, uint64_t seed,
                   domid_t *domid)
{
    uint64_t nr = bytes / SIM_PAGE_SIZE, gfn, s, v;
    uint8_t *page = malloc(SIM_PAGE_SIZE);
    unsigned int i;
    int rc;

    if (!page)
        return -ENOMEM;
    if (nr == 0) {
        free(page);
        return -EINVAL;
    }
    rc = sim_domain_create(h, nr, domid);
    for (gfn = 0; gfn < nr && !rc; gfn++) {
        /* A marker a leak would show, then data no compressor helps with. */
        s = seed ^ (gfn * 0x9e3779b97f4a7c15ULL);
        for (i = 0; i < SIM_PAGE_SIZE; i += 8) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            v = s;
            memcpy(page + i, &v, 8);
        }
        memcpy(page + 64, CLI_MARKER, sizeof(CLI_MARKER) - 1);
        rc = sim_guest_write(h, *domid, gfn, page);
    }
    explicit_bzero(page, SIM_PAGE_SIZE);
    free(page);
    if (rc && nr)
        sim_domain_destroy(h, *domid);
    return rc;
}

void cli_marker_tap(void *opaque, const void *p, size_t len)
{
    static const char marker[] = CLI_MARKER;
    const size_t ml = sizeof(marker) - 1;
    struct cli_marker_tap *t = opaque;
    uint8_t joint[2 * sizeof(t->carry)];
    size_t head = len < ml - 1 ? len : ml - 1;
    const uint8_t *q = p, *hit;

    /* A marker split across two writes: carry || head of this one. */
    memcpy(joint, t->carry, t->carry_len);
    memcpy(joint + t->carry_len, q, head);
    if (memmem(joint, t->carry_len + head, marker, ml))
        t->found++;

    for (hit = q; len && (hit = memmem(hit, len - (hit - q), marker, ml));
          hit++)
        t->found++;

    if (len >= ml - 1) {
        memcpy(t->carry, q + len - (ml - 1), ml - 1);
        t->carry_len = ml - 1;
    } else {
        size_t keep = t->carry_len + len > ml - 1 ? ml - 1 - len
                                                  : t->carry_len;

        memmove(t->carry, t->carry + t->carry_len - keep, keep);
        memcpy(t->carry + keep, q, len);
        t->carry_len = keep + len;
    }
}

void cli_progress(void *opaque, const struct encmig_progress *p)
{
    struct cli_progress *cp = opaque;
    double dt = p->elapsed - cp->last, now_rate;
    char eta[16] = "   --";

    if (!cp->tty || dt < 0.2)
        return;
    /* The recent rate, smoothed: the whole-run average lags behind. */
    now_rate = (p->wire_bytes - cp->last_bytes) / dt;
    cp->rate = cp->rate > 0 ? 0.6 * cp->rate + 0.4 * now_rate : now_rate;
    cp->last = p->elapsed;
    cp->last_bytes = p->wire_bytes;
    if (cp->rate > 0)
        snprintf(eta, sizeof(eta), "%5.1fs",
                 (p->round_pages - p->round_sent) * 4144.0 / cp->rate);
    fprintf(stderr, "\r  round %2u%s  pages %8llu/%-8llu  sent %8llu  "
            "%8.1f MB/s  ETA %s ", p->round, p->final ? " (paused)" : "",
            (unsigned long long)p->round_sent,
            (unsigned long long)p->round_pages,
            (unsigned long long)p->pages_sent, cp->rate / 1e6, eta);
}

void cli_progress_done(struct cli_progress *cp)
{
    if (cp->tty && cp->last > 0)
        fputc('\n', stderr);
}

void cli_hex(const uint8_t *p, size_t len, char *out)
{
    size_t i;

    for (i = 0; i < len; i++)
        sprintf(out + 2 * i, "%02x", p[i]);
}
