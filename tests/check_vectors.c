/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_vectors.c: the recorded sessions in docs/vectors/ (one stream,
 * and two) decoded and verified with the project's codec, as an outside implementation would
 * check itself against the same bytes: the handshake worked through from
 * the source's ephemeral key, every derived key, the configuration MAC,
 * every control MAC both ways, every page record opened with the page
 * key and the nonce and AAD of docs/stream.md, the guest's state record
 * opened with the state key and the nonce and AAD of docs/abi.md, the
 * transcript and ENCMIG_END, and the guest that results.  And xl's
 * level messages after session-1's handshake (xl-level/): their MACs
 * with OpenSSL alone, and the product's xl-level.c against the bytes.
 */

#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cryptotest.h"
#include "vectors/vectors.h"
#include "../sim/sim.h"
#include "../tools/libxl-encmig/protocol/core.h"
#include "../tools/libxl-encmig/protocol/msg.h"
#include "../tools/libxl-encmig/protocol/records.h"
#include "../tools/libxl-encmig/protocol/request.h"
#include "../tools/libxl-encmig/protocol/stream.h"
#include "../tools/libxl-encmig/io.h"
#include "../tools/libxl-encmig/xl/xl-level.h"

#ifndef VECTORS_ROOT
#error "VECTORS_ROOT names docs/vectors"
#endif

#define MAX_WIRE   (4U << 20)

static const char *vectors_dir;            /* the session's */
static uint8_t *to_dst, *to_src;
static size_t n0, n1;

/* A file of hex lines. */
static uint8_t *load_hex(const char *name, size_t *len)
{
    char path[512], *text;
    uint8_t *out;
    size_t n = 0;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", vectors_dir, name);
    f = fopen(path, "r");
    ck_assert_msg(f, "%s: %s", path, strerror(errno));
    text = calloc(1, 2 * MAX_WIRE + 1);
    out = malloc(MAX_WIRE);
    ck_assert(text && out);
    for (;;) {
        int c = fgetc(f);

        if (c == EOF)
            break;
        if (c != '\n')
            text[n++] = c;
        ck_assert(n < 2 * MAX_WIRE);
    }
    fclose(f);
    *len = unhex(text, out, MAX_WIRE);
    ck_assert_uint_eq(*len * 2, n);
    free(text);
    return out;
}

/* The value of the "name value" line of inputs.txt, into line. */
static const char *input_line(const char *name, char *line, size_t size)
{
    char path[512], want[64];
    FILE *f;

    snprintf(path, sizeof(path), "%s/inputs.txt", vectors_dir);
    f = fopen(path, "r");
    ck_assert_msg(f, "%s", path);
    snprintf(want, sizeof(want), "%s ", name);
    while (fgets(line, size, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, want, strlen(want)))
            continue;
        fclose(f);
        return line + strlen(want);
    }
    fclose(f);
    ck_abort_msg("inputs.txt has no %s", name);
    return NULL;
}

/* One "name hex" line of inputs.txt into out[len]. */
static void input(const char *name, uint8_t *out, size_t len)
{
    char line[512];

    ck_assert_uint_eq(unhex(input_line(name, line, sizeof(line)), out, len),
                      len);
}

/* One "name decimal" line. */
static unsigned long input_uint(const char *name)
{
    char line[512], *end;
    const char *v = input_line(name, line, sizeof(line));
    unsigned long n = strtoul(v, &end, 10);

    ck_assert_msg(*v && !*end, "inputs.txt: %s is not a number", name);
    return n;
}

static void expect(const char *name, const uint8_t *got, size_t len)
{
    uint8_t want[64];

    input(name, want, len);
    ck_assert_msg(!memcmp(want, got, len), "%s differs", name);
}

static int memfd_of(const uint8_t *p, size_t len)
{
    int fd = memfd_create("vectors", MFD_CLOEXEC);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, p, len), (ssize_t)len);
    ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

static void setup(void)
{
    to_dst = load_hex("to-destination.hex", &n0);
    to_src = load_hex("to-source.hex", &n1);
}

static void setup_1(void)
{
    vectors_dir = VECTORS_ROOT "/session-1";
    setup();
}

static void setup_2(void)
{
    vectors_dir = VECTORS_ROOT "/session-2";
    setup();
}

static void teardown(void)
{
    free(to_dst);
    free(to_src);
}

