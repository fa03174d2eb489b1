#!/usr/bin/env bash
# Synthesise the golden term clips (golden/terms/{tune,heldout}/NAME.speak.txt -> NAME.flac),
# each in its own voice. The tuning set is spoken by espeak-ng's English voices; the held-out
# set mostly by Festival, another synthesiser altogether (an HTS voice and a diphone voice), and
# by espeak voices the tuning set does not use: its accuracy is that of voices never tuned on.
#
# Usage: scripts/gen-term-audio.sh      (needs espeak-ng, sox and Festival: see gen-golden-audio.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

clip() { # set name voice [speed]
    DIR="golden/terms/$1" VOICE="$3" SPEED="${4:-150}" bash scripts/gen-golden-audio.sh "$2"
}
clip tune gita_action en-us
clip tune yoga_sutras_practice en-gb 140
clip tune puranas_avatars en-gb-x-rp
clip tune vedanta_acharyas en-us 170
clip tune false_friends en-gb-scotland
clip heldout ramayana_pilgrimage festival:cmu_us_slt_arctic_hts
clip heldout mahabharata_persons festival:kal_diphone
clip heldout mantras_ritual en-029 145
clip heldout upanishads_samkhya festival:cmu_us_slt_arctic_hts
clip heldout false_friends festival:kal_diphone
