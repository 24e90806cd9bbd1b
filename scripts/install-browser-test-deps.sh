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

# playwright-core as locked; it downloads no browser of its own.
want=$(node -p 'require("./tests/browser/package-lock.json").packages["node_modules/playwright-core"].version')
have=$(node -p 'try { require("./tests/browser/node_modules/playwright-core/package.json").version } catch { "" }')
if [ "$want" != "$have" ]; then
    echo "== npm ci in tests/browser (playwright-core $want)"
    (cd tests/browser && npm ci --no-audit --no-fund)
fi