/* The handshake, from the bytes and the source's ephemeral key. */
static void handshake(struct vectors_hs *hs)
{
    uint8_t spriv[32];
    char err[256];

    input("source_ephemeral_private", spriv, 32);
    ck_assert_msg(vectors_handshake(to_dst, n0, to_src, n1, spriv, hs, err,
                                    sizeof(err)) == 0, "%s", err);
}

START_TEST(test_handshake)
{
    struct vectors_hs hs;

    handshake(&hs);
    expect("source_host_public", hs.hello.host_pub, 32);
    expect("destination_host_public", hs.reply.host_pub, 32);
    expect("th", hs.th, 32);
    expect("shared", hs.shared, 32);
    expect("kek", hs.kek, 32);
    expect("key", hs.km.key, 32);
    expect("session_id", hs.km.session_id, 16);
    expect("nonce_base", hs.km.nonce_base, 12);
    expect("fth", hs.fth, 32);
    ck_assert_uint_eq(hs.km.pad, 0);
}
END_TEST

START_TEST(test_keys)
{
    struct vectors_hs hs;
    struct encmig_core c;

    handshake(&hs);
    ck_assert_int_eq(encmig_core_init(&c, ENCMIG_SIDE_DEST, &hs.km, hs.fth),
                     0);
    expect("key_pages", c.k.pages.key, 32);
    ck_assert(!memcmp(c.k.pages.session_id, hs.km.session_id, 16));
    ck_assert(!memcmp(c.k.pages.nonce_base, hs.km.nonce_base, 12));
    expect("key_end", c.k.end, 32);
    expect("key_state", c.k.state, 32);
    expect("key_config", c.k.config, 32);
    expect("key_control_source", c.k.control[ENCMIG_SIDE_SOURCE], 32);
    expect("key_control_destination", c.k.control[ENCMIG_SIDE_DEST], 32);
    expect("key_libxl", c.k.libxl, 32);
    encmig_core_fini(&c);
}
END_TEST

/* Open one page record as docs/stream.md says, with OpenSSL alone. */
static void open_page(const struct xen_encmig_keymat *pk, const uint8_t *rec,
                      uint32_t want_stream, uint64_t want_seq, uint8_t *guest,
                      uint64_t pages)
{
    uint8_t iv[12], aad[16 + XEN_ENCMIG_REC_HDR_SIZE], page[4096];
    struct xen_encmig_rec_hdr h;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    unsigned int i;
    int l;

    memcpy(&h, rec, sizeof(h));              /* little-endian, as x86 */
    ck_assert_uint_eq(h.seq, want_seq);
    ck_assert_uint_eq(h.stream, want_stream);
    ck_assert_uint_eq(h.flags, 0);
    ck_assert_uint_eq(h.pad, 0);
    ck_assert_uint_lt(h.gfn, pages);
    /* nonce_base XOR (be32 stream || be64 seq) */
    memcpy(iv, pk->nonce_base, 12);
    for (i = 0; i < 4; i++)
        iv[i] ^= (uint8_t)(h.stream >> (24 - 8 * i));
    for (i = 0; i < 8; i++)
        iv[4 + i] ^= (uint8_t)(h.seq >> (56 - 8 * i));
    memcpy(aad, pk->session_id, 16);
    memcpy(aad + 16, rec, XEN_ENCMIG_REC_HDR_SIZE);
    ck_assert(ctx);
    ck_assert(EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, pk->key, iv));
    ck_assert(EVP_DecryptUpdate(ctx, NULL, &l, aad, sizeof(aad)));
    ck_assert(EVP_DecryptUpdate(ctx, page, &l, rec + XEN_ENCMIG_REC_HDR_SIZE,
                                sizeof(page)));
    ck_assert(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16,
                                  (void *)(rec + XEN_ENCMIG_REC_HDR_SIZE +
                                           sizeof(page))));
    ck_assert_msg(EVP_DecryptFinal_ex(ctx, page + l, &l) == 1,
                  "page record %llu does not open",
                  (unsigned long long)want_seq);
    EVP_CIPHER_CTX_free(ctx);
    memcpy(guest + h.gfn * sizeof(page), page, sizeof(page));
}

/*
 * Open the sealed state record as docs/abi.md says ("State records"),
 * with OpenSSL alone: the state key, nonce_base XOR (be32 0xffffffff ||
 * be64 seq), AAD session_id || header.  Its plaintext into out.
 */
