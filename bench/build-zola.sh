#!/bin/sh
# Builds Zola 0.22, the peer job's Zola, from its source, into
# $REFKIT_BENCH_DIR/zola/target/release/zola (REFKIT_BENCH_DIR: /tmp/refkit-bench by
# default), where bench/bench.py looks for it (or set REFKIT_ZOLA to a binary).
#
#     git clone https://github.com/getzola/zola /tmp/zola-src   # or an offline snapshot
#     bench/build-zola.sh /tmp/zola-src
#
# SRC_DIR is a checkout, a bare git directory or a plain copy of the source. Only what
# builds is exported (src components Cargo.toml Cargo.lock build.rs: a snapshot may lack
# the documentation's large images), with `git archive HEAD` when SRC_DIR is a git
# repository, else copied. The build uses Zola's own release profile (LTO, one codegen
# unit): about 20 minutes on 2 cores. Measure against that profile, not a faster one.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 SRC_DIR   (Zola's source: git clone https://github.com/getzola/zola)" >&2
    exit 2
fi
src=$1
work=${REFKIT_BENCH_DIR:-/tmp/refkit-bench}
dest=$work/zola
paths="src components Cargo.toml Cargo.lock build.rs"

mkdir -p "$dest"
# Replace the sources; keep target/ so a rebuild of the same version is quick.
for p in $paths; do
    rm -rf "${dest:?}/$p"
done
# A git repository: a bare one, or a checkout whose top is SRC_DIR itself (not a
# folder inside some other repository).
bare=$(git -C "$src" rev-parse --is-bare-repository 2>/dev/null || true)
top=$(git -C "$src" rev-parse --show-toplevel 2>/dev/null || true)
if [ "$bare" = true ] || { [ -n "$top" ] && [ "$(cd "$top" && pwd -P)" = "$(cd "$src" && pwd -P)" ]; }; then
    # shellcheck disable=SC2086 # the paths are separate arguments
    git -C "$src" archive HEAD -- $paths | tar -x -C "$dest"
else
    for p in $paths; do
        cp -a "$src/$p" "$dest/"
    done
fi
echo "building Zola $(sed -n 's/^version = "\(.*\)"/\1/p' "$dest/Cargo.toml" | head -n 1) in $dest" >&2
cd "$dest"
cargo build --release --locked
echo "built $dest/target/release/zola" >&2
