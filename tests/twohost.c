/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * twohost.c: two simulated hosts and a migration between them.
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "twohost.h"
#include "../sim/sim.h"
#include "../tools/libxl-encmig/cli/cli.h"
#include "../tools/libxl-encmig/protocol/known-hosts.h"

/* Write path afresh: one line listing dir's key under name, if any. */
static int list_key(const char *path, const char *dir, const char *name)
{
    uint8_t pub[ENCMIG_PUBKEY_SIZE];
    char b64[ENCMIG_PUBKEY_B64_SIZE], err[256];
    FILE *f;
    int rc;

    rc = encmig_hostkey_load_public(dir, pub, err, sizeof(err));
    if ( rc || (rc = encmig_pubkey_to_b64(pub, b64)) )
        return rc;
    f = fopen(path, "w");
    if ( !f )
        return -errno;
    if ( name )
        fprintf(f, "%s %s %s\n", name, ENCMIG_KEYTYPE, b64);
    fclose(f);
    return 0;
}

int twohost_pin(struct twohost *t, const char *host)
{
    return list_key(t->known, t->dir, host);
}

int twohost_authorize(struct twohost *t, const char *name)
{
    return list_key(t->authorized, t->sdir, name);
}

/* A fresh key directory holding a host key. */
static int key_dir(char *dir, size_t size)
{
    char err[256];

    snprintf(dir, size, "/tmp/encmig-test-XXXXXX");
    if ( !mkdtemp(dir) )
        return -errno;
    return encmig_hostkey_generate(dir, "test", false, err, sizeof(err));
}