static void open_state(const uint8_t key[32],
                       const struct xen_encmig_keymat *pk,
                       const uint8_t *rec, uint32_t len, uint8_t *out,
                       uint32_t out_len)
{
    uint8_t iv[12], aad[16 + XEN_ENCMIG_STATE_HDR_SIZE];
    struct xen_encmig_state_hdr h;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    const uint8_t *text = rec + XEN_ENCMIG_STATE_HDR_SIZE;
    unsigned int i;
    int l;

    ck_assert_uint_ge(len, XEN_ENCMIG_STATE_OVERHEAD);
    memcpy(&h, rec, sizeof(h));              /* little-endian, as x86 */
    ck_assert_uint_eq(h.kind, XEN_ENCMIG_STATE_hvm_context);
    ck_assert_uint_eq(h.instance, 0);
    ck_assert_uint_eq(h.seq, 0);             /* the session's first */
    ck_assert_uint_eq(h.length, len - XEN_ENCMIG_STATE_OVERHEAD);
    ck_assert_uint_eq(h.length, out_len);
    ck_assert_uint_eq(h.nr_vcpus, 1);
    ck_assert_uint_eq(h.flags, 0);
    ck_assert_uint_eq(h.pad, 0);
    memcpy(iv, pk->nonce_base, 12);
    for (i = 0; i < 4; i++)
        iv[i] ^= 0xff;
    for (i = 0; i < 8; i++)
        iv[4 + i] ^= (uint8_t)(h.seq >> (56 - 8 * i));
    memcpy(aad, pk->session_id, 16);
    memcpy(aad + 16, rec, XEN_ENCMIG_STATE_HDR_SIZE);
    ck_assert(ctx);
    ck_assert(EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, iv));
    ck_assert(EVP_DecryptUpdate(ctx, NULL, &l, aad, sizeof(aad)));
    ck_assert(EVP_DecryptUpdate(ctx, out, &l, text, h.length));
    ck_assert(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16,
                                  (void *)(text + h.length)));
    ck_assert_msg(EVP_DecryptFinal_ex(ctx, out + l, &l) == 1,
                  "the state record does not open under the state key");
    EVP_CIPHER_CTX_free(ctx);
}

/* Check the next control message from the peer of c: its type. */
static void ctl(int fd, struct encmig_core *c, uint32_t want, struct wbuf *b)
{
    uint32_t type = 0;

    ck_assert_int_eq(encmig_msg_recv_ctl(fd, c, &type, b, MSG_BODY_MAX), 0);
    ck_assert_uint_eq(type, want);
}

