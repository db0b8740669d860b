/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * msg.h: the framing of messages on the migration connection before and
 * after the stream: u32be type, u32be length, body.  The handshake, the
 * migration request and the control exchange all use it.
 *
 * Once the handshake has given both ends their keys, every message is a
 * control message: the frame followed by its 32-byte control MAC (core.h),
 * which the receiver checks before it believes a byte of the body.
 * docs/stream.md, section 1, has who may send what, and when.
 */

#ifndef __ENCMIG_MSG_H__
#define __ENCMIG_MSG_H__

#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "wbuf.h"

#define MSG_HDR_SIZE        8
#define MSG_BODY_MAX        4096

/* Message types: 1-4 belong to the handshake (handshake.h). */
#define MSG_MIGRATE_REQ     16   /* source: what is coming */
#define MSG_READY           17   /* destination: send the stream */
#define MSG_RESUMED         18   /* destination: the guest runs here now */
#define MSG_VERIFY          19   /* destination: hash of the guest it got */
#define MSG_FAILED          20   /* either: u32 errno, u32 len, text */
#define MSG_ACCEPT          21   /* destination: request accepted */
#define MSG_STREAM_DONE     22   /* source: nothing follows the stream */
#define MSG_CONFIG          23   /* source: MAC of the request */
#define MSG_RECEIVED        24   /* destination: all verified, may I run? */
#define MSG_GO              25   /* source: run it; I keep mine paused */

#define MSG_FAILED_TEXT_MAX 256

/* Send one message.  0 or -errno. */
int encmig_msg_send(int fd, uint32_t type, const void *body, size_t len);

/*
 * Receive one message into body (reset first), refusing a length above
 * max, or one that its type cannot have, before reading it.  0 or -errno
 * (-EMSGSIZE for a length past the limits, -EPROTO for an unknown type).
 */
int encmig_msg_recv(int fd, uint32_t *type, struct wbuf *body, size_t max);

/*
 * The same with the control MAC when the core is keyed (encrypted), plain
 * frames when it is not.  recv: -EBADMSG when the MAC does not verify;
 * the body is then reset, and the message must be taken as never sent.
 * -ECONNREFUSED: the handshake's ERROR (unauthenticated), its body in
 * body, from a destination that refused the source's half of it.
 */
int encmig_msg_send_ctl(int fd, struct encmig_core *c, uint32_t type,
                        const void *body, size_t len);
int encmig_msg_recv_ctl(int fd, struct encmig_core *c, uint32_t *type,
                        struct wbuf *body, size_t max);

/* MSG_FAILED with errno code and a one-line reason; best effort. */
void encmig_msg_send_failed(int fd, struct encmig_core *c, int code,
                            const char *reason);

/* Parse a MSG_FAILED body: its code, and its text into reason. */
int encmig_msg_parse_failed(struct wbuf *body, int *code, char *reason,
                            size_t len);

#endif /* __ENCMIG_MSG_H__ */