static void key_dir_free(const char *dir)
{
    static const char *const files[] = {
        ENCMIG_HOSTKEY_FILE, ENCMIG_HOSTKEY_PUB_FILE,
        ENCMIG_KNOWN_HOSTS_FILE, ENCMIG_AUTHORIZED_SOURCES_FILE,
    };
    char path[256];
    unsigned int i;

    if ( !dir[0] )
        return;
    for ( i = 0; i < sizeof(files) / sizeof(files[0]); i++ )
    {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

int twohost_new(struct twohost *t, uint64_t bytes, uint64_t dirty_rate)
{
    int rc;

    memset(t, 0, sizeof(*t));
    signal(SIGPIPE, SIG_IGN);
    t->bytes = bytes;
    t->timeout_s = 20;
    t->src = sim_host_new(1, NULL);
    t->dst = sim_host_new(2, NULL);
    if ( !t->src || !t->dst )
        return -ENOMEM;
    if ( (rc = cli_make_guest(t->src, bytes, 7, &t->domid)) ||
         (rc = sim_domain_hash(t->src, t->domid, t->before)) )
        return rc;
    if ( dirty_rate &&
         (rc = sim_workload_start(t->src, t->domid, dirty_rate, 1)) )
        return rc;
    if ( (rc = sim_domain_unpause(t->src, t->domid)) )
        return rc;

    /* Each host its own key, each known to the other. */
    if ( (rc = key_dir(t->dir, sizeof(t->dir))) ||
         (rc = key_dir(t->sdir, sizeof(t->sdir))) )
        return rc;
    snprintf(t->known, sizeof(t->known), "%s/%s", t->sdir,
             ENCMIG_KNOWN_HOSTS_FILE);
    snprintf(t->authorized, sizeof(t->authorized), "%s/%s", t->dir,
             ENCMIG_AUTHORIZED_SOURCES_FILE);
    if ( (rc = twohost_pin(t, "dest")) ||
         (rc = twohost_authorize(t, "source")) )
        return rc;

    t->scfg.platform = encmig_platform_sim(t->src);
    t->scfg.domid = t->domid;
    t->scfg.peer_host = "dest";
    t->scfg.trust.keydir = t->sdir;
    t->scfg.trust.known_hosts = t->known;
    t->rcfg.platform = encmig_platform_sim(t->dst);
    t->rcfg.trust.keydir = t->dir;
    return 0;
}

void twohost_free(struct twohost *t)
{
    relay_free(&t->relay);
    sim_host_free(t->src);
    sim_host_free(t->dst);
    key_dir_free(t->dir);
    key_dir_free(t->sdir);
    memset(t, 0, sizeof(*t));
}

static void *dst_main(void *arg)
{
    struct twohost *t = arg;

    if ( t->dst_init )
        t->dst_init();
    t->dst_rc = encmig_migrate_receive(&t->rcfg, &t->rst, t->rerr,
                                       sizeof(t->rerr));
    close(t->rcfg.rfd);
    return NULL;
}

void twohost_run(struct twohost *t, bool relayed,
                 const struct relay_plan *to_dst,
                 const struct relay_plan *to_src)
{
    int a[2], b[2] = { -1, -1 };
    pthread_t thread;

    relay_free(&t->relay);
    t->src_rc = t->dst_rc = -EIO;
    t->serr[0] = t->rerr[0] = '\0';
    if ( socketpair(AF_UNIX, SOCK_STREAM, 0, a) ||
         (relayed && socketpair(AF_UNIX, SOCK_STREAM, 0, b)) )
        return;
    cli_set_timeout(a[0], t->timeout_s);
    t->scfg.rfd = t->scfg.wfd = a[0];
    if ( relayed )
    {
        cli_set_timeout(b[1], t->timeout_s);
        t->rcfg.rfd = t->rcfg.wfd = b[1];
        relay_set_fault(&t->relay, t->fault, t->fault_ms, t->stall_ms,
                        t->delay_us);
        if ( relay_start(&t->relay, a[1], b[0], to_dst, to_src) )
            return;
    }
    else
    {
        cli_set_timeout(a[1], t->timeout_s);
        t->rcfg.rfd = t->rcfg.wfd = a[1];
    }

    if ( pthread_create(&thread, NULL, dst_main, t) )
        return;
    t->src_rc = encmig_migrate_send(&t->scfg, &t->sst, t->serr,
                                    sizeof(t->serr));
    close(a[0]);
    pthread_join(thread, NULL);
    if ( relayed )
        relay_join(&t->relay);
}

int twohost_reset(struct twohost *t)
{
    unsigned int id;
    int rc;

    for ( id = 1; id < SIM_MAX_DOMAINS; id++ )
        sim_domain_destroy(t->dst, id);
    if ( twohost_source_intact(t, true) )
        return 0;
    sim_domain_destroy(t->src, t->domid);
    if ( (rc = cli_make_guest(t->src, t->bytes, 7, &t->domid)) ||
         (rc = sim_domain_unpause(t->src, t->domid)) )
        return rc;
    t->scfg.domid = t->domid;
    return 0;
}

bool twohost_dest_clean(struct twohost *t)
{
    unsigned int id;

    for ( id = 1; id < SIM_MAX_DOMAINS; id++ )
        if ( sim_domain_info(t->dst, id, NULL, NULL) != -ESRCH )
            return false;
    return true;
}

bool twohost_source_intact(struct twohost *t, bool check_memory)
{
    uint8_t now[32];
    bool paused = true;

    if ( sim_domain_info(t->src, t->domid, NULL, &paused) || paused )
        return false;
    if ( !check_memory )
        return true;
    return sim_domain_hash(t->src, t->domid, now) == 0 &&
           !memcmp(now, t->before, sizeof(now));
}

void twohost_where(struct twohost *t, struct twohost_where *w)
{
    uint8_t now[32];
    unsigned int id;
    bool paused = true;

    memset(w, 0, sizeof(*w));
    if ( !sim_domain_info(t->src, t->domid, NULL, &paused) )
    {
        w->src_exists = true;
        w->src_running = !paused;
        w->src_intact = !sim_domain_hash(t->src, t->domid, now) &&
                        !memcmp(now, t->before, sizeof(now));
    }
    for ( id = 1; id < SIM_MAX_DOMAINS; id++ )
    {
        paused = true;
        if ( sim_domain_info(t->dst, id, NULL, &paused) == -ESRCH )
            continue;
        w->dst_copies++;
        w->dst_running = !paused;
        w->dst_intact = !sim_domain_hash(t->dst, id, now) &&
                        !memcmp(now, t->before, sizeof(now));
    }
}

bool twohost_lost(const struct twohost_where *w)
{
    return !w->src_exists && !w->dst_copies;
}

bool twohost_both_running(const struct twohost_where *w)
{
    return w->src_running && w->dst_running;
}

bool twohost_resolve(struct twohost *t)
{
    struct twohost_where w;

    twohost_where(t, &w);
    if ( w.src_exists && !w.src_running )
    {
        if ( w.dst_copies == 1 && w.dst_running )
            sim_domain_destroy(t->src, t->domid);
        else
            sim_domain_unpause(t->src, t->domid);
    }
    twohost_where(t, &w);
    return (w.src_running && w.src_intact && !w.dst_copies) ||
           (!w.src_exists && w.dst_copies == 1 && w.dst_running &&
            w.dst_intact);
}