START_TEST(test_session)
{
    struct vectors_hs hs;
    struct encmig_core dst, src;
    struct stream_reader r;
    struct wbuf b, req;
    struct iovec iov[2];
    uint8_t *guest, hdr[8], hash[32];
    uint8_t body[XEN_ENCMIG_STATE_OVERHEAD + SIM_VCPU_STATE_SIZE];
    uint8_t state[SIM_VCPU_STATE_SIZE], *recs = NULL;
    uint64_t pages = 0, seq[XEN_ENCMIG_MAX_STREAMS] = { 0 }, records = 0;
    uint64_t batches = 0, sealed = 0;
    bool have_state = false;
    uint32_t type, len, dom, count, stream, streams, i;
    const void *parts[1];
    size_t lens[1];
    char err[256];
    int fd;

    handshake(&hs);
    /* dst checks what the source sent; src what the destination sent. */
    ck_assert_int_eq(encmig_core_init(&dst, ENCMIG_SIDE_DEST, &hs.km, hs.fth),
                     0);
    ck_assert_int_eq(encmig_core_init(&src, ENCMIG_SIDE_SOURCE, &hs.km,
                                      hs.fth), 0);

    /* To the destination: request, HELLO, SOURCE_AUTH, CONFIG. */
    fd = memfd_of(to_dst, n0);
    wbuf_init(&req, MSG_BODY_MAX);
    wbuf_init(&b, MSG_BODY_MAX + ENCMIG_MAC_SIZE);
    ck_assert_int_eq(encmig_msg_recv(fd, &type, &req, MSG_BODY_MAX), 0);
    ck_assert_uint_eq(type, MSG_MIGRATE_REQ);
    ck_assert_uint_eq(wbuf_avail(&req), MIGRATE_REQ_SIZE);
    {
        struct migrate_req mr;
        struct wbuf copy;

        wbuf_from(&copy, wbuf_ptr(&req), wbuf_avail(&req));
        ck_assert_int_eq(migrate_req_get(&copy, 1 << 20, &mr, err,
                                         sizeof(err)), 0);
        ck_assert_uint_eq(mr.mode, 1);
        pages = mr.nr_frames;
        streams = mr.nr_streams;
    }
    ck_assert_uint_eq(pages, input_uint("guest_pages"));
    ck_assert_uint_eq(streams, input_uint("streams"));
    ck_assert_int_eq(encmig_msg_recv(fd, &type, &b, MSG_BODY_MAX), 0);
    ck_assert_uint_eq(type, ENCMIG_HS_MSG_HELLO);
    ck_assert_int_eq(encmig_msg_recv(fd, &type, &b, MSG_BODY_MAX), 0);
    ck_assert_uint_eq(type, ENCMIG_HS_MSG_SOURCE_AUTH);
    ctl(fd, &dst, MSG_CONFIG, &b);
    parts[0] = wbuf_ptr(&req);
    lens[0] = wbuf_avail(&req);
    ck_assert_int_eq(encmig_core_config_check(&dst, parts, lens, 1,
                                              wbuf_ptr(&b)), 0);

    /* The stream, into the transcript as it is read. */
    guest = calloc(pages, 4096);
    recs = malloc((size_t)ENCMIG_MAX_BATCH * XEN_ENCMIG_REC_SIZE);
    ck_assert(guest && recs);
    stream_reader_init(&r, fd);
    r.core = &dst;
    ck_assert_int_eq(stream_read_headers(&r, &dom), 0);
    ck_assert_uint_eq(dom, DHDR_TYPE_ENCMIG_SIM);
    for (;;) {
        ck_assert_int_eq(stream_read_record_header(&r, &type, &len, err,
                                                   sizeof(err)), 0);
        if (type == REC_TYPE_END)
            break;
        if (type == REC_TYPE_ENCMIG_PAGES) {
            iov[0].iov_base = hdr;
            iov[0].iov_len = sizeof(hdr);
            iov[1].iov_base = recs;
            iov[1].iov_len = len - sizeof(hdr);
            ck_assert_int_eq(stream_read_record_body(&r, type, len, iov, 2),
                             0);
            encmig_hdr8_get(hdr, &count, &stream);
            /* Batch i on stream i mod N; each stream's seq from 0. */
            ck_assert_uint_eq(stream, batches++ % streams);
            ck_assert_uint_le(count, input_uint("batch"));
            ck_assert_uint_eq((uint64_t)count * XEN_ENCMIG_REC_SIZE,
                              len - sizeof(hdr));
            for (i = 0; i < count; i++)
                open_page(&dst.k.pages, recs + (size_t)i * XEN_ENCMIG_REC_SIZE,
                          stream, seq[stream]++, guest, pages);
            sealed += count;
            continue;
        }
        iov[0].iov_base = body;
        iov[0].iov_len = len;
        ck_assert_uint_le(len, sizeof(body));
        ck_assert_int_eq(stream_read_record_body(&r, type, len, iov, 1), 0);
        if (type == REC_TYPE_ENCMIG_STATE) {
            ck_assert_uint_eq(records, 0);   /* before ENCMIG_END */
            open_state(dst.k.state, &dst.k.pages, body, len, state,
                       sizeof(state));
            EVP_Digest(state, sizeof(state), hash, NULL, EVP_sha256(), NULL);
            expect("state_sha256", hash, 32);
            have_state = true;
        } else {
            ck_assert_uint_eq(type, REC_TYPE_ENCMIG_END);
            /* The session's stream count, as the hypervisor set it up. */
            dst.nr_streams = streams;
            ck_assert_msg(encmig_core_end_check(&dst, body, len, &records,
                                                err, sizeof(err)) == 0,
                          "%s", err);
        }
    }
    ck_assert(have_state);
    ck_assert_uint_eq(records, sealed);
    /* Every stream carried a batch. */
    ck_assert_uint_ge(batches, streams);
    EVP_Digest(guest, pages * 4096, hash, NULL, EVP_sha256(), NULL);
    expect("guest_sha256", hash, 32);
    ctl(fd, &dst, MSG_STREAM_DONE, &b);
    ctl(fd, &dst, MSG_GO, &b);
    ck_assert_int_eq(read(fd, hdr, 1), 0);
    close(fd);

    /* Back to the source: ACCEPT, REPLY, then every control message. */
    fd = memfd_of(to_src, n1);
    ck_assert_int_eq(encmig_msg_recv(fd, &type, &b, MSG_BODY_MAX), 0);
    ck_assert_uint_eq(type, MSG_ACCEPT);
    ck_assert_int_eq(encmig_msg_recv(fd, &type, &b, MSG_BODY_MAX), 0);
    ck_assert_uint_eq(type, ENCMIG_HS_MSG_REPLY);
    ctl(fd, &src, MSG_READY, &b);
    ctl(fd, &src, MSG_RECEIVED, &b);
    ctl(fd, &src, MSG_RESUMED, &b);
    ctl(fd, &src, MSG_VERIFY, &b);
    ck_assert(!memcmp(wbuf_ptr(&b), hash, 32));
    ck_assert_int_eq(read(fd, hdr, 1), 0);
    close(fd);

    wbuf_free(&b);
    wbuf_free(&req);
    free(guest);
    free(recs);
    encmig_core_fini(&dst);
    encmig_core_fini(&src);
}
END_TEST

