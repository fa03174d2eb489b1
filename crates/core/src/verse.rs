//! Recited verses: the verse corpus (the Bhagavad Gītā, from `lexicons/verses/`) and an index of
//! 4-grams over each half-verse's phonetic skeleton, so a mangled recitation ("Karmanye
//! vadhikaraste, ma phaleshu kadachana") finds its verse without scanning the corpus.

use rustc_hash::FxHashMap;
use serde::Deserialize;

use crate::engine::skeleton::{skeleton_into, SkeletonMode};
use crate::error::Error;

/// The bundled verse files as `(file name, TOML text)`.
pub const BUNDLED_VERSES: &[(&str, &str)] =
    &[("bhagavad-gita.toml", include_str!("../../../lexicons/verses/bhagavad-gita.toml"))];

/// One verse.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verse {
    /// Chapter.verse, e.g. "2.47".
    #[serde(rename = "ref")]
    pub reference: String,
    /// Who speaks it ("श्रीभगवानुवाच"), when the text says.
    #[serde(default)]
    pub speaker: Option<String>,
    /// The half-verses in Devanagari.
    pub deva: Vec<String>,
    /// The half-verses in IAST, derived from the Devanagari.
    pub iast: Vec<String>,
}

/// A work's verses.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerseCorpus {
    /// The work's title.
    pub work: String,
    /// Its verses, in order.
    #[serde(rename = "verse")]
    pub verses: Vec<Verse>,
}

impl VerseCorpus {
    /// Parses a verse file.
    pub fn from_toml(name: &str, text: &str) -> Result<Self, Error> {
        let corpus: VerseCorpus = toml::from_str(text).map_err(|e| Error::Lexicon {
            source_name: name.to_owned(),
            line: e
                .span()
                .map_or(1, |s| text.as_bytes()[..s.start.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1),
            message: e.message().trim().to_owned(),
        })?;
        if let Some(v) =
            corpus.verses.iter().find(|v| v.deva.len() != v.iast.len() || !(1..=255).contains(&v.deva.len()))
        {
            return Err(Error::Lexicon {
                source_name: name.to_owned(),
                line: 1,
                message: format!("verse {} needs 1 to 255 Devanagari lines and as many IAST lines", v.reference),
            });
        }
        Ok(corpus)
    }

    /// The bundled corpora.
    pub fn bundled() -> Vec<VerseCorpus> {
        BUNDLED_VERSES
            .iter()
            .map(|(name, text)| {
                Self::from_toml(name, text).unwrap_or_else(|e| panic!("bundled verses are invalid: {e}"))
            })
            .collect()
    }
}

/// Where a half-verse lives.
#[derive(Debug, Clone, Copy)]
struct LineRef {
    corpus: u16,
    verse: u32,
    line: u8,
    grams: u16,
}

/// A verse found in a piece of text.
#[derive(Debug, Clone, PartialEq)]
pub struct VerseHit<'a> {
    /// The work.
    pub work: &'a str,
    /// The verse.
    pub verse: &'a Verse,
    /// Which half-verses were recited, in order.
    pub lines: Vec<usize>,
    /// The best line's share of 4-grams found in the text, 0..=1.
    pub coverage: f32,
    /// Other verses with a line heard just as well (the Gītā repeats some half-verses: 9.34 and
    /// 18.65 open alike), with their covered lines.
    pub also: Vec<(&'a Verse, Vec<usize>)>,
}

/// Lookup from skeleton 4-grams to the half-verses that contain them.
pub struct VerseIndex {
    corpora: Vec<VerseCorpus>,
    lines: Vec<LineRef>,
    postings: FxHashMap<u32, Vec<u32>>,
}

/// The fewest shared 4-grams that can identify a line.
const MIN_SHARED: usize = 6;
/// The share of a line's 4-grams that must be heard.
const MIN_COVERAGE: f32 = 0.6;
/// A 4-gram in more than one line in this many is too common to index.
const COMMON_GRAM_DIVISOR: usize = 50;

impl VerseIndex {
    /// Indexes the corpora.
    pub fn new(corpora: Vec<VerseCorpus>) -> Self {
        let mut lines = Vec::new();
        let mut postings: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        let (mut folded, mut skel, mut grams) = (Vec::new(), String::new(), Vec::new());
        for (c, corpus) in corpora.iter().enumerate() {
            for (v, verse) in corpus.verses.iter().enumerate() {
                for (l, line) in verse.iast.iter().enumerate() {
                    skeleton_into(line, SkeletonMode::Stream, &mut folded, &mut skel);
                    four_grams(&skel, &mut grams);
                    let id = lines.len() as u32;
                    let grams_heard = u16::try_from(grams.len()).unwrap_or(u16::MAX);
                    lines.push(LineRef { corpus: c as u16, verse: v as u32, line: l as u8, grams: grams_heard });
                    for &g in &grams {
                        postings.entry(g).or_default().push(id);
                    }
                }
            }
        }
        // A 4-gram found in very many lines ("tasy", "sarv") tells little about which line was
        // recited and makes every lookup walk a long list: leave it out, and out of the counts.
        let common = (lines.len() / COMMON_GRAM_DIVISOR).max(MIN_SHARED * 4);
        postings.retain(|_, ids| {
            if ids.len() <= common {
                return true;
            }
            for &id in ids.iter() {
                lines[id as usize].grams -= 1;
            }
            false
        });
        VerseIndex { corpora, lines, postings }
    }

