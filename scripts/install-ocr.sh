#!/usr/bin/env bash
# Installs Tesseract OCR with its English and Russian language data from Debian
# (tesseract-ocr, tesseract-ocr-eng, tesseract-ocr-rus), for tests that read the text
# back out of rendered images. Idempotent: does nothing when `tesseract --list-langs`
# already lists both eng and rus. Then, for example:
#   tesseract image.png - -l eng+rus
set -euo pipefail
cd "$(dirname "$0")/.."

# True when tesseract runs and knows both languages.
has_langs() {
    command -v tesseract >/dev/null 2>&1 || return 1
    local langs
    langs=$(tesseract --list-langs 2>/dev/null) || return 1
    grep -qx eng <<<"$langs" && grep -qx rus <<<"$langs"
}

if ! has_langs; then
    echo "== installing tesseract with English and Russian data (Debian packages)"
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    if [ -n "$sudo" ] && ! command -v sudo >/dev/null 2>&1; then
        echo "error: installing tesseract needs root, and sudo is not available" >&2
        exit 1
    fi
    if ! $sudo apt-get update -qq ||
        ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            tesseract-ocr tesseract-ocr-eng tesseract-ocr-rus >/dev/null; then
        echo "error: apt-get could not install tesseract-ocr, tesseract-ocr-eng, tesseract-ocr-rus" >&2
        exit 1
    fi
fi

if ! has_langs; then
    echo "error: tesseract is missing or lacks eng/rus language data after installing" >&2
    echo "       (tesseract --list-langs says:)" >&2
    tesseract --list-langs >&2 || true
    exit 1
fi
version=$(tesseract --version 2>&1)
echo "${version%%$'\n'*} (languages: eng, rus)"
