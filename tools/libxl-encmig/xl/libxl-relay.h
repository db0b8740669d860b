/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * libxl-relay.h: xl's relay between libxl and the migration pipe in
 * `xl migrate --encrypted`, which seals libxl's own records
 * (protocol/libxl-records.h) and passes libxc's stream through.
 *
 * libxl (Debian's, unchanged) writes and reads its stream on the fd it
 * is given.  xl gives it one end of a pipe instead of the migration
 * pipe, and the relay sits on the other end:
 *
 *  - source: it reads libxl's stream, writes libxl's header and each of
 *    libxl's records to the wire as a sealed frame, and libxc's stream
 *    (from LIBXC_CONTEXT to libxc's END) as it came, which the save
 *    helper has sealed and authenticated already;
 *  - destination: it reads the wire and hands libxl only frames whose
 *    tag has verified, opened into libxl's own format, and libxc's stream
 *    as it came (the restore helper checks it).  libxl's END reaches
 *    libxl only once its frame, the last of the sequence, has verified:
 *    anything malformed, out of order, replayed, dropped or cut short
 *    leaves libxl with a stream that never ends, so the restore fails
 *    and nothing starts.
 *
 * The relay reads exactly up to libxl's END and no further: what follows
 * on the same fd (xl's closing messages) stays for xl.
 *
 * It runs as a thread of xl, not a process.  libxl_domain_suspend() and
 * libxl_domain_create_restore() run libxl's event loop in xl's thread
 * until the stream is done; the relay only moves bytes between two fds
 * alongside.  A child process would be reaped by libxl (xl lets libxl own
 * SIGCHLD, and libxl then waits for any child) and so would need a slot
 * in xl's table of children, and it would carry a copy of all of xl's
 * memory, control keys included; a thread hands back its verdict and its
 * reason directly, and the libxl key lives in one place, wiped when the
 * relay ends.  What a thread asks of xl: every fd the relay opens is
 * close-on-exec (libxl forks its helper meanwhile, and the helper must not
 * hold the relay's end), the relay takes no signal (they stay with xl's
 * thread), and its blocking never outlasts finish(): it waits in poll()
 * on a stop pipe as well as on its fds.
 */

#ifndef __ENCMIG_LIBXL_RELAY_H__
#define __ENCMIG_LIBXL_RELAY_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct encmig_relay;

/*
 * Start the relay of side (ENCMIG_SIDE_SOURCE: seal; ENCMIG_SIDE_DEST:
 * open) under the session's libxl key (copied; the caller wipes its own)
 * on the migration fd wire, which stays the caller's; *libxl_fd is the
 * end to give libxl.  The wire is made non-blocking until finish.
 */
int encmig_relay_start(unsigned int side, const uint8_t key[32], int wire,
                       int *libxl_fd, struct encmig_relay **out, char *err,
                       size_t errlen);

/*
 * After libxl has returned: close libxl's end, abort the relay if libxl
 * failed, wait for it, put the wire back as it was, wipe the key.
 * 0 when the relay carried libxl's stream whole up to END, else its
 * -errno and reason (-ECANCELED: aborted before the end).
 */
int encmig_relay_finish(struct encmig_relay *r, bool abort, char *err,
                        size_t errlen);

/*
 * In a child forked while the relay ran: wipe this copy's key and leave
 * the rest (the thread, the descriptors) to the parent that owns them.
 */
void encmig_relay_forget(struct encmig_relay *r);

#endif /* __ENCMIG_LIBXL_RELAY_H__ */