    /// The bundled corpora, indexed.
    pub fn bundled() -> Self {
        Self::new(VerseCorpus::bundled())
    }

    /// The corpora.
    pub fn corpora(&self) -> &[VerseCorpus] {
        &self.corpora
    }

    /// The verse recited in `text`, if one is: the best-covered half-verse and any other half of
    /// the same verse that is also covered.
    pub fn find(&self, text: &str) -> Option<VerseHit<'_>> {
        self.find_with(text, &mut VerseScratch::default())
    }

    /// [`find`](Self::find) with buffers reused across calls.
    pub fn find_with(&self, text: &str, s: &mut VerseScratch) -> Option<VerseHit<'_>> {
        skeleton_into(text, SkeletonMode::Stream, &mut s.folded, &mut s.skel);
        four_grams(&s.skel, &mut s.grams);
        s.shared.resize(self.lines.len(), 0);
        for g in &s.grams {
            for &line in self.postings.get(g).map(Vec::as_slice).unwrap_or_default() {
                if s.shared[line as usize] == 0 {
                    s.touched.push(line);
                }
                s.shared[line as usize] = s.shared[line as usize].saturating_add(1);
            }
        }
        let coverage = |line: u32, n: u16| f32::from(n) / f32::from(self.lines[line as usize].grams.max(1));
        let mut best: Option<(u32, f32)> = None;
        for &line in &s.touched {
            let n = s.shared[line as usize];
            let c = coverage(line, n);
            if usize::from(n) >= MIN_SHARED
                && c >= MIN_COVERAGE
                && best.is_none_or(|(b, bc)| c > bc || c == bc && line < b)
            {
                best = Some((line, c));
            }
        }
        let hit = best.map(|(line, best_coverage)| {
            let at = self.lines[line as usize];
            let heard = |l: u32| {
                let n = s.shared[l as usize];
                usize::from(n) >= MIN_SHARED && coverage(l, n) >= MIN_COVERAGE
            };
            let lines_of = |corpus: u16, verse: u32| {
                let mut lines: Vec<usize> = s
                    .touched
                    .iter()
                    .map(|&l| (l, self.lines[l as usize]))
                    .filter(|&(l, r)| r.corpus == corpus && r.verse == verse && heard(l))
                    .map(|(_, r)| usize::from(r.line))
                    .collect();
                lines.sort_unstable();
                lines
            };
            let mut also: Vec<(u16, u32)> = s
                .touched
                .iter()
                .map(|&l| (l, self.lines[l as usize]))
                .filter(|&(l, r)| {
                    (r.corpus, r.verse) != (at.corpus, at.verse)
                        && heard(l)
                        && coverage(l, s.shared[l as usize]) >= best_coverage - 0.01
                })
                .map(|(_, r)| (r.corpus, r.verse))
                .collect();
            also.sort_unstable();
            also.dedup();
            let verse_at = |c: u16, v: u32| &self.corpora[usize::from(c)].verses[v as usize];
            VerseHit {
                work: &self.corpora[usize::from(at.corpus)].work,
                verse: verse_at(at.corpus, at.verse),
                lines: lines_of(at.corpus, at.verse),
                coverage: best_coverage.min(1.0),
                also: also.into_iter().map(|(c, v)| (verse_at(c, v), lines_of(c, v))).collect(),
            }
        });
        for &line in &s.touched {
            s.shared[line as usize] = 0;
        }
        s.touched.clear();
        hit
    }
}