/* A single bit flipped anywhere in a control MAC is refused. */
START_TEST(test_control_mac_bound)
{
    struct vectors_hs hs;
    struct encmig_core src;
    struct wbuf b;
    uint32_t type;
    int fd;

    handshake(&hs);
    ck_assert_int_eq(encmig_core_init(&src, ENCMIG_SIDE_SOURCE, &hs.km,
                                      hs.fth), 0);
    /* READY's MAC is the last byte before RECEIVED: flip its last byte. */
    to_src[8 + 8 + ENCMIG_HS_REPLY_SIZE + 8 + ENCMIG_MAC_SIZE - 1] ^= 1;
    fd = memfd_of(to_src, n1);
    wbuf_init(&b, MSG_BODY_MAX);
    ck_assert_int_eq(encmig_msg_recv(fd, &type, &b, MSG_BODY_MAX), 0);
    ck_assert_int_eq(encmig_msg_recv(fd, &type, &b, MSG_BODY_MAX), 0);
    ck_assert_int_eq(encmig_msg_recv_ctl(fd, &src, &type, &b, MSG_BODY_MAX),
                     -EBADMSG);
    close(fd);
    wbuf_free(&b);
    encmig_core_fini(&src);
}
END_TEST

/* xl's level messages (docs/stream.md, section 6), at level 1. */
#define XL_MSG_SIZE  (8 + ENCMIG_MAC_SIZE)

/* Session-1's keys, as xl's core would hold them after its handshake. */
static void xl_cores(struct encmig_core *src, struct encmig_core *dst)
{
    struct xen_encmig_keymat km = { 0 };
    uint8_t fth[ENCMIG_TRANSCRIPT_SIZE];

    vectors_dir = VECTORS_ROOT "/session-1";
    input("key", km.key, sizeof(km.key));
    input("session_id", km.session_id, sizeof(km.session_id));
    input("nonce_base", km.nonce_base, sizeof(km.nonce_base));
    input("fth", fth, sizeof(fth));
    ck_assert_int_eq(encmig_core_init(src, ENCMIG_SIDE_SOURCE, &km, fth), 0);
    ck_assert_int_eq(encmig_core_init(dst, ENCMIG_SIDE_DEST, &km, fth), 0);
    vectors_dir = VECTORS_ROOT "/xl-level";
}

/* HMAC(key, u8 side || u32le 0 || msg[0..8)): the first control message. */
static void check_xl_mac(const char *key_name, uint8_t side,
                         const uint8_t msg[XL_MSG_SIZE])
{
    uint8_t key[32], in[1 + 4 + 8], mac[32];
    size_t maclen = 0;

    input(key_name, key, sizeof(key));
    memset(in, 0, sizeof(in));
    in[0] = side;
    memcpy(in + 5, msg, 8);
    ck_assert_ptr_nonnull(EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key,
                                    sizeof(key), in, sizeof(in), mac,
                                    sizeof(mac), &maclen));
    ck_assert_uint_eq(maclen, 32);
    ck_assert_msg(!memcmp(mac, msg + 8, 32), "%s's MAC differs", key_name);
}

