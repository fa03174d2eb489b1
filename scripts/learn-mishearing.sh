#!/usr/bin/env bash
# Re-learns lexicons/mishearing.tsv, how tiny.en mishears terms, from its heard forms and its
# saved output of the tuning clips (never the held-out ones). Run after a new harvest or new
# tuning clips, then rebuild: the engine bundles the table.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/shruti-target}"
cargo run --release --locked -q -p shruti-cli -- lexicon learn-mishearing \
    --heard lexicons/heard/tiny.en.toml \
    --clips golden/terms/tune --raw golden/terms/raw/tiny.en/tune/off \
    --out lexicons/mishearing.tsv