/// Buffers for [`VerseIndex::find_with`].
#[derive(Default)]
pub struct VerseScratch {
    folded: Vec<u8>,
    skel: String,
    grams: Vec<u32>,
    /// Shared 4-grams per line; zero outside `touched`.
    shared: Vec<u16>,
    touched: Vec<u32>,
}

impl VerseIndex {
    /// The 4-grams of the half-verses a hit found.
    pub(crate) fn grams_of_lines(&self, hit: &VerseHit) -> Vec<u32> {
        let (mut folded, mut skel, mut grams, mut all) = (Vec::new(), String::new(), Vec::new(), Vec::new());
        for &l in &hit.lines {
            skeleton_into(&hit.verse.iast[l], SkeletonMode::Stream, &mut folded, &mut skel);
            four_grams(&skel, &mut grams);
            all.extend_from_slice(&grams);
        }
        all.sort_unstable();
        all.dedup();
        all
    }

    /// Whether a word of the text sounds like part of those lines: one of its 4-grams is theirs.
    /// (Short words between two such words go with the recitation: the span runs first to last.)
    pub(crate) fn shares_grams(&self, word: &str, line_grams: &[u32]) -> bool {
        let mut skel = String::new();
        skeleton_into(word, SkeletonMode::Stream, &mut Vec::new(), &mut skel);
        let mut grams = Vec::new();
        four_grams(&skel, &mut grams);
        grams.iter().any(|g| line_grams.binary_search(g).is_ok())
    }
}

/// The distinct 4-grams of an ASCII skeleton, packed into `u32`s.
fn four_grams(skel: &str, out: &mut Vec<u32>) {
    out.clear();
    out.extend(skel.as_bytes().windows(4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])));
    out.sort_unstable();
    out.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> VerseIndex {
        VerseIndex::bundled()
    }

    #[test]
    fn bundled_corpus_is_the_whole_gita() {
        let corpora = VerseCorpus::bundled();
        assert_eq!(corpora[0].work, "Bhagavad Gītā");
        assert_eq!(corpora[0].verses.len(), 701);
        let per_chapter =
            |c: &str| corpora[0].verses.iter().filter(|v| v.reference.split('.').next() == Some(c)).count();
        assert_eq!(per_chapter("2"), 72);
        assert_eq!(per_chapter("18"), 78);
    }

    #[test]
    fn iast_is_the_transliteration_of_the_devanagari() {
        let mut t = crate::lexicon::Transliterator::new();
        for verse in &VerseCorpus::bundled()[0].verses {
            for (deva, iast) in verse.deva.iter().zip(&verse.iast) {
                assert_eq!(&t.to_iast(deva), iast, "{}", verse.reference);
            }
        }
    }

    #[test]
    fn finds_mangled_recitations() {
        let index = index();
        for (text, want) in [
            ("Karmanye vadhikaraste, ma phaleshu kadachana", "2.47"),
            ("As Krishna says, yada yada hi dharmasya glanir bhavati bharata", "4.7"),
            ("dharma kshetre kuru kshetre samaveta yuyutsavah", "1.1"),
            ("paritranaya sadhunam vinashaya cha dushkritam", "4.8"),
            ("sarva dharman parityajya mam ekam sharanam vraja", "18.66"),
        ] {
            let hit = index.find(text).unwrap_or_else(|| panic!("no verse for {text}"));
            assert_eq!(hit.verse.reference, want, "{text}");
        }
    }

    #[test]
    fn ignores_plain_english() {
        let index = index();
        for text in [
            "Krishna speaks to Arjuna at Kurukshetra about his duty.",
            "The panorama of the drama was at home with the diva on guitar.",
            "We sat down, and the man said the yoga of action is karma yoga.",
            // Golden gita_ch1 cue 24: the verse's names in an English sentence are no recitation.
            "Hrishikesh blows the Panchajanya, Arjun blows the Devadatta.",
        ] {
            assert!(index.find(text).is_none(), "{text}");
        }
    }
}
