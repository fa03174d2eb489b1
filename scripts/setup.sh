#!/usr/bin/env bash
# Set-up command 1: installs what is missing, builds the `shruti` CLI and runs it on the bundled
# sample (a golden lecture transcript): a corrected SRT and the flags JSON land in out/.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v cc >/dev/null 2>&1 || missing+=(build-essential)
command -v git >/dev/null 2>&1 || missing+=(git)
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

sample=golden/text/gita_ch1_battlefield.asr.srt
mkdir -p out
"$shruti" correct "$sample" -o out/gita_ch1_battlefield.srt --report
"$shruti" flag "$sample" --json >out/gita_ch1_battlefield.flags.json
echo
echo "corrected subtitles: out/gita_ch1_battlefield.srt"
echo "flags for review:    out/gita_ch1_battlefield.flags.json ($(grep -c '"kind"' out/gita_ch1_battlefield.flags.json) flags)"
echo "the CLI:             $shruti --help"
