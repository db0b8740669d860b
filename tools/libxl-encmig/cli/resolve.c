/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * resolve.c: the operator's resolution of an unknown outcome.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#ifdef HAVE_XEN
#include <libxl.h>
#include <libxl_utils.h>
#include <xentoollog.h>
#endif

#include "resolve.h"
#include "../io.h"
#include "../util.h"
#include "../../../sim/sim.h"

#define WORD_RESUME   "resume\n"
#define WORD_DESTROY  "destroy\n"

void encmig_resolve_path(char *path, size_t len)
{
    const char *dir = getenv("ENCMIG_RUN_DIR");

    snprintf(path, len, "%s/sim-%ld.sock", dir && *dir ? dir : ENCMIG_RUN_DIR,
             (long)getpid());
}

static int unix_addr(const char *path, struct sockaddr_un *sa)
{
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sa->sun_path))
        return -ENAMETOOLONG;
    strcpy(sa->sun_path, path);
    return 0;
}

/* One word from the operator: the whole of it, or nothing. */
static int read_word(int fd, bool *resume)
{
    char buf[16];
    size_t n = 0;

    while (n < sizeof(buf) - 1) {
        ssize_t r = read(fd, buf + n, 1);

        if (r <= 0)
            return -EPIPE;
        if (buf[n++] == '\n')
            break;
    }
    buf[n] = '\0';
    if (!strcmp(buf, WORD_RESUME))
        *resume = true;
    else if (!strcmp(buf, WORD_DESTROY))
        *resume = false;
    else
        return -EINVAL;
    return 0;
}

int encmig_resolve_hold(struct sim_host *h, domid_t domid, const char *path,
                        bool *resumed)
{
    struct sockaddr_un sa;
    char *dir = strdup(path), *slash;
    int lfd, fd, rc;

    if (!dir)
        return -ENOMEM;
    slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        mkdir(dir, 0700);
    }
    free(dir);
    if ((rc = unix_addr(path, &sa)))
        return rc;
    lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lfd < 0)
        return -errno;
    unlink(path);
    /* Only root may settle where a guest runs. */
    if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(path, 0600) ||
        listen(lfd, 1)) {
        rc = -errno;
        close(lfd);
        return rc;
    }

    for (;;) {
        bool resume;
        const char *reply;

        fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            rc = -errno;
            break;
        }
        rc = read_word(fd, &resume);
        if (!rc)
            rc = resume ? sim_domain_unpause(h, domid)
                        : sim_domain_destroy(h, domid);
        if (rc)
            reply = "failed\n";
        else
            reply = resume ? "resumed\n" : "destroyed\n";
        encmig_write_full(fd, reply, strlen(reply));
        close(fd);
        if (!rc) {
            *resumed = resume;
            break;
        }
    }
    close(lfd);
    unlink(path);
    return rc;
}

int encmig_resolve_sim(const char *path, bool resume, char *err,
                       size_t errlen)
{
    const char *word = resume ? WORD_RESUME : WORD_DESTROY;
    struct sockaddr_un sa;
    char reply[16] = "";
    ssize_t n;
    int fd, rc;

    if ((rc = unix_addr(path, &sa))) {
        encmig_seterr(err, errlen, "%s: %s", path, strerror(-rc));
        return rc;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
        rc = -errno;
        encmig_seterr(err, errlen, "no guest held at %s: %s", path,
                      strerror(-rc));
        if (fd >= 0)
            close(fd);
        return rc;
    }
    rc = encmig_write_full(fd, word, strlen(word));
    n = rc ? 0 : read(fd, reply, sizeof(reply) - 1);
    close(fd);
    if (n > 0)
        reply[n] = '\0';
    if (rc || n <= 0 || strcmp(reply, resume ? "resumed\n" : "destroyed\n")) {
        encmig_seterr(err, errlen, "the holding process could not %s the "
                      "guest", resume ? "resume" : "destroy");
        return rc ? rc : -EIO;
    }
    return 0;
}

#ifdef HAVE_XEN
int encmig_resolve_xen(domid_t domid, bool resume, char *err, size_t errlen)
{
    xentoollog_logger_stdiostream *lg;
    libxl_ctx *ctx = NULL;
    char *name = NULL, *base = NULL;
    size_t len, slen = strlen(ENCMIG_AWAY_SUFFIX);
    int rc = -EIO;

    lg = xtl_createlogger_stdiostream(stderr, XTL_ERROR, 0);
    if (!lg || libxl_ctx_alloc(&ctx, LIBXL_VERSION, 0,
                               (xentoollog_logger *)lg)) {
        encmig_seterr(err, errlen, "cannot talk to libxl (is this dom0?)");
        goto out;
    }
    name = libxl_domid_to_name(ctx, domid);
    len = name ? strlen(name) : 0;
    /* Only what xl migrate left behind: never a domain in use. */
    if (len <= slen || strcmp(name + len - slen, ENCMIG_AWAY_SUFFIX)) {
        encmig_seterr(err, errlen, "domain %u (%s) is not one that xl "
                      "migrate left behind as NAME%s: nothing done", domid,
                      name ? name : "no such domain", ENCMIG_AWAY_SUFFIX);
        rc = -EINVAL;
        goto out;
    }
    if (!resume) {
        if (libxl_domain_destroy(ctx, domid, NULL)) {
            encmig_seterr(err, errlen, "destroying domain %u failed", domid);
            goto out;
        }
        rc = 0;
        goto out;
    }
    base = strndup(name, len - slen);
    if (!base) {
        rc = -ENOMEM;
        goto out;
    }
    if (libxl_domain_rename(ctx, domid, name, base)) {
        encmig_seterr(err, errlen, "renaming domain %u to %s failed (is "
                      "another domain called that?)", domid, base);
        goto out;
    }
    /* suspend_cancel: it resumes where it was suspended for the save. */
    if (libxl_domain_resume(ctx, domid, 1, NULL)) {
        encmig_seterr(err, errlen, "resuming domain %u failed", domid);
        goto out;
    }
    rc = 0;

 out:
    free(base);
    free(name);
    if (ctx)
        libxl_ctx_free(ctx);
    if (lg)
        xtl_logger_destroy((xentoollog_logger *)lg);
    return rc;
}
#else
int encmig_resolve_xen(domid_t domid, bool resume, char *err, size_t errlen)
{
    encmig_seterr(err, errlen, "this encmig was built without Xen");
    return -ENOSYS;
}
#endif
