/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gen-vectors.c: a complete encrypted migration between two simulated
 * hosts, recorded byte for byte in both directions with every random
 * draw taken from fixed sequences, and the inputs an outside
 * implementation needs to check itself against it (docs/vectors/).
 *
 *   gen-vectors DIR [STREAMS BATCH]
 *                        writes DIR/to-destination.hex, to-source.hex,
 *                        inputs.txt (default: 1 stream, batches of 8)
 *
 * The run is the product's own (encmig_migrate_send/receive through the
 * tests' relay); only OpenSSL's RAND is replaced, per thread, by the
 * fuzz targets' deterministic sequences, so the files come out the same
 * every time.  tests/check_vectors.c checks them independently.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "vectors.h"
#include "../twohost.h"
#include "../fuzz/fuzz-stream.h"
#include "../../sim/sim.h"
#include "../../tools/libxl-encmig/protocol/core.h"
#include "../../tools/libxl-encmig/protocol/handshake.h"
#include "../../tools/libxl-encmig/protocol/hostkey.h"

#define GUEST_PAGES   16

#define LABEL_HOSTS   "encmig vectors hosts"
#define LABEL_SOURCE  "encmig vectors source"
#define LABEL_DEST    "encmig vectors destination"

static void __attribute__((noreturn)) die(const char *what)
{
    fprintf(stderr, "gen-vectors: %s\n", what);
    exit(1);
}

static void dst_init(void)
{
    fuzz_rand_start(LABEL_DEST);
}

static void write_hex_file(const char *dir, const char *name,
                           const uint8_t *p, size_t len)
{
    char path[512];
    size_t i;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    if (!f)
        die(path);
    for (i = 0; i < len; i++)
        fprintf(f, "%02x%s", p[i], i % 32 == 31 || i + 1 == len ? "\n" : "");
    if (fclose(f))
        die(path);
}

/*
 * The X25519 private key that label's sequence gave for pub: OpenSSL
 * draws 32 bytes for it; look for them among the sequence's first words.
 */
static void eph_private(const char *label, const uint8_t pub[32],
                        uint8_t priv[32])
{
    uint8_t seq[256], got[32];
    unsigned int off;
    size_t len;

    fuzz_rand_start(label);
    RAND_bytes(seq, sizeof(seq));
    fuzz_rand_stop();
    for (off = 0; off + 32 <= sizeof(seq); off += 8) {
        EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL,
                                                   seq + off, 32);

        len = sizeof(got);
        if (k && EVP_PKEY_get_raw_public_key(k, got, &len) == 1 &&
            len == 32 && !memcmp(got, pub, 32)) {
            memcpy(priv, seq + off, 32);
            EVP_PKEY_free(k);
            return;
        }
        EVP_PKEY_free(k);
    }
    die("an ephemeral key is not where the sequence should have it");
}

/* Offset of the first frame of type in a run of messages, or die. */
static size_t find_frame(const uint8_t *d, size_t len, uint32_t type)
{
    size_t off = 0;

    while (off + 8 <= len) {
        uint32_t t = (uint32_t)d[off] << 24 | d[off + 1] << 16 |
                     d[off + 2] << 8 | d[off + 3];
        uint32_t l = (uint32_t)d[off + 4] << 24 | d[off + 5] << 16 |
                     d[off + 6] << 8 | d[off + 7];

        if (t == type)
            return off;
        off += 8 + l;
    }
    die("a handshake message is missing");
}

