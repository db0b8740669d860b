/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xl-encmig.h: xl's part in `xl migrate --encrypted`.
 *
 * xl runs the key handshake (handshake.h) on its migration pipe, after
 * the receiver's banner and before the domain's configuration and the
 * stream, then hands the session to libxl's save/restore helper: the
 * encmig helper (ENCMIG_SAVE_HELPER in the environment, or the path
 * below), which xl names in LIBXL_SAVE_HELPER over any value there (any
 * other helper would ignore the session and send the guest in the clear),
 * takes it from ENCMIG_SESSION_FD (session-fd.h).
 *
 * Host keys live in ENCMIG_KEYDIR (environment; default /etc/encmig):
 * each host's host_ed25519_key, the source's known_hosts, the
 * destination's authorized_sources.  The source refuses a destination
 * whose key is not pinned there under the host name given to xl migrate;
 * the destination refuses a source whose key is not listed in its
 * authorized_sources, always (xl has no way to turn that off).
 *
 * Both return 0, or -errno having said why on stderr.  A failure leaves
 * nothing to undo: no domain has been touched yet.
 */

#ifndef __ENCMIG_XL_ENCMIG_H__
#define __ENCMIG_XL_ENCMIG_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef ENCMIG_SAVE_HELPER
#define ENCMIG_SAVE_HELPER "/usr/lib/xen-4.17/bin/libxl-save-helper-encmig"
#endif

/*
 * xl migrate --streams N: the source's pages go out on N streams (1 to
 * ENCMIG_MAX_STREAMS, default 1), each sealed by an exporter thread of its
 * own in the helper; the destination takes N from the source.  -ERANGE
 * outside that range.
 */
int encmig_xl_set_streams(unsigned long n);

/* domid: the guest to migrate (level 2 sets its export session up). */
int encmig_xl_source(int rfd, int wfd, const char *host, uint32_t domid);
int encmig_xl_dest(int rfd, int wfd);

/*
 * xl's save-file header and its optional data (the domain's
 * configuration), which xl sends before libxl's stream, are bound to the
 * session by an HMAC-SHA256 under the session's configuration key
 * (core.h): the source writes it right after them, the
 * destination checks it before it parses a byte of the configuration.
 * Each end uses its key once and wipes it.  -EBADMSG: altered; -EPROTO:
 * no handshake ran, or the key was used already.
 */
#define ENCMIG_XL_MAC_SIZE 32
/* Largest optional data the destination reads before checking it. */
#define ENCMIG_XL_MAX_CONFIG (16U << 20)

int encmig_xl_config_mac(const void *hdr, size_t hdr_len, const void *opt,
                         size_t opt_len, uint8_t mac[ENCMIG_XL_MAC_SIZE]);
int encmig_xl_config_check(const void *hdr, size_t hdr_len, const void *opt,
                           size_t opt_len,
                           const uint8_t mac[ENCMIG_XL_MAC_SIZE]);

/*
 * xl's closing messages (ready, go, the report and its status byte, the
 * permission to resume) are each followed by the control MAC of the
 * migration core (core.h): HMAC-SHA256 under the sender's control key
 * over its side, its count of control messages and the message:
 * a forged "started" report would have the source destroy its guest, a
 * forged go start a second copy.  send writes the MAC of a message just
 * written; check reads one and compares it with the message just read
 * (-EBADMSG when it differs).
 */
int encmig_xl_ctl_send(int fd, const void *msg, size_t len);
int encmig_xl_ctl_check(int fd, const void *msg, size_t len);

/*
 * libxl's own records (its header, LIBXC_CONTEXT, the emulator's records,
 * END) cross sealed under the session's libxl key: libxl is given one
 * end of a pipe, and a relay (libxl-relay.h) on the other seals them
 * onto the migration fd (source) or opens them from it (destination),
 * passing libxc's stream through.  start: before libxl_domain_suspend()
 * or libxl_domain_create_restore(), with the migration fd; *libxl_fd is
 * what to give libxl.  The key is used once and wiped.  finish: once
 * libxl has returned, abort when it failed; it waits for the relay, so
 * xl's closing messages follow libxl's END on the wire.  Both say why
 * they failed on stderr after who; finish's verdict is the relay's.
 */
int encmig_xl_relay_start(int wire_fd, int *libxl_fd, const char *who);
int encmig_xl_relay_finish(bool abort, const char *who);

/*
 * In xl's daemon, forked to watch the migrated guest for as long as it
 * lives: wipe every key of the migration, which it never uses, and drop
 * the session's descriptor and variable, so that nothing it runs later
 * (the device model on a reboot, hotplug scripts) finds them.
 */
void encmig_xl_forget(void);

#endif /* __ENCMIG_XL_ENCMIG_H__ */
