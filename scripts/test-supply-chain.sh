#!/usr/bin/env bash
# Shows that scripts/supply-chain.sh catches what it is for, by running the whole
# script, offline, against doctored copies of its inputs:
#   1. the shared RustSec snapshot as it is: passes;
#   2. the snapshot plus a made-up advisory against crc32fast (the fixture in
#      tests/supply-chain/, laid out as in the database): fails, naming the advisory;
#   3. cargo's index with the locked crc32fast marked yanked: fails, naming the crate;
#   4. the snapshot dated 2020-01-01: passes, with the loud age warning.
# Only temporary copies are doctored: the test checks that the shared snapshot and
# Cargo.lock come out byte-identical, and that cargo's own index still has crc32fast
# unyanked.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

snapshot=${REFKIT_ADVISORY_DB:-$ROOT/../shared/advisory-db}
crate=crc32fast
advisory=RUSTSEC-2000-0001
fixture=tests/supply-chain
cargo_home=${CARGO_HOME:-$HOME/.cargo}

if [ ! -f "$snapshot/SNAPSHOT" ]; then
    echo "error: no RustSec snapshot at $snapshot (set REFKIT_ADVISORY_DB)" >&2
    exit 1
fi
# The fixtures need a crate that Cargo.lock really pins.
version=$(awk -v name="$crate" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$version" ]; then
    echo "error: $crate is no longer in Cargo.lock; point this test and $fixture at another locked crate" >&2
    exit 1
fi
if compgen -G "$snapshot/crates/*/$advisory.md" >/dev/null; then
    echo "error: the snapshot already has an advisory $advisory; rename the fixture" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

# Makes sure cargo's index cache holds the locked crates (case 3 copies it).
cargo fetch --locked --quiet
index_entry=$(find "$cargo_home/registry/index" -path '*/.cache/*' -type f -name "$crate" | head -n 1)
if [ -z "$index_entry" ]; then
    echo "error: no index entry for $crate under $cargo_home/registry/index" >&2
    exit 1
fi

# What must come out unchanged: every path, mode and content of the snapshot, and the
# lock file. (Cargo's index entry may rightly change: supply-chain.sh refreshes it.)
fingerprint() {
    find "$snapshot" -printf '%P %m\n' | LC_ALL=C sort
    (cd "$snapshot" && find . -type f -exec sha256sum {} + | LC_ALL=C sort)
    sha256sum Cargo.lock
}
# The "yanked" field of the locked version's record in a cargo index cache file.
yanked_field() {
    tr '\0' '\n' <"$1" | grep -E "\"vers\": *\"${version//./\\.}\"" | grep -o '"yanked": *[a-z]*' | head -n 1
}
fingerprint >"$tmp/before"

failures=0
fail() {
    echo "FAIL: $1" >&2
    sed 's/^/    | /' "$2" >&2
    failures=$((failures + 1))
}

# Runs scripts/supply-chain.sh on the snapshot only (never the live database, so the
# result does not depend on the network); extra VAR=value arguments go to its
# environment. Leaves the output in $tmp/$1.log and the exit status in $status.
run_check() {
    local name=$1
    shift
    if env -u REFKIT_REQUIRE_ADVISORIES REFKIT_ADVISORIES_OFFLINE=1 "$@" \
        bash scripts/supply-chain.sh >"$tmp/$name.log" 2>&1; then
        status=0
    else
        status=$?
    fi
}

# A writable copy of the snapshot, to doctor.
copy_snapshot() {
    cp -R "$snapshot/." "$1"
    chmod -R u+w "$1"
}

# 1. The real snapshot passes and says what it checked against.
run_check real
if [ "$status" -ne 0 ]; then
    fail "the shared snapshot: supply-chain.sh exited $status; a real advisory or a yanked version may hit Cargo.lock" "$tmp/real.log"
elif ! grep -q "RustSec snapshot in .*days old" "$tmp/real.log"; then
    fail "the shared snapshot: the output does not say which database was used and how old it is" "$tmp/real.log"
else
    echo "ok: Cargo.lock passes the shared snapshot ($(grep -o 'dated [0-9-]*, [0-9-]* days old' "$tmp/real.log"))"
fi

# 2. An advisory against the locked crc32fast fails the check and is named.
copy_snapshot "$tmp/db-advisory"
cp -R "$fixture/." "$tmp/db-advisory/"
run_check advisory REFKIT_ADVISORY_DB="$tmp/db-advisory"
if [ "$status" -eq 0 ]; then
    fail "an advisory against $crate $version: supply-chain.sh passed" "$tmp/advisory.log"
elif ! grep -q "$advisory" "$tmp/advisory.log" || ! grep -q "$crate $version" "$tmp/advisory.log"; then
    fail "an advisory against $crate $version: the failure does not name $advisory and $crate $version" "$tmp/advisory.log"
else
    echo "ok: an advisory against $crate $version fails the check (exit $status, names $advisory)"
fi

# 3. A yanked locked version fails the check. Offline, cargo-deny reads yanked flags
# from cargo's index cache, so a copy of cargo's home gets a copy of the index with
# the flag set (cargo's cache format: NUL-separated version and JSON records); the
# downloaded crates are linked, not copied.
mkdir -p "$tmp/cargo-home/registry"
cp -R "$cargo_home/registry/index" "$tmp/cargo-home/registry/"
ln -s "$cargo_home/registry/cache" "$tmp/cargo-home/registry/cache"
ln -s "$cargo_home/registry/src" "$tmp/cargo-home/registry/src"
for config in config.toml config; do
    if [ -f "$cargo_home/$config" ]; then cp "$cargo_home/$config" "$tmp/cargo-home/"; fi
done
python3 - "$tmp/cargo-home/registry/index/${index_entry#"$cargo_home/registry/index/"}" "$version" <<'EOF'
import re, sys

path, version = sys.argv[1], sys.argv[2]
records = open(path, "rb").read().split(b"\0")
marked = 0
for i, record in enumerate(records):
    if record.startswith(b"{") and re.search(rb'"vers":\s*"%s"' % re.escape(version.encode()), record):
        records[i], n = re.subn(rb'"yanked":\s*false', b'"yanked": true', record)
        marked += n
if marked != 1:
    sys.exit(f"cannot mark {version} yanked in {path}: cargo's index cache format changed?")
open(path, "wb").write(b"\0".join(records))
EOF
# CARGO_NET_OFFLINE keeps cargo from refreshing the doctored entry from crates.io.
run_check yanked CARGO_HOME="$tmp/cargo-home" CARGO_NET_OFFLINE=true
if [ "$status" -eq 0 ]; then
    fail "$crate $version yanked: supply-chain.sh passed" "$tmp/yanked.log"
elif ! grep -q "error\[yanked\]" "$tmp/yanked.log" || ! grep -q "$crate $version" "$tmp/yanked.log"; then
    fail "$crate $version yanked: the failure does not report $crate $version as yanked" "$tmp/yanked.log"
else
    echo "ok: a yanked $crate $version fails the check (exit $status)"
fi

# 4. A snapshot older than 120 days warns loudly and still passes.
copy_snapshot "$tmp/db-old"
read -r commit _ <"$snapshot/SNAPSHOT"
echo "$commit 2020-01-01" >"$tmp/db-old/SNAPSHOT"
run_check old REFKIT_ADVISORY_DB="$tmp/db-old"
if [ "$status" -ne 0 ]; then
    fail "a snapshot dated 2020-01-01: supply-chain.sh exited $status; age alone must not fail" "$tmp/old.log"
elif ! grep -q "WARNING: the RustSec advisory snapshot is [0-9]* days old" "$tmp/old.log"; then
    fail "a snapshot dated 2020-01-01: no age warning" "$tmp/old.log"
else
    echo "ok: a snapshot dated 2020-01-01 passes with the age warning"
fi

fingerprint >"$tmp/after"
if ! diff -u "$tmp/before" "$tmp/after" >"$tmp/changed.log"; then
    fail "the shared snapshot or Cargo.lock changed" "$tmp/changed.log"
elif ! yanked_field "$index_entry" | grep -q false; then
    yanked_field "$index_entry" >"$tmp/changed.log" || true
    fail "cargo's own index no longer has $crate $version unyanked" "$tmp/changed.log"
else
    echo "ok: the shared snapshot and Cargo.lock are unchanged; cargo's own index still has $crate $version unyanked"
fi

if [ "$failures" -ne 0 ]; then
    echo "$failures supply-chain test(s) failed" >&2
    exit 1
fi
