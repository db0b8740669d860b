/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memdump.h: the archive in which flight-memdump takes what dom0 holds
 * out of QEMU, for flight-keyhunt on the build host (no-key-in-dom0).
 *
 * A sequence of entries, each a header, the source's name and its bytes,
 * ended by a header with MEMDUMP_END.  Host and dom0 are both x86-64
 * Linux: the header is written as it stands in memory.
 */

#ifndef FLIGHT_MEMDUMP_H
#define FLIGHT_MEMDUMP_H

#include <stdint.h>

#define MEMDUMP_MAGIC       "ENCMIGD1"
#define MEMDUMP_END         "ENCMIGDE"
#define MEMDUMP_NAME_MAX    512U

/* What an entry is. */
#define MEMDUMP_MAPPING     1       /* a process's mapping: base = address */
#define MEMDUMP_FILE        2       /* a file or memfd: base = 0 */
#define MEMDUMP_UNREADABLE  3       /* a mapping /proc/PID/mem refused */

struct memdump_hdr {
    char magic[8];
    uint32_t kind;
    uint32_t name_len;              /* <= MEMDUMP_NAME_MAX, no NUL */
    uint64_t base;
    uint64_t len;                   /* bytes after the name */
};

#endif /* FLIGHT_MEMDUMP_H */
