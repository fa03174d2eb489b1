//! What the whole lecture says about each flag found by sound. A lecture repeats its terms, so
//! once every segment is analysed, an entry the transcript has with certainty elsewhere (written
//! right, or corrected) gains [`FOUND_BONUS`] in every such flag's suggestions, which are then
//! ranked again.
//!
//! A topic prior was tried beside it, each entry gaining a share of the lecture's certain terms
//! of its category: it moved the tuning set by two terms at one weight and lost one on the hall
//! clips, so it is not kept.

use crate::lexicon::EntryId;
use crate::report::{Analysis, Reason};

/// What a term the lecture names elsewhere adds to a suggestion's score.
const FOUND_BONUS: f32 = 0.1;

/// Ranks again the suggestions of every flag found by sound, given the entries `found` already
/// right in the text (the corrections' entries are added here).
pub(crate) fn rerank(analysis: &mut Analysis, found: &[EntryId]) {
    let mut certain: Vec<EntryId> = analysis.corrections.iter().map(|c| c.entry).chain(found.iter().copied()).collect();
    certain.sort_unstable();
    certain.dedup();
    let by_sound = |reasons: &[Reason]| reasons.iter().any(|r| matches!(r, Reason::SoundsLike { .. }));
    for flag in analysis.flags.iter_mut().filter(|f| by_sound(&f.reasons)) {
        let mut changed = false;
        for s in &mut flag.suggestions {
            if s.entry.is_some_and(|e| certain.binary_search(&e).is_ok()) {
                s.score = (s.score + FOUND_BONUS).min(1.0);
                changed = true;
            }
        }
        if changed {
            // Stable: equal scores keep their order by sound.
            flag.suggestions.sort_by(|a, b| b.score.total_cmp(&a.score));
        }
    }
}
