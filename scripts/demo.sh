#!/bin/bash
# The main job: an encrypted live migration of a running simulated guest
# between two hosts on this machine (two processes on loopback), with
# progress and a summary.  Installs what it needs and builds first.
# Arguments go to `encmig demo` (--guest-mem SIZE, --dirty-rate N,
# --plain, --json).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${ENCMIG_BUILD:-$top/build}

bash scripts/deps.sh
if [ ! -x configure ] || [ configure.ac -nt configure ] ||
   [ Makefile.am -nt Makefile.in ]; then
    ./autogen.sh >/dev/null 2>&1 || { ./autogen.sh; exit 1; }
fi
mkdir -p "$build"
(cd "$build" && { [ -f Makefile ] || "$top/configure" -q; } && make -s -j"$(nproc)")

exec "$build/tools/libxl-encmig/encmig" demo "$@"
