/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * engine.h: re-key throughput of the engine on one core and on two
 * streams.
 */

#ifndef __ENCMIG_BENCH_ENGINE_H__
#define __ENCMIG_BENCH_ENGINE_H__

#include <stdbool.h>
#include <stdint.h>

/* Throughputs in Gbit/s of guest page data, medians of the repetitions. */
struct bench_engine_result {
    uint64_t bytes;                 /* guest memory re-keyed per pass */
    unsigned int reps;
    double rekey_openssl_gbps;      /* engine export, OpenSSL cipher ops */
    double rekey_portable_gbps;     /* engine export, portable cipher ops */
    bool have_aesni;                /* CPU has AES-NI, PCLMULQDQ and SSSE3 */
    double rekey_hv_aesni_gbps;     /* engine export, AES-NI cipher ops (the
                                     * hypervisor's fast path); 0 without */
    bool have_vaes;                 /* and AVX2, VAES and VPCLMULQDQ */
    double rekey_hv_vaes_gbps;      /* engine export, VAES cipher ops (fused
                                     * decrypt and seal); 0 without */
    double rekey_hv_gbps;           /* the best of the hypervisor's ops that
                                     * this CPU runs */
    double rekey_hv_vs_limit;       /* rekey_hv / limit */
    double rekey_hv_vs_limit_spread; /* its range over the repetitions */
    double xts_decrypt_gbps;        /* OpenSSL XTS decrypt alone */
    double gcm_encrypt_gbps;        /* OpenSSL GCM seal alone */
    double limit_gbps;              /* 1 / (1/xts + 1/gcm) */
    unsigned int streams;           /* of the scaling pass */
    double streams_gbps;            /* export, best ops, that many streams
                                     * of one session on as many threads */
    double streams_scaling;         /* streams_gbps / one stream */
    double streams_scaling_spread;  /* its range over the repetitions */
    double ratio;                   /* rekey_openssl / limit */
};

/* Run the benchmark over bytes of guest memory; 0 or -errno. */
int encmig_bench_engine(uint64_t bytes, unsigned int reps,
                        struct bench_engine_result *r);

#endif /* __ENCMIG_BENCH_ENGINE_H__ */
