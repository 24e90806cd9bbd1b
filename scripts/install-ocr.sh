#!/usr/bin/env bash
# Installs Tesseract OCR with its English and Russian language data, for the tests that
# read text back out of rendered banners (tests/testsuite/banners.rs). The tests run
# this script themselves, once per test run, as they do the validator's and the S3
# server's installers; CI runs it before `cargo test` too.
#
# Idempotent and quiet: prints nothing and changes nothing when a `tesseract` on PATH
# knows both eng and rus, or when this script already installed one under .tools/.
# Otherwise it fetches the Debian packages (tesseract-ocr, tesseract-ocr-eng,
# tesseract-ocr-rus and whatever libraries they need that the system lacks) with
# `apt-get download`, which needs no root, and unpacks them under .tools/tesseract
# (ignored by git) without touching the system. When the system has no package lists
# (a fresh container), it fetches them into .tools/ as well. Then:
#
#   .tools/tesseract/bin/tesseract image.png - -l eng+rus
#
# The tests run .tools/tesseract/bin/tesseract when it exists, else `tesseract`.
set -euo pipefail
cd "$(dirname "$0")/.."

tools=.tools
final=$tools/tesseract
packages=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-rus)

# True when the command "$@" (a tesseract) runs and knows both languages.
knows_both() {
    local langs
    langs=$("$@" --list-langs 2>/dev/null) || return 1
    grep -qx eng <<<"$langs" && grep -qx rus <<<"$langs"
}

if [ -x "$final/bin/tesseract" ] && knows_both "$final/bin/tesseract"; then
    exit 0
fi
if command -v tesseract >/dev/null 2>&1 && knows_both tesseract; then
    exit 0
fi

for tool in apt-get apt-cache dpkg-deb; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "error: tesseract with English and Russian data is not installed, and $tool is" >&2
        echo "       missing, so this script cannot fetch the Debian packages. Install it with" >&2
        echo "       your system's packages (e.g. \`brew install tesseract tesseract-lang\` or" >&2
        echo "       \`dnf install tesseract tesseract-langpack-eng tesseract-langpack-rus\`)," >&2
        echo "       check that \`tesseract --list-langs\` lists eng and rus, and run the tests again." >&2
        exit 1
    fi
done

echo "== installing tesseract with English and Russian data into $final (Debian packages, no root needed)"
# A half-finished install never takes the final name: unpack beside it, then rename.
stage=$tools/tesseract.partial-$$
trap 'rm -rf "$stage"' EXIT
rm -rf "$final" "$tools"/tesseract.partial-*
mkdir -p "$stage/debs" "$stage/root"

apt_options=()
# As root, apt hands downloads to its `_apt` user, who may not write into .tools/.
if [ "$(id -u)" -eq 0 ]; then apt_options=(-o APT::Sandbox::User=root); fi
if ! apt-cache show tesseract-ocr-rus >/dev/null 2>&1; then
    echo "   the system has no package lists: fetching them into $tools/apt"
    lists=$PWD/$tools/apt/lists cache=$PWD/$tools/apt/cache
    mkdir -p "$lists/partial" "$cache/archives/partial"
    apt_options+=(-o "Dir::State::Lists=$lists" -o "Dir::Cache=$cache" -o Debug::NoLocking=1)
    apt-get "${apt_options[@]}" -qq update
fi

# What an install would add to this system (simulated, so no root is needed), plus
# tesseract's own packages, which this copy always brings even if the system has them.
missing=$(apt-get "${apt_options[@]}" -s -qq install --no-install-recommends "${packages[@]}" |
    awk '/^Inst /{ print $2 }')
wanted=$(printf '%s\n' "${packages[@]}" libtesseract5 $missing | sort -u)
(cd "$stage/debs" && apt-get "${apt_options[@]}" -qq download $wanted)
for deb in "$stage"/debs/*.deb; do
    dpkg-deb -x "$deb" "$stage/root"
done
rm -r "$stage/debs"

tessdata=$(find "$stage/root" -name eng.traineddata -printf '%h\n' | head -n 1)
if [ -z "$tessdata" ] || [ ! -x "$stage/root/usr/bin/tesseract" ]; then
    echo "error: the downloaded packages hold no tesseract binary or no English data" >&2
    exit 1
fi
# The libraries' folders, relative to the install, for the loader.
library_path=$(find "$stage/root" -name '*.so*' -printf '%h\n' | sort -u |
    sed "s|^$stage|\$here|" | paste -sd: -)
mkdir -p "$stage/bin"
cat >"$stage/bin/tesseract" <<EOF
#!/bin/sh
# tesseract unpacked by scripts/install-ocr.sh, run with its own libraries and data.
here=\$(cd "\$(dirname "\$0")/.." && pwd)
LD_LIBRARY_PATH="$library_path\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" \\
TESSDATA_PREFIX="\$here${tessdata#"$stage"}" \\
exec "\$here/root/usr/bin/tesseract" "\$@"
EOF
chmod +x "$stage/bin/tesseract"
printf '%s\n' $wanted >"$stage/PACKAGES"

if ! knows_both "$stage/bin/tesseract"; then
    echo "error: the unpacked tesseract does not run or lacks eng/rus data; it says:" >&2
    "$stage/bin/tesseract" --list-langs >&2 || true
    exit 1
fi
mv "$stage" "$final"
trap - EXIT
version=$("$final/bin/tesseract" --version 2>&1)
echo "   ${version%%$'\n'*} (eng, rus) from $(wc -l <"$final/PACKAGES") packages: $(paste -sd' ' "$final/PACKAGES")"
