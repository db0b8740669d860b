/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz-mmap.h: force-included (-include) into the simulator's sources in
 * the fuzz build only.
 *
 * The simulator maps hypercall buffers and guest memory with mmap(), which
 * AddressSanitizer cannot see into: a write a few bytes past a buffer lands
 * in the rest of its page and goes unnoticed.  Here the same anonymous
 * mappings come from calloc() instead, so every byte past the size asked
 * for is a red zone, and a toolstack or engine overrun of a migration
 * buffer or a guest's memory is reported where it happens.
 */

#ifndef __ENCMIG_FUZZ_MMAP_H__
#define __ENCMIG_FUZZ_MMAP_H__

#include <stdlib.h>
#include <sys/mman.h>

static inline void *fuzz_mmap(void *addr, size_t len, int prot, int flags,
                              int fd, off_t off)
{
    void *p;

    /* Only what the simulator asks for: fresh, zeroed, anonymous memory. */
    if (addr || fd != -1 || off || !(flags & MAP_ANONYMOUS) || len == 0)
        abort();
    p = calloc(1, len);
    return p ? p : MAP_FAILED;
}

static inline int fuzz_munmap(void *p, size_t len)
{
    free(p);
    return 0;
}

#define mmap fuzz_mmap
#define munmap fuzz_munmap

#endif /* __ENCMIG_FUZZ_MMAP_H__ */
