#!/bin/bash
# The main job.  Until the live-migration work lands (issue 3) it builds
# the tree and runs the re-key engine benchmark on the simulator;
# arguments are passed to `encmig bench engine`.
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

echo "encmig demo: live migration arrives with issue 3; running the engine benchmark"
exec "$build/tools/libxl-encmig/encmig" bench engine "$@"