int main(int argc, char **argv)
{
    static uint8_t state[SIM_VCPU_STATE_SIZE];
    struct encmig_core core;
    struct vectors_hs hs;
    struct twohost t;
    uint8_t spub[32], dpub[32], spriv[32], dpriv[32], hash[32];
    uint8_t *to_dst, *to_src;
    size_t n0, n1, hello, reply;
    char path[512], err[256];
    unsigned int streams = 1, batch = 8;
    FILE *f;

    if (argc == 4) {
        streams = strtoul(argv[2], NULL, 10);
        batch = strtoul(argv[3], NULL, 10);
    }
    if ((argc != 2 && argc != 4) || streams < 1 || streams > 16 ||
        batch < 1 || batch > GUEST_PAGES)
        die("usage: gen-vectors DIR [STREAMS BATCH]");
    if (fuzz_rand_install())
        die("cannot replace OpenSSL's RAND");

    fuzz_rand_start(LABEL_HOSTS);
    if (twohost_new(&t, GUEST_PAGES * SIM_PAGE_SIZE, 0))
        die("hosts");
    t.scfg.batch = batch;
    t.scfg.streams = streams;
    t.dst_init = dst_init;
    fuzz_rand_start(LABEL_SOURCE);
    twohost_run(&t, true, NULL, NULL);
    fuzz_rand_stop();
    if (t.src_rc || t.dst_rc || t.sst.outcome != ENCMIG_OUTCOME_MOVED) {
        fprintf(stderr, "gen-vectors: source: %s | destination: %s\n",
                t.serr, t.rerr);
        return 1;
    }
    to_dst = t.relay.dir[0].hist;
    n0 = t.relay.dir[0].len;
    to_src = t.relay.dir[1].hist;
    n1 = t.relay.dir[1].len;
    write_hex_file(argv[1], "to-destination.hex", to_dst, n0);
    write_hex_file(argv[1], "to-source.hex", to_src, n1);

    if (encmig_hostkey_load_public(t.sdir, spub, err, sizeof(err)) ||
        encmig_hostkey_load_public(t.dir, dpub, err, sizeof(err)))
        die(err);
    hello = find_frame(to_dst, n0, ENCMIG_HS_MSG_HELLO) + 8;
    reply = find_frame(to_src, n1, ENCMIG_HS_MSG_REPLY) + 8;
    /* HELLO: magic, versions, one suite, then eph_S; REPLY: eph_D at 40. */
    eph_private(LABEL_SOURCE, to_dst + hello + 24, spriv);
    eph_private(LABEL_DEST, to_src + reply + 40, dpriv);

    if (vectors_handshake(to_dst, n0, to_src, n1, spriv, &hs, err,
                          sizeof(err)))
        die(err);
    if (encmig_core_init(&core, ENCMIG_SIDE_DEST, &hs.km, hs.fth))
        die("deriving the keys");
    if (sim_domain_hash(t.dst, t.rst.domid, hash) ||
        sim_vcpu_get(t.dst, t.rst.domid, state))
        die("the received guest");

    snprintf(path, sizeof(path), "%s/inputs.txt", argv[1]);
    f = fopen(path, "w");
    if (!f)
        die(path);
    fprintf(f, "# docs/vectors/README.md says what each line is.\n");
    vectors_put_hex(f, "source_host_public", spub, 32);
    vectors_put_hex(f, "destination_host_public", dpub, 32);
    vectors_put_hex(f, "source_ephemeral_private", spriv, 32);
    vectors_put_hex(f, "destination_ephemeral_private", dpriv, 32);
    vectors_put_hex(f, "th", hs.th, sizeof(hs.th));
    vectors_put_hex(f, "shared", hs.shared, sizeof(hs.shared));
    vectors_put_hex(f, "kek", hs.kek, sizeof(hs.kek));
    vectors_put_hex(f, "key", hs.km.key, sizeof(hs.km.key));
    vectors_put_hex(f, "session_id", hs.km.session_id, sizeof(hs.km.session_id));
    vectors_put_hex(f, "nonce_base", hs.km.nonce_base, sizeof(hs.km.nonce_base));
    vectors_put_hex(f, "fth", hs.fth, sizeof(hs.fth));
    vectors_put_hex(f, "key_pages", core.k.pages.key, 32);
    vectors_put_hex(f, "key_end", core.k.end, 32);
    vectors_put_hex(f, "key_state", core.k.state, 32);
    vectors_put_hex(f, "key_config", core.k.config, 32);
    vectors_put_hex(f, "key_control_source", core.k.control[ENCMIG_SIDE_SOURCE], 32);
    vectors_put_hex(f, "key_control_destination", core.k.control[ENCMIG_SIDE_DEST],
            32);
    vectors_put_hex(f, "key_libxl", core.k.libxl, 32);
    fprintf(f, "guest_pages %u\n", GUEST_PAGES);
    fprintf(f, "batch %u\n", batch);
    fprintf(f, "streams %u\n", streams);
    vectors_put_hex(f, "guest_sha256", hash, 32);
    EVP_Digest(state, sizeof(state), hash, NULL, EVP_sha256(), NULL);
    vectors_put_hex(f, "state_sha256", hash, 32);
    if (fclose(f))
        die(path);
    encmig_core_fini(&core);
    twohost_free(&t);
    printf("gen-vectors: %zu bytes to the destination, %zu back, in %s\n",
           n0, n1, argv[1]);
    return 0;
}
