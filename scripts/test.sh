#!/usr/bin/env bash
# Set-up command 2: every test. Formatting and lints, the unit, property and integration tests
# (the transcription tests run the real tiny.en model), the GPU (Vulkan) build check, the lexicon
# check, and the golden-set evaluation with the quality gates.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/shruti-target}"

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

cargo build --release --locked -p shruti-cli
shruti="$CARGO_TARGET_DIR/release/shruti"
# The default build must start on machines without any GPU library.
if ldd "$shruti" | grep -q libvulkan; then
    echo "error: the default build links libvulkan" >&2
    exit 1
fi
"$shruti" model fetch tiny.en
cargo test --workspace --locked

bash scripts/check-vulkan.sh

"$shruti" lexicon check
"$shruti" eval golden/text --min-term-recall 0.95 --max-over-corrections 0 --min-verse-recall 0.90