START_TEST(test_xl_level)
{
    uint8_t smsg[XL_MSG_SIZE], dmsg[XL_MSG_SIZE], got[XL_MSG_SIZE];
    struct encmig_core src, dst;
    uint32_t level = 0, streams = 0;
    int sv[2];

    xl_cores(&src, &dst);
    expect("key_control_source", src.k.control[ENCMIG_SIDE_SOURCE], 32);
    expect("key_control_destination", src.k.control[ENCMIG_SIDE_DEST], 32);
    input("source_message", smsg, sizeof(smsg));
    input("destination_message", dmsg, sizeof(dmsg));

    /* As an outside implementation reads them. */
    ck_assert_uint_eq(input_uint("level"), 1);
    ck_assert_uint_eq(input_uint("streams"), 3);
    ck_assert_mem_eq(smsg, "\0\0\0\1\0\0\0\3", 8);
    ck_assert_mem_eq(dmsg, smsg, 8);
    check_xl_mac("key_control_source", 0, smsg);
    check_xl_mac("key_control_destination", 1, dmsg);

    /* The source writes these bytes and takes the answer. */
    setenv("ENCMIG_LEVEL", "1", 1);
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    ck_assert_int_eq(encmig_write_full(sv[1], dmsg, sizeof(dmsg)), 0);
    ck_assert_int_eq(encmig_xl_level_source(&src, NULL, sv[0], sv[0], 0, 3,
                                            &level, "vectors"), 0);
    ck_assert_uint_eq(level, 1);
    ck_assert_int_eq(encmig_read_full(sv[1], got, sizeof(got)), 0);
    ck_assert_mem_eq(got, smsg, sizeof(smsg));

    /* The destination answers exactly so, and takes three streams. */
    ck_assert_int_eq(encmig_write_full(sv[1], smsg, sizeof(smsg)), 0);
    ck_assert_int_eq(encmig_xl_level_dest(&dst, NULL, sv[0], sv[0], &level,
                                          &streams, "vectors"), 0);
    ck_assert_uint_eq(streams, 3);
    ck_assert_int_eq(encmig_read_full(sv[1], got, sizeof(got)), 0);
    ck_assert_mem_eq(got, dmsg, sizeof(dmsg));
    close(sv[0]);
    close(sv[1]);
    encmig_core_fini(&src);
    encmig_core_fini(&dst);
}
END_TEST

/* The stream count is under the MAC: 3 made 4 is refused. */
START_TEST(test_xl_level_streams_bound)
{
    uint8_t smsg[XL_MSG_SIZE];
    struct encmig_core src, dst;
    uint32_t level, streams;
    int sv[2];

    xl_cores(&src, &dst);
    input("source_message", smsg, sizeof(smsg));
    smsg[7] ^= 7;
    unsetenv("ENCMIG_LEVEL");
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    ck_assert_int_eq(encmig_write_full(sv[1], smsg, sizeof(smsg)), 0);
    ck_assert_int_eq(encmig_xl_level_dest(&dst, NULL, sv[0], sv[0], &level,
                                          &streams, "vectors"), -EBADMSG);
    close(sv[0]);
    close(sv[1]);
    encmig_core_fini(&src);
    encmig_core_fini(&dst);
}
END_TEST

int main(void)
{
    static void (*const setups[])(void) = { setup_1, setup_2 };
    static const char *const names[] = { "session-1", "session-2" };
    Suite *s = suite_create("vectors");
    SRunner *sr;
    unsigned int i;
    int failed;

    for (i = 0; i < 2; i++) {
        TCase *tc = tcase_create(names[i]);

        tcase_add_checked_fixture(tc, setups[i], teardown);
        tcase_add_test(tc, test_handshake);
        tcase_add_test(tc, test_keys);
        tcase_add_test(tc, test_session);
        tcase_add_test(tc, test_control_mac_bound);
        suite_add_tcase(s, tc);
    }
    {
        TCase *tc = tcase_create("xl-level");

        tcase_add_test(tc, test_xl_level);
        tcase_add_test(tc, test_xl_level_streams_bound);
        suite_add_tcase(s, tc);
    }
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
