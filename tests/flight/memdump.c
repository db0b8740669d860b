/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memdump.c: everything dom0 holds, for the no-key-in-dom0 step; in dom0
 * while a migration is held half-way.
 *
 * Usage: flight-memdump OUT OFFSET
 *
 * Writes to OUT (the flight's export disk) from byte OFFSET an archive
 * (memdump.h) of
 *
 *   - every process's memory but this one's: each readable mapping that
 *     is writable, anonymous or of a deleted file or memfd, read through
 *     /proc/PID/mem (a mapping it refuses, Xen's hypercall buffers among
 *     them, as they are VM_IO, is named as unreadable);
 *   - every memfd a process holds open, once each;
 *   - every file under /run, /tmp, /var/log/xen and /var/lib/xen, where
 *     the step keeps the session xl handed to each helper.
 *
 * flight-keyhunt tries it on the build host: a trial of every window
 * under TCG would take longer than the flight has.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memdump.h"

#define CHUNK (4U << 20)

static int out = -1;
static uint64_t pos;
static uint64_t nr_bytes;
static unsigned int nr_procs, nr_mappings, nr_unreadable, nr_memfds,
    nr_files;

static void die(const char *what)
{
    fprintf(stderr, "flight-memdump: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void put(const void *p, size_t len, uint64_t at)
{
    const uint8_t *b = p;

    while ( len )
    {
        ssize_t n = pwrite(out, b, len, at);

        if ( n < 0 && errno == EINTR )
            continue;
        if ( n <= 0 )
            die("writing the archive");
        b += n;
        len -= n;
        at += n;
    }
}

/* An entry's header and name at pos; the caller's bytes follow. */
static uint64_t begin(uint32_t kind, const char *name, uint64_t base)
{
    struct memdump_hdr h = { .kind = kind, .base = base };
    uint64_t at = pos;

    memcpy(h.magic, MEMDUMP_MAGIC, sizeof(h.magic));
    h.name_len = strnlen(name, MEMDUMP_NAME_MAX);
    put(&h, sizeof(h), pos);
    put(name, h.name_len, pos + sizeof(h));
    pos += sizeof(h) + h.name_len;
    return at;
}

/* The entry begun at `at` holds len bytes. */
static void finish(uint64_t at, uint64_t len)
{
    put(&len, sizeof(len), at + offsetof(struct memdump_hdr, len));
    nr_bytes += len;
}

/*
 * fd's bytes from off, len of them (to its end when 0), as one entry.
 * -1 when not one byte could be read (the entry is then undone).
 */
static int copy(uint32_t kind, const char *name, int fd, uint64_t off,
                uint64_t len)
{
    static uint8_t buf[CHUNK];
    uint64_t at = begin(kind, name, kind == MEMDUMP_MAPPING ? off : 0);
    uint64_t got = 0;
    ssize_t n;

    for ( ;; )
    {
        size_t want = sizeof(buf);

        if ( len && want > len - got )
            want = len - got;
        if ( !want )
            break;
        n = pread(fd, buf, want, off + got);
        if ( n < 0 && errno == EINTR )
            continue;
        if ( n <= 0 )
            break;
        put(buf, n, pos);
        pos += n;
        got += n;
    }
    if ( !got && len )
    {
        pos = at;
        return -1;
    }
    finish(at, got);
    return 0;
}

static int copy_path(const char *name, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

    if ( fd < 0 )
        return -1;
    rc = copy(MEMDUMP_FILE, name, fd, 0, 0);
    close(fd);
    return rc;
}

/* The mappings of a process that could hold what it computed. */
static int worth_reading(const char *perms, unsigned long inode,
                         const char *path)
{
    if ( perms[0] != 'r' )
        return 0;
    if ( !strncmp(path, "[vvar", 5) || !strcmp(path, "[vsyscall]") )
        return 0;
    return perms[1] == 'w' || inode == 0 || strstr(path, "(deleted)") ||
           !strncmp(path, "/memfd:", 7);
}

static void dump_process(long pid)
{
    char path[64], line[768], comm[32] = "?", name[MEMDUMP_NAME_MAX];
    FILE *maps, *f;
    int mem;

    snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
    if ( (f = fopen(path, "r")) )
    {
        if ( fgets(comm, sizeof(comm), f) )
            comm[strcspn(comm, "\n")] = 0;
        fclose(f);
    }
    snprintf(path, sizeof(path), "/proc/%ld/maps", pid);
    maps = fopen(path, "r");
    snprintf(path, sizeof(path), "/proc/%ld/mem", pid);
    mem = open(path, O_RDONLY | O_CLOEXEC);
    if ( !maps || mem < 0 )
    {
        if ( maps )
            fclose(maps);
        if ( mem >= 0 )
            close(mem);
        return;                         /* gone, or a kernel thread */
    }
    nr_procs++;
    while ( fgets(line, sizeof(line), maps) )
    {
        unsigned long long start, end;
        unsigned long inode;
        char perms[8], *file = "";
        int n = 0;

        if ( sscanf(line, "%llx-%llx %7s %*x %*x:%*x %lu %n", &start, &end,
                    perms, &inode, &n) < 4 )
            continue;
        if ( n )
            file = line + n;
        file[strcspn(file, "\n")] = 0;
        if ( !worth_reading(perms, inode, file) )
            continue;
        snprintf(name, sizeof(name), "%s[%ld] %llx %s", comm, pid, start,
                 file[0] ? file : "anon");
        nr_mappings++;
        if ( copy(MEMDUMP_MAPPING, name, mem, start, end - start) )
        {
            nr_unreadable++;
            finish(begin(MEMDUMP_UNREADABLE, name, start), 0);
        }
    }
    fclose(maps);
    close(mem);
}

/* The memfds pid has open, each copied once however many hold it. */
static void dump_memfds(long pid)
{
    static ino_t seen[256];
    static unsigned int nr_seen;
    char dir[64], path[320], link[256], name[MEMDUMP_NAME_MAX];
    struct dirent *d;
    struct stat st;
    unsigned int i;
    DIR *fds;
    ssize_t n;

    snprintf(dir, sizeof(dir), "/proc/%ld/fd", pid);
    if ( !(fds = opendir(dir)) )
        return;
    while ( (d = readdir(fds)) )
    {
        snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
        n = readlink(path, link, sizeof(link) - 1);
        if ( n <= 0 )
            continue;
        link[n] = 0;
        if ( strncmp(link, "/memfd:", 7) || stat(path, &st) )
            continue;
        for ( i = 0; i < nr_seen && seen[i] != st.st_ino; i++ )
            ;
        if ( i < nr_seen )
            continue;
        if ( nr_seen < sizeof(seen) / sizeof(seen[0]) )
            seen[nr_seen++] = st.st_ino;
        snprintf(name, sizeof(name), "%s of %ld", link, pid);
        if ( !copy_path(name, path) )
            nr_memfds++;
    }
    closedir(fds);
}

/* Every regular file under path. */
static void dump_tree(const char *path)
{
    struct dirent *d;
    struct stat st;
    char sub[MEMDUMP_NAME_MAX];
    DIR *dir;

    if ( lstat(path, &st) )
        return;
    if ( S_ISREG(st.st_mode) )
    {
        if ( !copy_path(path, path) )
            nr_files++;
        return;
    }
    if ( !S_ISDIR(st.st_mode) || !(dir = opendir(path)) )
        return;
    while ( (d = readdir(dir)) )
    {
        if ( !strcmp(d->d_name, ".") || !strcmp(d->d_name, "..") )
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", path, d->d_name);
        dump_tree(sub);
    }
    closedir(dir);
}

int main(int argc, char **argv)
{
    static const char *const trees[] = {
        "/run", "/tmp", "/var/log/xen", "/var/lib/xen",
    };
    struct memdump_hdr end = { .magic = MEMDUMP_END };
    struct dirent *d;
    char *e;
    DIR *proc;
    long self = getpid();
    unsigned int i;

    if ( argc != 3 )
    {
        fprintf(stderr, "usage: flight-memdump OUT OFFSET\n");
        return 2;
    }
    errno = 0;
    pos = strtoull(argv[2], &e, 0);
    if ( errno || *e || e == argv[2] )
    {
        fprintf(stderr, "flight-memdump: bad offset '%s'\n", argv[2]);
        return 2;
    }
    out = open(argv[1], O_WRONLY | O_CLOEXEC);
    if ( out < 0 )
        die(argv[1]);

    if ( !(proc = opendir("/proc")) )
        die("/proc");
    while ( (d = readdir(proc)) )
    {
        long pid = strtol(d->d_name, &e, 10);

        if ( *e || e == d->d_name || pid == self )
            continue;
        dump_process(pid);
        dump_memfds(pid);
    }
    closedir(proc);
    for ( i = 0; i < sizeof(trees) / sizeof(trees[0]); i++ )
        dump_tree(trees[i]);

    put(&end, sizeof(end), pos);
    if ( fsync(out) || close(out) )
        die("closing the archive");
    printf("dumped %" PRIu64 " bytes: %u processes (%u mappings, %u"
           " unreadable), %u memfds, %u files\n", nr_bytes, nr_procs,
           nr_mappings, nr_unreadable, nr_memfds, nr_files);
    return 0;
}
