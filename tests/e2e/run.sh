#!/usr/bin/env bash
# The end-to-end test: the built desktop app in a real WebKit window (Xvfb), driven through
# WebDriver (tauri-driver + WebKitWebDriver). An expert reviews flags by keyboard on a golden
# project, exports, and the SRT must equal the expected file. Screenshots go to docs/screenshots.
#
# Needs: the debug build of shruti-app and the release `shruti` (test.sh builds both), Xvfb,
# webkit2gtk-driver, tauri-driver 2.1.0 (installed here if missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-$HOME/.cache/shruti-target}"
app="$target/debug/shruti-app"
shruti="${SHRUTI_CLI:-$target/release/shruti}"
for bin in "$app" "$shruti"; do
    [ -x "$bin" ] || { echo "error: $bin is not built" >&2; exit 1; }
done
if ! command -v tauri-driver >/dev/null 2>&1 || ! tauri-driver --help 2>&1 | head -1 | grep -q .; then
    cargo install --locked tauri-driver@2.1.0
fi

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# The golden project: one lecture's subtitles (golden/e2e), corrected and flagged by a batch.
mkdir "$work/lectures"
cp golden/e2e/lecture.asr.srt "$work/lectures/"
# Its recording beside it (a golden clip: the review pane plays it and reports the position).
cp golden/audio/krishna_arjuna_dialogue.flac "$work/lectures/lecture.flac"
"$shruti" batch "$work/lectures" --project "$work/project" --no-asr >/dev/null

# Sound goes to ALSA's null device, so playback really runs without a sound card.
printf 'pcm.!default { type null }\nctl.!default { type hw card 0 }\n' > "$work/asound.conf"
export ALSA_CONFIG_PATH="$work/asound.conf"
export SHRUTI_CONFIG="$work/settings.json"
printf '{"reviewer": "e2e"}' > "$SHRUTI_CONFIG"
export SHRUTI_OPEN="$work/project"
export NO_AT_BRIDGE=1

display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
export DISPLAY="$display"
port=$((4400 + RANDOM % 500))
tauri-driver --port "$port" >"$work/driver.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
    curl -s "http://127.0.0.1:$port/status" >/dev/null 2>&1 && break
    sleep 0.1
done

mkdir -p docs/screenshots
if ! node tests/e2e/review.mjs "http://127.0.0.1:$port" "$app" "$work" golden/e2e docs/screenshots; then
    echo "--- tauri-driver log" >&2
    tail -50 "$work/driver.log" >&2
    exit 1
fi
