/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * msg.h: the framing of messages on the migration connection before and
 * after the stream: u32be type, u32be length, body.  The handshake, the
 * migration request and the destination's confirmations all use it.
 */

#ifndef __ENCMIG_MSG_H__
#define __ENCMIG_MSG_H__

#include <stddef.h>
#include <stdint.h>

#include "wbuf.h"

#define MSG_HDR_SIZE        8
#define MSG_BODY_MAX        4096

/* Message types: 1-3 belong to the handshake (handshake.h). */
#define MSG_MIGRATE_REQ     16   /* source: what is coming */
#define MSG_READY           17   /* destination: send the stream */
#define MSG_RESUMED         18   /* destination: the guest runs here now */
#define MSG_VERIFY          19   /* destination: hash of the guest it got */
#define MSG_FAILED          20   /* either: u32 errno, u32 len, text */
#define MSG_ACCEPT          21   /* destination: request accepted */
#define MSG_STREAM_DONE     22   /* source: nothing follows the stream */

/* Send one message.  0 or -errno. */
int encmig_msg_send(int fd, uint32_t type, const void *body, size_t len);

/*
 * Receive one message into body (reset first), refusing a length above
 * max before reading it.  0 or -errno (-EMSGSIZE for an oversize length).
 */
int encmig_msg_recv(int fd, uint32_t *type, struct wbuf *body, size_t max);

/* MSG_FAILED with errno code and a one-line reason; best effort. */
void encmig_msg_send_failed(int fd, int code, const char *reason);

/* Parse a MSG_FAILED body: its code, and its text into reason. */
int encmig_msg_parse_failed(struct wbuf *body, int *code, char *reason,
                            size_t len);

#endif /* __ENCMIG_MSG_H__ */
