#!/usr/bin/env bash
# Set-up command 2: every test. The front end's type check, lint, unit tests and build;
# formatting and lints, the unit, property and integration tests (the transcription tests run the
# real tiny.en model, the app's commands run on Tauri's mock runtime, playback plays into ALSA's
# null device, the team server's suite runs on SQLite and PostgreSQL), the GPU (Vulkan) build check, the lexicon check, the golden-set evaluation with
# the quality gates (text, and recognised term audio), and the end-to-end test of the desktop app in a real WebKit window.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/shruti-target}"

bash scripts/deps.sh --test

# The front end first: the app's build embeds ui/dist.
(
    cd ui
    npm ci --no-audit --no-fund --loglevel=error
    npm run check
    npm run lint
    npm test
    npm run build
)

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
# The team server's story suite runs on SQLite and on a real PostgreSQL: a throwaway cluster.
pg_dir=$(mktemp -d)
trap 'bash scripts/postgres.sh stop "$pg_dir" 2>/dev/null || true; rm -rf "$pg_dir"' EXIT
SHRUTI_TEST_POSTGRES=$(bash scripts/postgres.sh start "$pg_dir")
export SHRUTI_TEST_POSTGRES
cargo test --workspace --locked

bash scripts/check-vulkan.sh

"$shruti" lexicon check
"$shruti" eval golden/text --min-term-recall 0.95 --max-over-corrections 0 --min-verse-recall 0.90
# Recognised audio, on the never-tuned term clips (10 min of speech, about 4 min here): gates on
# the re-scoring mode against today's figures (README), and its WER against plain recognition.
"$shruti" eval-audio golden/terms/heldout --modes off,rescore --threads 2 \
    --min-applied 0.18 --min-first 0.42 --max-sanskritised 2 --max-wer-rise 0.01

bash tests/e2e/run.sh
