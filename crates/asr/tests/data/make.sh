#!/usr/bin/env bash
# Regenerate the audio decoder fixtures in this folder from one short espeak-ng sentence.
# Needs espeak-ng and ffmpeg (with libmp3lame, libvorbis, libopus, libvpx, libx264):
#   sudo apt-get install espeak-ng ffmpeg
# The fixtures are committed; rerun only to change them (encoder versions change the bytes).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

for tool in espeak-ng ffmpeg; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "error: $tool is missing; install with: sudo apt-get install espeak-ng ffmpeg" >&2
        exit 1
    fi
done

SENTENCE="Krishna speaks to Arjuna at Kurukshetra."

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The source: espeak-ng's own output, 22.05 kHz mono 16-bit WAV.
espeak-ng -v en-us -s 150 -w "$tmp/src.wav" "$SENTENCE"

# Common flags: quiet, overwrite, one thread, no metadata or encoder tags, reproducible muxing.
ff() {
    ffmpeg -nostdin -hide_banner -loglevel error -y "$@"
}
Q=(-threads 1 -map_metadata -1 -fflags +bitexact -flags:a +bitexact)

# Audio only.
ff -i "$tmp/src.wav" "${Q[@]}" -ar 44100 -ac 2 -c:a pcm_s16le speech.wav
ff -i "$tmp/src.wav" "${Q[@]}" -ar 48000 -ac 1 -c:a flac -sample_fmt s16 speech.flac
ff -i "$tmp/src.wav" "${Q[@]}" -ar 44100 -ac 2 -c:a libmp3lame -b:a 64k speech.mp3
ff -i "$tmp/src.wav" "${Q[@]}" -ar 22050 -ac 1 -c:a libvorbis -q:a 2 speech.ogg
ff -i "$tmp/src.wav" "${Q[@]}" -ar 44100 -ac 2 -c:a aac -profile:a aac_low -b:a 64k \
    -movflags +faststart speech.m4a

# Tiny videos, 2 s (the speech is cut at 2 s).
# WebM: VP8 video + Opus audio; symphonia has neither an Opus nor a video decoder.
ff -f lavfi -i testsrc=size=64x48:rate=10:duration=2 -i "$tmp/src.wav" "${Q[@]}" -flags:v +bitexact \
    -map 0:v -map 1:a -t 2 -c:v libvpx -b:v 40k -pix_fmt yuv420p \
    -c:a libopus -b:a 24k -ar 48000 -ac 1 video.webm
# MP4: H.264 video + AAC-LC audio.
ff -f lavfi -i testsrc=size=64x48:rate=10:duration=2 -i "$tmp/src.wav" "${Q[@]}" -flags:v +bitexact \
    -map 0:v -map 1:a -t 2 -c:v libx264 -preset veryslow -crf 35 -pix_fmt yuv420p \
    -c:a aac -profile:a aac_low -b:a 64k -ar 44100 -ac 2 -movflags +faststart video.mp4

ls -l speech.* video.*
