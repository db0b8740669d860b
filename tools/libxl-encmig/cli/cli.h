/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * cli.h: pieces shared by the encmig commands.
 */

#ifndef __ENCMIG_CLI_H__
#define __ENCMIG_CLI_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../driver/migrate.h"

/* The demo guest's marker: found on the wire only if plaintext leaked. */
#define CLI_MARKER      "ENCMIG-GUEST-PLAINTEXT-MARKER:"

/* Split "HOST[:PORT]" (or "[V6]:PORT"); port defaults to def. */
int cli_parse_hostport(const char *s, char *host, size_t hostlen,
                       uint16_t *port, uint16_t def);
/* Listen on host:port (port 0: any); *bound gets the port.  fd or -errno. */
int cli_listen(const char *host, uint16_t port, uint16_t *bound);
/* Connect to host:port.  fd or -errno. */
int cli_connect(const char *host, uint16_t port);
/*
 * Run "sh -c cmd" with its stdin and stdout on pipes: we write to *wfd
 * and read from *rfd, as xl migrate does with ssh.  0 or -errno.
 */
int cli_spawn(const char *cmd, int *rfd, int *wfd, pid_t *pid);

/* Give up on a silent peer after seconds. */
void cli_set_timeout(int fd, unsigned int seconds);

/* A simulated guest of bytes, its pages marked and patterned from seed. */
int cli_make_guest(struct sim_host *h, uint64_t bytes, uint64_t seed,
                   domid_t *domid);

/* Looks for CLI_MARKER in every byte written to the wire. */
struct cli_marker_tap {
    uint8_t carry[64];
    size_t carry_len;
    uint64_t found;
};
void cli_marker_tap(void *opaque, const void *p, size_t len);

/* Progress on stderr when it is a terminal (opaque: the guest's bytes). */
struct cli_progress {
    bool tty;
    double last;                  /* elapsed at the last line */
    uint64_t last_bytes;
    double rate;                  /* bytes/s, smoothed */
};
void cli_progress(void *opaque, const struct encmig_progress *p);
void cli_progress_done(struct cli_progress *cp);

void cli_hex(const uint8_t *p, size_t len, char *out);

#endif /* __ENCMIG_CLI_H__ */
