/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz-util.h: small helpers shared by the libFuzzer targets.
 */

#ifndef __ENCMIG_FUZZ_UTIL_H__
#define __ENCMIG_FUZZ_UTIL_H__

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: say which, then abort so libFuzzer keeps the input. */
static inline void __attribute__((noreturn, format(printf, 1, 2)))
fuzz_die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "fuzz invariant: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

#define FUZZ_CHECK(cond, ...) \
    do { if (!(cond)) fuzz_die(__VA_ARGS__); } while (0)

/* ENCMIG_FUZZ_VERBOSE=1: each target says what it did with an input. */
static inline bool fuzz_verbose(void)
{
    static int v = -1;

    if (v < 0)
        v = getenv("ENCMIG_FUZZ_VERBOSE") != NULL;
    return v;
}

/*
 * A file descriptor that reads back exactly data, then end of file: what
 * a peer sent, as the receiver's socket would deliver it.
 */
static inline int fuzz_memfd(const uint8_t *data, size_t size)
{
    size_t done = 0;
    int fd = memfd_create("fuzz-input", MFD_CLOEXEC);

    if (fd < 0)
        fuzz_die("memfd_create failed");
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);

        if (n <= 0)
            fuzz_die("writing the memfd failed");
        done += n;
    }
    if (lseek(fd, 0, SEEK_SET) != 0)
        fuzz_die("lseek on the memfd failed");
    return fd;
}

/* Take bytes from the front of the input; zeros once it has run out. */
struct fuzz_in {
    const uint8_t *p;
    size_t left;
};

static inline void fuzz_take(struct fuzz_in *in, void *out, size_t len)
{
    size_t n = len < in->left ? len : in->left;

    if (n)
        memcpy(out, in->p, n);
    memset((uint8_t *)out + n, 0, len - n);
    in->p += n;
    in->left -= n;
}

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
    uint8_t v;

    fuzz_take(in, &v, 1);
    return v;
}

static inline uint16_t fuzz_u16(struct fuzz_in *in)
{
    uint8_t b[2];

    fuzz_take(in, b, 2);
    return b[0] | (uint16_t)b[1] << 8;
}

static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
    uint8_t b[4];

    fuzz_take(in, b, 4);
    return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
           (uint32_t)b[3] << 24;
}

#endif /* __ENCMIG_FUZZ_UTIL_H__ */
