#!/usr/bin/env bash
# Synthesise the golden audio clips: golden/audio/NAME.speak.txt -> golden/audio/NAME.flac.
#
# Each paragraph (paragraphs are separated by blank lines) is spoken on its own by espeak-ng with
# an English voice, resampled to 16 kHz mono, and the paragraphs are joined with 2.5 s of digital
# silence between them, so that silence skipping in the recogniser can be exercised. The result is
# a 16 kHz, mono, 16-bit FLAC.
#
# Usage: scripts/gen-golden-audio.sh [NAME ...]     (default: every DIR/*.speak.txt)
#
# VOICE is an espeak-ng voice (en-us), or festival:NAME for a Festival voice
# (festival:cmu_us_slt_arctic_hts, festival:kal_diphone; SPEED is then ignored). DIR is the folder
# of clips (golden/audio). scripts/gen-term-audio.sh uses both for the term clips.
#
# The FLACs are committed, so the tests never depend on the local espeak-ng version; rerun this
# only after editing a .speak.txt, and listen to the result.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

VOICE="${VOICE:-en-us}"  # espeak-ng voice
SPEED="${SPEED:-150}"    # words per minute
GAP="${GAP:-2.5}"        # seconds of silence between paragraphs
RATE=16000
DIR="${DIR:-golden/audio}"

missing=()
synth=espeak-ng
case "$VOICE" in festival:*) synth=text2wave ;; esac
for tool in "$synth" sox; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
    echo "error: missing tool(s): ${missing[*]}" >&2
    echo "       install them with: sudo apt-get install espeak-ng sox (Festival voices: festival festvox-kallpc16k festvox-us-slt-hts)" >&2
    exit 1
fi
if ! sox -h 2>/dev/null | grep -qw flac; then
    echo "error: this sox cannot write FLAC; install: sudo apt-get install sox libsox-fmt-all" >&2
    exit 1
fi

if (($#)); then
    inputs=()
    for name in "$@"; do inputs+=("$DIR/$name.speak.txt"); done
else
    shopt -s nullglob
    inputs=("$DIR"/*.speak.txt)
    shopt -u nullglob
fi
if ((${#inputs[@]} == 0)); then
    echo "error: no $DIR/*.speak.txt found" >&2
    exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# `sox -R` everywhere: sox dithers when it writes 16-bit after `rate`, and -R seeds that dither
# so that a rerun gives byte-identical FLACs.

# One silence file, reused between all paragraphs.
sox -R -n -r "$RATE" -c 1 -b 16 "$tmp/gap.wav" trim 0 "$GAP"

for speak in "${inputs[@]}"; do
    if [[ ! -f "$speak" ]]; then
        echo "error: $speak not found" >&2
        exit 1
    fi
    if LC_ALL=C grep -q '[^ -~]' "$speak"; then
        echo "error: $speak has non-ASCII characters; write Sanskrit terms anglicised (espeak spells out diacritics)" >&2
        exit 1
    fi
    name="$(basename "$speak" .speak.txt)"
    out="$DIR/$name.flac"
    rm -f "$tmp"/para-*.txt "$tmp"/para-*.wav

    # Split into paragraphs: blank-line separated, each joined onto one line.
    awk -v dir="$tmp" 'BEGIN { RS = ""; FS = "\n" }
        { f = sprintf("%s/para-%03d.txt", dir, NR); line = $1
          for (i = 2; i <= NF; i++) line = line " " $i
          print line > f; close(f) }' "$speak"

    parts=()
    for txt in "$tmp"/para-*.txt; do
        raw="${txt%.txt}.raw.wav"
        wav="${txt%.txt}.wav"
        case "$VOICE" in
            festival:*) text2wave -eval "(voice_${VOICE#festival:})" -o "$raw" "$txt" ;;
            *) espeak-ng -v "$VOICE" -s "$SPEED" -w "$raw" -f "$txt" ;;
        esac
        sox -R "$raw" -r "$RATE" -c 1 -b 16 "$wav" rate -v
        if ((${#parts[@]})); then parts+=("$tmp/gap.wav"); fi
        parts+=("$wav")
    done

    # Short lead-in and tail so speech does not start on the first sample.
    sox -R "${parts[@]}" -r "$RATE" -c 1 -b 16 "$out" pad 0.3 0.5
    printf '%-40s %d paragraphs  %6.2f s\n' "$out" "$(((${#parts[@]} + 1) / 2))" \
        "$(sox --i -D "$out")"
done
