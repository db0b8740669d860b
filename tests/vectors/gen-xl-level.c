/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gen-xl-level.c: the level messages two xl would exchange right after
 * session-1's handshake (docs/stream.md, section 6), at level 1 with
 * three streams, and the control keys that MAC them.
 *
 *   gen-xl-level SESSION_DIR OUT_DIR
 *                        reads SESSION_DIR/inputs.txt (the key material
 *                        and FTH), writes OUT_DIR/inputs.txt
 *
 * The source's message is sealed as xl-level.c seals it (the core's
 * control MAC, its first control message); the destination's answer is
 * what encmig_xl_level_dest() writes when handed it.  Nothing is random.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vectors.h"
#include "../../tools/libxl-encmig/io.h"
#include "../../tools/libxl-encmig/protocol/core.h"
#include "../../tools/libxl-encmig/xl/xl-level.h"

#define LEVEL     1
#define STREAMS   3
#define MSG_SIZE  (8 + ENCMIG_MAC_SIZE)      /* at level 1 */

static void __attribute__((noreturn)) die(const char *what)
{
    fprintf(stderr, "gen-xl-level: %s\n", what);
    exit(1);
}

/* len bytes from hex, exactly. */
static int from_hex(const char *hex, uint8_t *out, size_t len)
{
    size_t i;

    if (strlen(hex) != 2 * len)
        return -1;
    for (i = 0; i < len; i++) {
        unsigned int b;

        if (sscanf(hex + 2 * i, "%2x", &b) != 1)
            return -1;
        out[i] = b;
    }
    return 0;
}

static void input(const char *dir, const char *name, uint8_t *out,
                  size_t len)
{
    char path[512], line[512], want[64];
    FILE *f;

    snprintf(path, sizeof(path), "%s/inputs.txt", dir);
    if (!(f = fopen(path, "r")))
        die(path);
    snprintf(want, sizeof(want), "%s ", name);
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!strncmp(line, want, strlen(want)) &&
            !from_hex(line + strlen(want), out, len)) {
            fclose(f);
            return;
        }
    }
    die(name);
}

int main(int argc, char **argv)
{
    struct xen_encmig_keymat km = { 0 };
    struct encmig_core src, dst;
    uint8_t fth[ENCMIG_TRANSCRIPT_SIZE], smsg[MSG_SIZE], dmsg[MSG_SIZE];
    const void *parts[1] = { smsg };
    size_t len = 8;
    uint32_t level, streams;
    char path[512];
    int sv[2];
    FILE *f;

    if (argc != 3)
        die("usage: gen-xl-level SESSION_DIR OUT_DIR");
    input(argv[1], "key", km.key, sizeof(km.key));
    input(argv[1], "session_id", km.session_id, sizeof(km.session_id));
    input(argv[1], "nonce_base", km.nonce_base, sizeof(km.nonce_base));
    input(argv[1], "fth", fth, sizeof(fth));
    if (encmig_core_init(&src, ENCMIG_SIDE_SOURCE, &km, fth) ||
        encmig_core_init(&dst, ENCMIG_SIDE_DEST, &km, fth))
        die("deriving the keys");

    memset(smsg, 0, sizeof(smsg));
    smsg[3] = LEVEL;
    smsg[7] = STREAMS;
    if (encmig_core_ctl_seal(&src, parts, &len, 1, smsg + 8))
        die("sealing the source's message");

    /* The destination's answer: the product's, handed the message. */
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) ||
        encmig_write_full(sv[0], smsg, sizeof(smsg)) ||
        encmig_xl_level_dest(&dst, NULL, sv[1], sv[1], &level, &streams,
                             "gen-xl-level") ||
        level != LEVEL || streams != STREAMS ||
        encmig_read_full(sv[0], dmsg, sizeof(dmsg)))
        die("the destination's answer");
    close(sv[0]);
    close(sv[1]);

    snprintf(path, sizeof(path), "%s/inputs.txt", argv[2]);
    if (!(f = fopen(path, "w")))
        die(path);
    fprintf(f, "# docs/vectors/README.md says what each line is.\n");
    vectors_put_hex(f, "key_control_source", src.k.control[ENCMIG_SIDE_SOURCE], 32);
    vectors_put_hex(f, "key_control_destination", src.k.control[ENCMIG_SIDE_DEST],
            32);
    fprintf(f, "level %u\nstreams %u\n", LEVEL, STREAMS);
    vectors_put_hex(f, "source_message", smsg, sizeof(smsg));
    vectors_put_hex(f, "destination_message", dmsg, sizeof(dmsg));
    if (fclose(f))
        die(path);
    encmig_core_fini(&src);
    encmig_core_fini(&dst);
    printf("gen-xl-level: %s\n", path);
    return 0;
}
