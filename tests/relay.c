/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * relay.c: a man in the middle for the tests.
 */

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include "relay.h"

void plan_pass(struct relay_plan *p)
{
    p->n = 0;
    p->hold = false;
}

void plan_range(struct relay_plan *p, uint64_t from, uint64_t to)
{
    if ( p->n < RELAY_MAX_PIECES && from < to )
        p->piece[p->n++] = (struct relay_piece){ .from = from, .to = to };
}

void plan_flip(struct relay_plan *p, uint64_t off, uint8_t mask)
{
    plan_pass(p);
    plan_range(p, 0, off);
    plan_range(p, off, off + 1);
    p->piece[p->n - 1].xor = mask;
    plan_range(p, off + 1, RELAY_END);
}

void plan_literal(struct relay_plan *p, const uint8_t *lit, size_t len)
{
    if ( p->n < RELAY_MAX_PIECES && len )
        p->piece[p->n++] = (struct relay_piece){ .lit = lit, .lit_len = len };
}

static int take_input(struct relay_dir *d)
{
    ssize_t n;

    if ( d->alloc - d->len < 65536 )
    {
        size_t alloc = d->alloc ? d->alloc * 2 : 1 << 20;
        uint8_t *h = realloc(d->hist, alloc);

        if ( !h )
            return -ENOMEM;
        d->hist = h;
        d->alloc = alloc;
    }
    n = read(d->in, d->hist + d->len, d->alloc - d->len);
    if ( n <= 0 )
        d->eof = true;
    else
        d->len += n;
    return 0;
}

static int put(int fd, const uint8_t *p, size_t len, uint8_t xor)
{
    uint8_t tmp[4096];

    while ( len )
    {
        size_t chunk = xor ? (len < sizeof(tmp) ? len : sizeof(tmp)) : len;
        const uint8_t *src = p;
        ssize_t n;
        size_t i;

        if ( xor )
        {
            for ( i = 0; i < chunk; i++ )
                tmp[i] = p[i] ^ xor;
            src = tmp;
        }
        n = write(fd, src, chunk);

        if ( n <= 0 )
            return -EPIPE;
        p += n;
        len -= n;
    }
    return 0;
}

/* Write what the plan allows with the input so far; 1 when finished. */
static int emit(struct relay_dir *d)
{
    static const struct relay_plan pass = {
        .n = 1, .piece = { { .from = 0, .to = RELAY_END } },
    };
    const struct relay_plan *plan = d->plan && d->plan->n ? d->plan : &pass;

    while ( d->cur < plan->n )
    {
        const struct relay_piece *pc = &plan->piece[d->cur];

        if ( pc->lit )
        {
            if ( put(d->out, pc->lit, pc->lit_len, 0) )
                return 1;
        }
        else
        {
            uint64_t start = pc->from + d->pos;
            uint64_t end = pc->to < d->len ? pc->to : d->len;

            if ( start < end &&
                 put(d->out, d->hist + start, end - start, pc->xor) )
                return 1;
            if ( end > start )
                d->pos += end - start;
            if ( pc->from + d->pos < pc->to )
                return d->eof ? 1 : 0;   /* wait for more input */
        }
        d->cur++;
        d->pos = 0;
    }
    return 1;
}

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

void relay_set_fault(struct relay *r, int fault, unsigned int after_ms,
                     unsigned int stall_ms, unsigned int delay_us)
{
    r->fault = fault;
    r->fault_ms = after_ms;
    r->stall_ms = stall_ms;
    r->delay_us = delay_us;
}

static void *relay_main(void *arg)
{
    struct relay *r = arg;
    uint64_t deadline = r->fault ? now_ms() + r->fault_ms : 0;

    /* Until both ends have closed, or a plan that ends cuts the link. */
    for ( ;; )
    {
        struct pollfd pfd[2];
        unsigned int i, n = 0, idx[2];
        int wait = 30000, rc;

        if ( deadline )
        {
            uint64_t t = now_ms();

            if ( t >= deadline )
            {
                /* A stalled link passes nothing until the ends give up. */
                if ( r->fault == RELAY_FAULT_STALL )
                    usleep(r->stall_ms * 1000);
                goto out;
            }
            wait = deadline - t;
        }

        for ( i = 0; i < 2; i++ )
            if ( !r->dir[i].eof &&
                 (!r->dir[i].done ||
                  (r->dir[i].plan && r->dir[i].plan->hold)) )
            {
                pfd[n].fd = r->dir[i].in;
                pfd[n].events = POLLIN;
                idx[n++] = i;
            }
        if ( n == 0 )
            break;
        rc = poll(pfd, n, wait);
        if ( rc < 0 )
            break;
        if ( rc == 0 )
            continue;
        for ( i = 0; i < n; i++ )
        {
            struct relay_dir *d = &r->dir[idx[i]];

            if ( !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) )
                continue;
            if ( take_input(d) )
                goto out;
            /* Held: what still comes is kept, and passed no further. */
            if ( d->done )
                continue;
            if ( r->delay_us )
                usleep(r->delay_us);
            if ( emit(d) )
            {
                d->done = true;
                if ( d->plan && d->plan->hold )
                    continue;
                /* A plan that ends cuts the link: both ways. */
                shutdown(d->out, SHUT_WR);
                if ( d->eof )
                    continue;
                goto out;
            }
        }
    }

 out:
    shutdown(r->dir[0].in, SHUT_RDWR);
    shutdown(r->dir[1].in, SHUT_RDWR);
    return NULL;
}

int relay_start(struct relay *r, int src_fd, int dst_fd,
                const struct relay_plan *to_dst,
                const struct relay_plan *to_src)
{
    int fault = r->fault;
    unsigned int fault_ms = r->fault_ms, stall_ms = r->stall_ms;
    unsigned int delay_us = r->delay_us;

    memset(r, 0, sizeof(*r));
    relay_set_fault(r, fault, fault_ms, stall_ms, delay_us);
    r->dir[0].in = src_fd;
    r->dir[0].out = dst_fd;
    r->dir[0].plan = to_dst;
    r->dir[1].in = dst_fd;
    r->dir[1].out = src_fd;
    r->dir[1].plan = to_src;
    return -pthread_create(&r->thread, NULL, relay_main, r);
}

void relay_join(struct relay *r)
{
    pthread_join(r->thread, NULL);
    close(r->dir[0].in);
    close(r->dir[1].in);
}

void relay_free(struct relay *r)
{
    free(r->dir[0].hist);
    free(r->dir[1].hist);
    memset(r, 0, sizeof(*r));
}
