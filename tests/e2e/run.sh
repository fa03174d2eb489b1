#!/usr/bin/env bash
# The end-to-end test: the built desktop app in a real WebKit window (Xvfb), driven through
# WebDriver (tauri-driver + WebKitWebDriver). An expert reviews flags by keyboard on a golden
# project, exports, and the SRT must equal the expected file; a batch transcribes a recording.
# Screenshots go to docs/screenshots.
#
# Needs: the release builds of shruti-app and `shruti` (test.sh builds both), the
# tiny.en model, Xvfb, webkit2gtk-driver, tauri-driver 2.1.0 (installed here if missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-$HOME/.cache/shruti-target}"
app="${SHRUTI_APP:-$target/release/shruti-app}"
shruti="${SHRUTI_CLI:-$target/release/shruti}"
source tests/e2e/harness.sh

# The golden project: one lecture's subtitles (golden/e2e), corrected and flagged by a batch,
# with its recording beside it (a golden clip: the review pane plays it, the app's batch
# transcribes it).
mkdir "$work/lectures"
cp golden/e2e/lecture.asr.srt "$work/lectures/"
cp golden/audio/krishna_arjuna_dialogue.flac "$work/lectures/lecture.flac"
"$shruti" batch "$work/lectures" --project "$work/project" --no-asr >/dev/null

export SHRUTI_OPEN="$work/project"
start_driver
mkdir -p docs/screenshots
if ! node tests/e2e/review.mjs "http://127.0.0.1:$port" "$app" "$work" golden/e2e docs/screenshots; then
    echo "--- tauri-driver log" >&2
    tail -50 "$work/driver.log" >&2
    exit 1
fi
