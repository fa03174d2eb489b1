#!/usr/bin/env bash
# Reference benchmark: runs scripts/bench_faster_whisper.py (faster-whisper on a CTranslate2
# Whisper model) inside its own venv, so Shruti's whisper.cpp timings can be compared with it.
#
# The venv lives at ${SHRUTI_BENCH_VENV:-$HOME/.cache/shruti-bench/venv} and is created on first
# use with the pinned packages below; afterwards this script prints nothing of its own. Set-up
# messages go to stderr, so stdout carries only the benchmark's JSON lines.
#
#   scripts/bench-faster-whisper.sh --model DIR [--compute-type float32|int8] [--threads N] \
#       [--beam-size N] [--language en] AUDIO...
set -euo pipefail

# Pins: faster-whisper, and the CTranslate2 it runs on (that is what the timings measure).
PINS=(faster-whisper==1.2.1 ctranslate2==4.8.5)

here="$(cd "$(dirname "$0")" && pwd)"
venv="${SHRUTI_BENCH_VENV:-$HOME/.cache/shruti-bench/venv}"
stamp="$venv/.shruti-bench-pins"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "${PINS[*]}" ]; then
    echo "bench-faster-whisper: setting up venv at $venv (${PINS[*]})" >&2
    mkdir -p "$(dirname "$venv")"
    "$python" -m venv "$venv" >&2
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "${PINS[@]}" >&2
    printf '%s\n' "${PINS[*]}" >"$stamp"
fi

exec "$venv/bin/python" "$here/bench_faster_whisper.py" "$@"
