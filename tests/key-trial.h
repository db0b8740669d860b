/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * key-trial.h: does a candidate key open a page record?
 *
 * For the claim that dom0 holds no key to the guest's pages at level 2
 * (check_level2 on the simulated hypervisor, flight-keyhunt in a real
 * dom0): each candidate is tried as the page key itself and as the key
 * material the page key is derived from (docs/stream.md, "Keys":
 * HKDF-SHA256 with the session id as salt and "encmig v2 pages"), against
 * records of pages whose first 32 bytes are known.
 *
 * No nonce is needed: GCM encrypts block i of a page as
 * plain_i ^ AES_key(nonce || be32(2 + i)), so decrypting the first two
 * blocks of ciphertext ^ plaintext under the right key gives two counter
 * blocks with one nonce, counters 2 and 3; a wrong key gives that with
 * probability 2^-128.  dom0 never learns nonce_base at level 2, and a key
 * it held would show here all the same.
 */

#ifndef KEY_TRIAL_H
#define KEY_TRIAL_H

#include <stdint.h>

#define KEY_TRIAL_MAX_SALTS     8
#define KEY_TRIAL_MAX_RECORDS   32

/* What a candidate is, when it opens a record. */
#define KEY_TRIAL_NONE          0
#define KEY_TRIAL_PAGE_KEY      1
#define KEY_TRIAL_HKDF_INPUT    2       /* + the salt's index */

struct key_trial;

/* A trial against records of pages beginning with plain[32]; NULL on
 * failure (OpenSSL's, or out of memory). */
struct key_trial *key_trial_new(const uint8_t plain[32]);
void key_trial_free(struct key_trial *t);

/* A session id to derive with; one already added is not added twice.
 * 0, or -1 when there are KEY_TRIAL_MAX_SALTS already. */
int key_trial_add_salt(struct key_trial *t, const uint8_t salt[16]);
unsigned int key_trial_salts(const struct key_trial *t);

/* A page record (XEN_ENCMIG_REC_SIZE bytes; only its first 64 are read).
 * 0, or -1 when there are KEY_TRIAL_MAX_RECORDS already. */
int key_trial_add_record(struct key_trial *t, const uint8_t *rec);

/* KEY_TRIAL_NONE, _PAGE_KEY or _HKDF_INPUT + salt index for the first
 * form of cand that opens any record; -1 when OpenSSL fails. */
int key_trial_run(struct key_trial *t, const uint8_t cand[32]);

#endif /* KEY_TRIAL_H */
