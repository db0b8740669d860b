/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cipher-openssl.h: the cipher ops on OpenSSL 3's EVP, for userspace.
 */

#ifndef __ENCMIG_CIPHER_OPENSSL_H__
#define __ENCMIG_CIPHER_OPENSSL_H__

#include "../xen/arch/x86/encmig/crypto.h"

/*
 * Byte-for-byte the same as encmig_cipher_portable, with the same refusals:
 * xts_new fails with -EINVAL when the two key halves are equal (OpenSSL 3
 * rejects such keys), and xts_crypt with -EINVAL for a data unit over
 * 2^20 blocks (IEEE 1619's limit, also OpenSSL's).
 */
extern const struct encmig_cipher_ops encmig_cipher_openssl;

#endif /* __ENCMIG_CIPHER_OPENSSL_H__ */
