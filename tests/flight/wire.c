/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * wire: the emulated wire between the two-host flight's hosts, and an
 * attacker on it.
 *
 *   flight-wire PEER_PORT LISTEN_PORT REPORT [DPORT:OFFSET]
 *
 * Connects to host b's QEMU (-netdev socket,listen=127.0.0.1:PEER_PORT),
 * then takes host a's (-netdev socket,connect=127.0.0.1:LISTEN_PORT) and
 * passes every Ethernet frame between them in QEMU's framing (u32be
 * length, then the frame).  With DPORT:OFFSET, in the first TCP
 * connection from a to b's port DPORT, the payload byte at stream offset
 * OFFSET (from the byte after the SYN) has one bit flipped in every frame
 * that carries it, retransmissions included, and the TCP checksum made
 * right again, as an attacker on the wire would: the receiving kernel
 * takes the segment, and only encmig's authentication can refuse it.
 * REPORT gets "frames N", then "flipped DPORT OFFSET N" (the frames
 * altered) or "flipped none".  Runs until either side closes.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io-util.h"

#define FRAME_MAX  (70 * 1024)

struct flip {
    int armed;
    uint16_t dport;
    uint32_t offset;
    int seen_syn;               /* of the connection attacked */
    uint16_t sport;             /* its source port */
    uint32_t isn;
    unsigned long done;         /* frames altered */
};

/* RFC 1624: the checksum after the 16-bit word old became new. */
static uint16_t csum_update(uint16_t csum, uint16_t old, uint16_t new)
{
    uint32_t s = (uint16_t)~csum + (uint16_t)~old + new;

    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
    return ~s;
}

/* An IPv4 TCP segment from a to b: flip the byte, if this one has it. */
static void attack(struct flip *f, uint8_t *fr, size_t len)
{
    uint8_t *ip = fr + 14, *tcp, *pay;
    size_t ihl, thl, tot, plen, at;
    uint16_t sport, dport, csum, word;
    uint32_t seq, rel;

    if ( len < 14 + 20 || fr[12] != 0x08 || fr[13] != 0x00 )
        return;
    ihl = (ip[0] & 0x0f) * 4;
    tot = (size_t)ip[2] << 8 | ip[3];
    if ( (ip[0] >> 4) != 4 || ip[9] != 6 || ihl < 20 || tot > len - 14 ||
         tot < ihl + 20 )
        return;
    tcp = ip + ihl;
    thl = (tcp[12] >> 4) * 4;
    if ( thl < 20 || ihl + thl > tot )
        return;
    sport = tcp[0] << 8 | tcp[1];
    dport = tcp[2] << 8 | tcp[3];
    seq = (uint32_t)tcp[4] << 24 | tcp[5] << 16 | tcp[6] << 8 | tcp[7];
    if ( dport != f->dport )
        return;
    if ( tcp[13] & 0x02 )                       /* SYN */
    {
        if ( !f->seen_syn )
        {
            f->seen_syn = 1;
            f->sport = sport;
            f->isn = seq;
        }
        return;
    }
    if ( !f->seen_syn || sport != f->sport )
        return;
    pay = tcp + thl;
    plen = tot - ihl - thl;
    rel = seq - (f->isn + 1);
    if ( f->offset < rel || f->offset - rel >= plen )
        return;
    at = f->offset - rel;
    /* The 16-bit word of the segment (from the TCP header) holding it. */
    word = (size_t)(pay + at - tcp) % 2
           ? (uint16_t)(pay[at - 1] << 8 | pay[at])
           : (uint16_t)(pay[at] << 8 | (at + 1 < plen ? pay[at + 1] : 0));
    csum = tcp[16] << 8 | tcp[17];
    pay[at] ^= 0x04;
    csum = csum_update(csum, word, word ^ ((size_t)(pay + at - tcp) % 2
                                           ? 0x0004 : 0x0400));
    tcp[16] = csum >> 8;
    tcp[17] = csum & 0xff;
    f->done++;
}

static int listen_on(uint16_t port)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    int one = 1, s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if ( s < 0 ||
         setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
         bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 1) )
        return -1;
    return s;
}

static int connect_to(uint16_t port)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if ( s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) )
        return -1;
    return s;
}

static void report(const char *path, const struct flip *f,
                   unsigned long frames)
{
    FILE *r = fopen(path, "w");

    if ( !r )
        return;
    fprintf(r, "frames %lu\n", frames);
    if ( f->done )
        fprintf(r, "flipped %u %u %lu\n", f->dport, f->offset, f->done);
    else
        fprintf(r, "flipped none\n");
    fclose(r);
}

int main(int argc, char **argv)
{
    static uint8_t fr[4 + FRAME_MAX];
    struct flip f = { 0 };
    unsigned long frames = 0;
    struct pollfd p[2];
    int l, a, b;

    signal(SIGPIPE, SIG_IGN);
    if ( argc != 4 && argc != 5 )
    {
        fprintf(stderr, "usage: flight-wire PEER_PORT LISTEN_PORT REPORT "
                "[DPORT:OFFSET]\n");
        return 2;
    }
    if ( argc == 5 )
    {
        unsigned int dport, off;

        if ( sscanf(argv[4], "%u:%u", &dport, &off) != 2 || !dport ||
             dport > 65535 )
            return 2;
        f.armed = 1;
        f.dport = dport;
        f.offset = off;
    }
    b = connect_to(atoi(argv[1]));
    l = listen_on(atoi(argv[2]));
    if ( b < 0 || l < 0 )
    {
        perror("flight-wire");
        return 1;
    }
    report(argv[3], &f, 0);
    a = accept(l, NULL, NULL);
    if ( a < 0 )
    {
        perror("flight-wire: accept");
        return 1;
    }
    close(l);

    p[0].fd = a;
    p[1].fd = b;
    p[0].events = p[1].events = POLLIN;
    for ( ;; )
    {
        int i;

        if ( poll(p, 2, -1) < 0 )
        {
            if ( errno == EINTR )
                continue;
            break;
        }
        for ( i = 0; i < 2; i++ )
        {
            uint32_t len;

            if ( !(p[i].revents & (POLLIN | POLLHUP | POLLERR)) )
                continue;
            if ( flight_read_all(p[i].fd, fr, 4) )
                goto out;
            len = (uint32_t)fr[0] << 24 | fr[1] << 16 | fr[2] << 8 | fr[3];
            if ( len > FRAME_MAX || flight_read_all(p[i].fd, fr + 4, len) )
                goto out;
            if ( i == 0 && f.armed )
            {
                unsigned long before = f.done;

                attack(&f, fr + 4, len);
                if ( f.done != before )
                    report(argv[3], &f, frames);
            }
            if ( flight_write_all(p[1 - i].fd, fr, 4 + len) )
                goto out;
            frames++;
            if ( frames % 4096 == 0 )
                report(argv[3], &f, frames);
        }
    }
 out:
    report(argv[3], &f, frames);
    return 0;
}
