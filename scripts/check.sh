#!/usr/bin/env bash
# The fast loop while developing: formatting, lints, and the workspace's unit tests (each crate's
# own `#[cfg(test)]` tests and the binaries', and the engine's tests on text); no audio, no WebKit,
# no PostgreSQL. Built in the release profile, like scripts/test.sh, so the two share one build:
# after either, the other compiles only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/shruti-target}"

# The app embeds the built front end; any build of it, however old, lets the shell compile.
if [ ! -f ui/dist/index.html ]; then
    (cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)
fi

cargo fmt --all -- --check
cargo clippy --release --workspace --all-targets --locked -- -D warnings
cargo test --release --workspace --lib --bins --test engine --locked
