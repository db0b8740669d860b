/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * resolve.h: settling an encrypted migration whose outcome the source
 * could not learn (docs/stream.md, "The commit").
 *
 * The source then keeps its guest paused.  The operator checks whether
 * the guest runs on the destination and tells the source to destroy its
 * copy (it does) or to resume it (it does not): `encmig resolve`.
 *
 * On real Xen xl leaves the domain suspended under NAME--migratedaway;
 * encmig_resolve_xen() renames and resumes it, or destroys it, through
 * libxl.  On the simulator the guest lives in the `encmig migrate`
 * process, which holds it (encmig_resolve_hold()) until `encmig resolve
 * --sim SOCKET` answers through a unix socket.
 */

#ifndef __ENCMIG_RESOLVE_H__
#define __ENCMIG_RESOLVE_H__

#include <stdbool.h>
#include <stddef.h>

#include "../../../hypercalls/include/public/encmig.h"

struct sim_host;

#define ENCMIG_RUN_DIR      "/run/encmig"
#define ENCMIG_AWAY_SUFFIX  "--migratedaway"

/* Where this process would hold a guest: RUN_DIR/sim-PID.sock. */
void encmig_resolve_path(char *path, size_t len);

/*
 * Hold the paused guest domid of h until an operator resolves it through
 * the socket at path: resume it (*resumed true) or destroy it.  Blocks;
 * 0 or -errno (the guest then stays paused).
 */
int encmig_resolve_hold(struct sim_host *h, domid_t domid, const char *path,
                        bool *resumed);

/* The operator's side for the simulator.  0 or -errno, reason in err. */
int encmig_resolve_sim(const char *path, bool resume, char *err,
                       size_t errlen);

/*
 * The operator's side on Xen: domid must be named NAME--migratedaway;
 * resume renames it NAME and resumes it where it was suspended.  0 or
 * -errno (-ENOSYS: built without Xen), reason in err.
 */
int encmig_resolve_xen(domid_t domid, bool resume, char *err,
                       size_t errlen);

#endif /* __ENCMIG_RESOLVE_H__ */
