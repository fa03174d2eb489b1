#!/usr/bin/env python3
"""Reference benchmark: transcribe audio clips with faster-whisper on a CTranslate2 model (CPU).

Run it through scripts/bench-faster-whisper.sh, which provides a venv with the pinned packages.

stdout carries JSON lines only, one per clip:
    {"clip": PATH, "audio_s": float, "wall_s": float, "text": "..."}
then one summary line:
    {"engine": "faster-whisper", "version": ..., "compute_type": ..., "threads": ...,
     "load_s": ..., "peak_rss_mb": ..., ...}
Everything else (errors, library logs) goes to stderr.

Decoding is set up to match Shruti's whisper.cpp path: greedy by default (--beam-size 1), no
VAD, no word timestamps, no conditioning on the previous window's text.
"""

import argparse
import contextlib
import json
import os
import resource
import sys
import time

SAMPLE_RATE = 16000  # faster_whisper.decode_audio resamples to this by default


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Time faster-whisper transcription of audio clips (CPU, CTranslate2 model)."
    )
    p.add_argument("--model", required=True, metavar="DIR",
                   help="CTranslate2 Whisper model directory (model.bin, config.json, tokenizer.json, ...)")
    p.add_argument("--compute-type", choices=["float32", "int8"], default="float32",
                   help="CTranslate2 compute type (default: float32)")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="CPU threads for CTranslate2 (cpu_threads; default: all cores)")
    p.add_argument("--beam-size", type=int, default=1, metavar="N",
                   help="beam size; 1 = greedy, as Shruti decodes (default: 1)")
    p.add_argument("--language", default="en", help="language code (default: en)")
    p.add_argument("audio", nargs="+", metavar="AUDIO", help="audio files (FLAC, WAV, ...)")
    args = p.parse_args(argv)
    if not os.path.isdir(args.model):
        p.error(f"--model {args.model!r} is not a directory")
    for path in args.audio:
        if not os.path.isfile(path):
            p.error(f"no such audio file: {path!r}")
    if args.threads < 1:
        p.error("--threads must be at least 1")
    if args.beam_size < 1:
        p.error("--beam-size must be at least 1")
    return args


def peak_rss_mb():
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main(argv):
    args = parse_args(argv)
    out = sys.stdout

    def emit(obj):
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        out.flush()

    # Anything the libraries print goes to stderr, so stdout stays JSON lines only.
    with contextlib.redirect_stdout(sys.stderr):
        import ctranslate2
        import faster_whisper
        from faster_whisper import WhisperModel, decode_audio

        t0 = time.perf_counter()
        model = WhisperModel(
            args.model,
            device="cpu",
            compute_type=args.compute_type,
            cpu_threads=args.threads,
            num_workers=1,
            local_files_only=True,
        )
        load_s = time.perf_counter() - t0

        for path in args.audio:
            # Decoding the file is not part of the timing.
            audio = decode_audio(path, sampling_rate=SAMPLE_RATE)
            audio_s = len(audio) / SAMPLE_RATE

            # Each clip runs twice and wall_s is the faster run: the first run warms up
            # (allocator, caches, CTranslate2's lazy initialisation).
            best = None
            text = ""
            for _ in range(2):
                t0 = time.perf_counter()
                segments, _info = model.transcribe(
                    audio,
                    language=args.language,
                    beam_size=args.beam_size,
                    word_timestamps=False,
                    vad_filter=False,
                    condition_on_previous_text=False,
                )
                # transcribe() is lazy: the work happens while the generator is consumed.
                text = "".join(segment.text for segment in segments).strip()
                wall_s = time.perf_counter() - t0
                best = wall_s if best is None else min(best, wall_s)

            emit({"clip": path, "audio_s": round(audio_s, 3), "wall_s": round(best, 4), "text": text})

    emit({
        "engine": "faster-whisper",
        "version": faster_whisper.__version__,
        "ctranslate2_version": ctranslate2.__version__,
        "model": args.model,
        "compute_type": args.compute_type,
        "threads": args.threads,
        "beam_size": args.beam_size,
        "language": args.language,
        "load_s": round(load_s, 4),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    })
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
