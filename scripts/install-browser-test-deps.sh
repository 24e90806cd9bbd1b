#!/usr/bin/env bash
# Installs what the browser tests (tests/browser/) need: Debian's Chromium at
# /usr/bin/chromium and the pinned playwright-core from tests/browser/package-lock.json.
# Idempotent: skips whatever is already in place. Then, from the repository root:
#   cargo build && node --test tests/browser/
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
    echo "== installing chromium (Debian package)"
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends chromium
fi

# playwright-core and decap-cms (the browser editor, served to the test from here) as
# locked; playwright downloads no browser of its own.
locked() {
    node -p "require('./tests/browser/package-lock.json').packages['node_modules/$1'].version"
}
installed() {
    node -p "try { require('./tests/browser/node_modules/$1/package.json').version } catch { '' }"
}
want="$(locked playwright-core) $(locked decap-cms)"
have="$(installed playwright-core) $(installed decap-cms)"
if [ "$want" != "$have" ]; then
    echo "== npm ci in tests/browser (playwright-core, decap-cms: $want)"
    (cd tests/browser && npm ci --no-audit --no-fund)
fi
