#!/usr/bin/env bash
# Installs the S3-compatible server the deploy tests (tests/testsuite/deploy.rs) start
# on loopback: s3s-fs from crates.io, which keeps a bucket's objects as files in a
# folder and checks request signatures (SigV4) against one access key. Idempotent:
# skips the build when the pinned version is in place.
#
#   .tools/s3s-fs/bin/s3s-fs --host 127.0.0.1 --port 9000 \
#       --access-key KEY --secret-key SECRET <folder>
#
# It goes under .tools/ (ignored by git). 0.14.1 is the newest release that builds with
# the Rust toolchain this project pins (later ones need Rust 1.96); --locked builds it
# with the dependency versions its authors tested.
set -euo pipefail
cd "$(dirname "$0")/.."

version=0.14.1
root=.tools/s3s-fs
bin=$root/bin/s3s-fs

have=""
if [ -x "$bin" ] && [ -f "$root/VERSION" ]; then
    have=$(cat "$root/VERSION")
fi
if [ "$have" != "$version" ]; then
    echo "== installing s3s-fs $version into $root (cargo install; a few minutes on 2 cores)"
    cargo install s3s-fs --version "$version" --features binary --locked --root "$root" --force
    echo "$version" > "$root/VERSION"
fi
"$bin" --help >/dev/null
