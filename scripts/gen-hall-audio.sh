#!/usr/bin/env bash
# Lecture-hall versions of the tuning clips: golden/terms/tune/NAME.flac, with a hall's reverb
# and a fan's hiss (pink noise, quiet), into golden/terms/tune-hall/, with
# the same references. Tuning material only: the held-out clips are never made over.
# Repeatable: `sox -R` seeds the noise, so the same clips give the same files.
#
# Usage: scripts/gen-hall-audio.sh      (needs sox: sudo apt-get install sox libsox-fmt-all)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=golden/terms/tune-hall
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for clip in golden/terms/tune/*.flac; do
    name=$(basename "$clip" .flac)
    seconds=$(sox --i -D "$clip")
    # Reverberance 30 %, high frequencies damped 50 %, a mid-sized room, 20 ms before the echoes.
    sox -R "$clip" -c 1 "$tmp/hall.wav" gain -3 reverb 30 50 60 100 20
    sox -R -n -r 16000 -c 1 "$tmp/hiss.wav" synth "$seconds" pinknoise vol 0.015
    sox -R -m "$tmp/hall.wav" "$tmp/hiss.wav" -r 16000 -c 1 -b 16 "$out/$name.flac" trim 0 "$seconds"
    cp "golden/terms/tune/$name.ref.txt" "$out/"
    echo "$out/$name.flac: $(sox --i -D "$out/$name.flac") s"
done
