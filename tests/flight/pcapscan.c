/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pcapscan: what crossed the two-host flight's emulated wire, from the
 * capture QEMU's filter-dump wrote outside both hosts.
 *
 *   flight-pcapscan PCAP MARKER
 *
 * For each TCP connection (IPv4, Ethernet), its payload in each
 * direction is put back in sequence order (a segment seen again is
 * skipped) and searched for MARKER, across segment boundaries too.
 * Prints one line per direction of each connection that carried data:
 *
 *   tcp SRC:PORT > DST:PORT bytes N markers M
 *
 * Exits 2 when the capture is not a pcap of Ethernet frames.
 */

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SNAP_MAX    (256 * 1024)
#define FLOWS_MAX   256
#define MARK_MAX    64

struct flow {
    uint32_t src, dst;
    uint16_t sport, dport;
    uint32_t next_seq;          /* of the next byte expected */
    int started;
    uint64_t bytes, markers;
    char tail[MARK_MAX];        /* the last bytes, for a marker split */
    size_t tail_len;
};

static struct flow flows[FLOWS_MAX];
static unsigned int nr_flows;
static const char *mark;
static size_t mark_len;

static struct flow *flow_of(uint32_t src, uint32_t dst, uint16_t sport,
                            uint16_t dport)
{
    unsigned int i;

    for ( i = 0; i < nr_flows; i++ )
        if ( flows[i].src == src && flows[i].dst == dst &&
             flows[i].sport == sport && flows[i].dport == dport )
            return &flows[i];
    if ( nr_flows == FLOWS_MAX )
        return NULL;
    flows[nr_flows] = (struct flow){ .src = src, .dst = dst,
                                     .sport = sport, .dport = dport };
    return &flows[nr_flows++];
}

/* Count the markers in tail || data, and keep the new tail. */
static void scan(struct flow *f, const uint8_t *data, size_t len)
{
    static uint8_t buf[MARK_MAX + SNAP_MAX];
    size_t n = f->tail_len + len, i;

    memcpy(buf, f->tail, f->tail_len);
    memcpy(buf + f->tail_len, data, len);
    for ( i = 0; i + mark_len <= n; i++ )
        if ( !memcmp(buf + i, mark, mark_len) )
            f->markers++;
    f->tail_len = n < mark_len - 1 ? n : mark_len - 1;
    memcpy(f->tail, buf + n - f->tail_len, f->tail_len);
    f->bytes += len;
}

static void segment(struct flow *f, uint32_t seq, int syn,
                    const uint8_t *data, size_t len)
{
    uint32_t skip;

    if ( syn )
    {
        f->next_seq = seq + 1;
        f->started = 1;
        return;
    }
    if ( !len )
        return;
    if ( !f->started )
    {
        f->next_seq = seq;
        f->started = 1;
    }
    /* Bytes before next_seq were seen: a retransmission, or part of one. */
    skip = f->next_seq - seq;
    if ( (int32_t)skip > 0 )
    {
        if ( skip >= len )
            return;
        data += skip;
        len -= skip;
        seq += skip;
    }
    scan(f, data, len);
    f->next_seq = seq + len;
}

static uint32_t rd32(const uint8_t *p, int swap)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return swap ? __builtin_bswap32(v) : v;
}

int main(int argc, char **argv)
{
    static uint8_t pkt[SNAP_MAX];
    uint8_t gh[24], rh[16];
    unsigned int i;
    int swap;
    FILE *f;

    if ( argc != 3 || !(f = fopen(argv[1], "rb")) )
    {
        fprintf(stderr, "usage: flight-pcapscan PCAP MARKER\n");
        return 2;
    }
    mark = argv[2];
    mark_len = strlen(mark);
    if ( !mark_len || mark_len > MARK_MAX )
        return 2;
    if ( fread(gh, 1, sizeof(gh), f) != sizeof(gh) )
        return 2;
    if ( rd32(gh, 0) == 0xa1b2c3d4 || rd32(gh, 0) == 0xa1b23c4d )
        swap = 0;
    else if ( rd32(gh, 1) == 0xa1b2c3d4 || rd32(gh, 1) == 0xa1b23c4d )
        swap = 1;
    else
        return 2;
    if ( rd32(gh + 20, swap) != 1 )             /* LINKTYPE_ETHERNET */
        return 2;

    while ( fread(rh, 1, sizeof(rh), f) == sizeof(rh) )
    {
        uint32_t caplen = rd32(rh + 8, swap), src, dst, seq;
        const uint8_t *ip, *tcp;
        size_t ihl, thl, tot;
        struct flow *fl;

        if ( caplen > SNAP_MAX || fread(pkt, 1, caplen, f) != caplen )
            break;
        /* Ethernet II, IPv4, TCP, not fragmented. */
        if ( caplen < 14 + 20 || pkt[12] != 0x08 || pkt[13] != 0x00 )
            continue;
        ip = pkt + 14;
        ihl = (ip[0] & 0x0f) * 4;
        tot = (size_t)ip[2] << 8 | ip[3];
        if ( (ip[0] >> 4) != 4 || ip[9] != 6 || ihl < 20 ||
             tot > caplen - 14 || tot < ihl + 20 ||
             ((ip[6] & 0x3f) | ip[7]) )
            continue;
        tcp = ip + ihl;
        thl = (tcp[12] >> 4) * 4;
        if ( thl < 20 || ihl + thl > tot )
            continue;
        memcpy(&src, ip + 12, 4);
        memcpy(&dst, ip + 16, 4);
        memcpy(&seq, tcp + 4, 4);
        fl = flow_of(src, dst, (uint16_t)(tcp[0] << 8 | tcp[1]),
                     (uint16_t)(tcp[2] << 8 | tcp[3]));
        if ( !fl )
            continue;
        segment(fl, ntohl(seq), tcp[13] & 0x02, tcp + thl,
                tot - ihl - thl);
    }
    fclose(f);

    for ( i = 0; i < nr_flows; i++ )
    {
        char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];

        if ( !flows[i].bytes )
            continue;
        inet_ntop(AF_INET, &flows[i].src, s, sizeof(s));
        inet_ntop(AF_INET, &flows[i].dst, d, sizeof(d));
        printf("tcp %s:%u > %s:%u bytes %llu markers %llu\n", s,
               flows[i].sport, d, flows[i].dport,
               (unsigned long long)flows[i].bytes,
               (unsigned long long)flows[i].markers);
    }
    return 0;
}
