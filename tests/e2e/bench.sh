#!/usr/bin/env bash
# The desktop app's speed (README: Desktop app figures): the release build on a project of
# 10,000 flags in a real WebKit window. Not part of the tests: figures, not assertions.
#
#   cargo build --release -p shruti-app -p shruti-cli && bash tests/e2e/bench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-$HOME/.cache/shruti-target}"
app="$target/release/shruti-app"
shruti="$target/release/shruti"
source tests/e2e/harness.sh

# 2,500 cues of four flagged words each (the e2e lecture's misspellings), in 25 files.
mkdir "$work/lectures"
python3 - "$work/lectures" <<'PY'
import sys
words = ["Arduna", "Pandavan", "Kurukshetre", "dharmakshetre"]
for f in range(25):
    with open(f"{sys.argv[1]}/talk{f:02}.srt", "w") as out:
        for i in range(100):
            s = i * 5
            out.write(f"{i+1}\n00:{s//60:02}:{s%60:02},000 --> 00:{(s+4)//60:02}:{(s+4)%60:02},000\n")
            out.write(f"In talk {f}, part {i}: {words[0]} and {words[1]} went to {words[2]}, the {words[3]}.\n\n")
PY
"$shruti" batch "$work/lectures" --project "$work/project" --no-asr >/dev/null

export SHRUTI_OPEN="$work/project"
start_driver
node tests/e2e/bench.mjs "http://127.0.0.1:$port" "$app"
