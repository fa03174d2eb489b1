//! How a recogniser mishears: the cost of writing each sound (or nothing) for each sound said
//! (or nothing), learned from pairs of (term said, what the recogniser wrote). A noisy channel:
//! a cost is the log of how much less likely the recogniser is to write that sound than the one
//! said, so a confusion it makes often ("m" for "b", a dropped "h") is cheap and one it never
//! makes is dear.
//!
//! Learning starts from costs set by articulation ([`Mishearing::articulation`]), aligns every
//! pair by them, counts what was written for what was said, and re-estimates; a few rounds
//! settle it. The articulation costs stay in as a prior, so a pair of sounds seen rarely keeps
//! roughly its articulatory cost. The learned table is `lexicons/mishearing.tsv`, made by
//! `shruti lexicon learn-mishearing` (`scripts/learn-mishearing.sh`).

use std::sync::OnceLock;

use super::sound::closeness;
use crate::error::Error;

/// Sounds are the letters a to z, and [`NONE`] for no sound.
pub const SOUNDS: usize = 27;
/// The index of "no sound": a sound heard that was not said, or said and not written.
pub const NONE: usize = 26;
/// One unit of cost: the articulation table's price of one unrelated consonant for another.
pub const FULL: u16 = 10;
/// The dearest any mishearing may be, so that one unseen pair does not rule a candidate out.
const DEAREST: u16 = 16;
/// Cost units per nat of likelihood: a confusion e^4 (55) times rarer than the right sound
/// costs [`FULL`].
const SCALE: f64 = 2.5;
/// How many pairs' worth of evidence the articulation prior counts as, per sound said.
const PRIOR_WEIGHT: f64 = 30.0;
/// Pairs further apart than this by articulation are not the term misheard but something else
/// written in its place ("him" for Abhimanyu): they teach nothing. Judged once, by the prior:
/// judged by the table being learned, junk would teach that dropping sounds is cheap, and that
/// would let in more junk.
const KEEP: f32 = 0.35;
/// Sounds a pair needs on each side.
const MIN_SOUNDS: usize = 3;

/// The cost of writing sound `[written]` for sound `[said]`; [`NONE`] on either side for a sound
/// dropped or inserted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mishearing {
    cost: [[u16; SOUNDS]; SOUNDS],
}

/// The bundled table, learned from tiny.en.
const BUNDLED: &str = include_str!("../../../../lexicons/mishearing.tsv");

/// What a round of learning used and how well the table explains it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Round {
    /// Pairs near enough to be the term misheard.
    pub kept: usize,
    /// Their mean closeness under the table the round started from.
    pub mean_closeness: f32,
}

impl Mishearing {
    /// Costs set by articulation alone: vowels for vowels, voiced for voiceless, nasals for
    /// nasals, a dropped h or glide; everything else [`FULL`].
    pub fn articulation() -> Self {
        let mut cost = [[0; SOUNDS]; SOUNDS];
        for (i, row) in cost.iter_mut().enumerate() {
            for (j, c) in row.iter_mut().enumerate() {
                *c = match (i, j) {
                    (NONE, NONE) => 0,
                    (NONE, x) | (x, NONE) => gap(sound(x)),
                    _ => substitution(sound(i), sound(j)),
                };
            }
        }
        Mishearing { cost }.closed()
    }

    /// The bundled table.
    pub fn bundled() -> &'static Self {
        static TABLE: OnceLock<Mishearing> = OnceLock::new();
        TABLE.get_or_init(|| Mishearing::parse(BUNDLED, "mishearing.tsv").expect("the bundled table parses"))
    }

    /// Reads a table: lines of `said written cost`, a sound being a letter or `-` for none; a
    /// pair not listed keeps its articulation cost. Errors name `source_name` and the line.
    pub fn parse(text: &str, source_name: &str) -> Result<Self, Error> {
        let mut table = Mishearing::articulation();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let error = |message: String| Error::Lexicon { source_name: source_name.to_owned(), line: n + 1, message };
            let fields: Vec<&str> = line.split_whitespace().collect();
            let [said, written, cost, ..] = fields[..] else {
                return Err(error(format!("want `said written cost`, found {line:?}")));
            };
            let (said, written) = (index(said).map_err(&error)?, index(written).map_err(&error)?);
            let cost: u16 = cost.parse().map_err(|_| error(format!("{cost:?} is not a cost")))?;
            if said == written && cost != 0 {
                return Err(error("a sound written as said costs 0".into()));
            }
            table.cost[said][written] = cost.min(DEAREST);
        }
        Ok(table.closed())
    }

    /// The table as [`Mishearing::parse`] reads it, after `header` (comment lines), with how
    /// often each pair was seen in learning, where `counts` are given.
    pub fn to_text(&self, header: &str, counts: Option<&[[u32; SOUNDS]; SOUNDS]>) -> String {
        let mut out: String = header.lines().map(|l| format!("# {l}\n")).collect();
        out.push_str("# said written cost seen\n");
        for (i, row) in self.cost.iter().enumerate() {
            for (j, &c) in row.iter().enumerate() {
                if i != j {
                    let seen = counts.map_or(String::new(), |k| format!(" {}", k[i][j]));
                    out.push_str(&format!("{} {} {c}{seen}\n", name(i), name(j)));
                }
            }
        }
        out
    }

    /// The cost of writing `written` for `said` (indices; [`NONE`] for no sound).
    pub fn cost(&self, said: usize, written: usize) -> u16 {
        self.cost[said][written]
    }

    /// Learns a table from (said, written) spellings, in `rounds` rounds from the articulation
    /// costs. Returns the table, how often each pair was seen in the last round, and each round's
    /// figures.
    pub fn learn(pairs: &[(String, String)], rounds: usize) -> (Self, [[u32; SOUNDS]; SOUNDS], Vec<Round>) {
        let prior = Mishearing::articulation();
        let (mut letters, mut said, mut written) = (Vec::new(), Vec::new(), Vec::new());
        let sounded: Vec<(Vec<u8>, Vec<u8>)> = pairs
            .iter()
            .filter_map(|(s, w)| {
                super::sound::sounds_into(s, &mut letters, &mut said);
                super::sound::sounds_into(w, &mut letters, &mut written);
                let long_enough = said.len() >= MIN_SOUNDS && written.len() >= MIN_SOUNDS;
                let near = || closeness(prior.align(&said, &written).0, said.len(), written.len()) <= KEEP;
                (long_enough && near()).then(|| (said.clone(), written.clone()))
            })
            .collect();
        let mut table = prior.clone();
        let mut counts = [[0u32; SOUNDS]; SOUNDS];
        let mut report = Vec::new();
        for _ in 0..rounds {
            counts = [[0; SOUNDS]; SOUNDS];
            let mut total = 0.0;
            for (said, written) in &sounded {
                let (cost, steps) = table.align(said, written);
                total += closeness(cost, said.len(), written.len());
                let inserted = steps.iter().filter(|&&(s, _)| s == NONE).count();
                counts[NONE][NONE] += (said.len() + 1 - inserted.min(said.len() + 1)) as u32;
                for (s, w) in steps {
                    counts[s][w] += 1;
                }
            }
            let kept = sounded.len();
            report.push(Round { kept, mean_closeness: if kept > 0 { total / kept as f32 } else { 0.0 } });
            table = estimate(&counts, &prior);
        }
        (table, counts, report)
    }

    /// The cheapest alignment of `said` to `written` (sounds, as letters): its cost and its
    /// steps, each (said, written) with [`NONE`] for a gap.
    fn align(&self, said: &[u8], written: &[u8]) -> (u16, Vec<(usize, usize)>) {
        let (n, m) = (said.len(), written.len());
        let s = |i: usize| usize::from(said[i] - b'a');
        let w = |j: usize| usize::from(written[j] - b'a');
        let mut d = vec![vec![0u16; m + 1]; n + 1];
        for i in 1..=n {
            d[i][0] = d[i - 1][0] + self.cost[s(i - 1)][NONE];
        }
        for j in 1..=m {
            d[0][j] = d[0][j - 1] + self.cost[NONE][w(j - 1)];
        }
        for i in 1..=n {
            for j in 1..=m {
                d[i][j] = (d[i - 1][j - 1] + self.cost[s(i - 1)][w(j - 1)])
                    .min(d[i - 1][j] + self.cost[s(i - 1)][NONE])
                    .min(d[i][j - 1] + self.cost[NONE][w(j - 1)]);
            }
        }
        let mut steps = Vec::with_capacity(n.max(m));
        let (mut i, mut j) = (n, m);
        while i > 0 || j > 0 {
            if i > 0 && j > 0 && d[i][j] == d[i - 1][j - 1] + self.cost[s(i - 1)][w(j - 1)] {
                steps.push((s(i - 1), w(j - 1)));
                (i, j) = (i - 1, j - 1);
            } else if i > 0 && d[i][j] == d[i - 1][j] + self.cost[s(i - 1)][NONE] {
                steps.push((s(i - 1), NONE));
                i -= 1;
            } else {
                steps.push((NONE, w(j - 1)));
                j -= 1;
            }
        }
        steps.reverse();
        (d[n][m], steps)
    }

    /// Every cost no dearer than a way round by another sound: writing d for m costs no more
    /// than m as n and n as d.
    fn closed(mut self) -> Self {
        let cost = &mut self.cost;
        for k in 0..SOUNDS {
            for i in 0..SOUNDS {
                for j in 0..SOUNDS {
                    cost[i][j] = cost[i][j].min(cost[i][k] + cost[k][j]);
                }
            }
        }
        self
    }
}

/// Costs from counts: P(written | said) from the counts, with the articulation prior as
/// pseudo-counts, and each cost the log of how much likelier the sound said was to be written
/// as itself (or, for [`NONE`], nothing inserted).
fn estimate(counts: &[[u32; SOUNDS]; SOUNDS], prior: &Mishearing) -> Mishearing {
    let mut cost = [[0; SOUNDS]; SOUNDS];
    for said in 0..SOUNDS {
        let weights: Vec<f64> = (0..SOUNDS).map(|w| (-f64::from(prior.cost[said][w]) / SCALE).exp()).collect();
        let sum: f64 = weights.iter().sum();
        let seen: f64 = counts[said].iter().map(|&c| f64::from(c)).sum();
        let p = |w: usize| (f64::from(counts[said][w]) + PRIOR_WEIGHT * weights[w] / sum) / (seen + PRIOR_WEIGHT);
        let right = p(said);
        for written in (0..SOUNDS).filter(|&w| w != said) {
            let c = (SCALE * (right / p(written)).ln()).round().clamp(1.0, f64::from(DEAREST)) as u16;
            // A sound dropped or added is no cheaper than articulation says. The pairs teach
            // that tiny.en drops much (it writes a fragment of a term it does not know), but a
            // cheap drop makes every long term near every short word: a distance that cannot
            // tell terms apart.
            let gap = said == NONE || written == NONE;
            cost[said][written] = if gap { c.max(prior.cost[said][written]) } else { c };
        }
    }
    Mishearing { cost }.closed()
}

fn sound(i: usize) -> u8 {
    b'a' + i as u8
}

fn name(i: usize) -> char {
    if i == NONE {
        '-'
    } else {
        char::from(sound(i))
    }
}

fn index(field: &str) -> Result<usize, String> {
    match field.as_bytes() {
        [b'-'] => Ok(NONE),
        [c @ b'a'..=b'z'] => Ok(usize::from(c - b'a')),
        _ => Err(format!("{field:?} is not a sound (a letter a to z, or - for none)")),
    }
}

pub(crate) fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// The articulatory cost of hearing `a` as `b`.
fn substitution(a: u8, b: u8) -> u16 {
    if a == b {
        return 0;
    }
    if is_vowel(a) && is_vowel(b) {
        return 3;
    }
    let pair = if a < b { (a, b) } else { (b, a) };
    match pair {
        (b'b', b'p') | (b'd', b't') | (b'g', b'k') | (b'c', b'j') | (b's', b'z') | (b'm', b'n') | (b'b', b'v') => 3,
        (b'i', b'y') | (b'u', b'v') => 3,
        (b'l', b'r') | (b'j', b'z') | (b'c', b's') | (b'j', b'y') => 5,
        (b'p', b'v') | (b'd', b'r') | (b'c', b'k') | (b'g', b'j') | (b'b', b'm') | (b'd', b'n') | (b'l', b'n') => 6,
        _ => FULL,
    }
}

/// The articulatory cost of a sound heard that was not said, or said and not heard.
fn gap(c: u8) -> u16 {
    match c {
        b'h' | b'y' => 4,
        c if is_vowel(c) => 4,
        b'r' | b'v' | b'n' | b'm' => 6,
        _ => 8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(c: u8) -> usize {
        usize::from(c - b'a')
    }

    #[test]
    fn articulation_costs_obey_the_triangle_inequality() {
        let table = Mishearing::articulation();
        for i in 0..SOUNDS {
            for j in 0..SOUNDS {
                for k in 0..SOUNDS {
                    assert!(table.cost(i, j) <= table.cost(i, k) + table.cost(k, j), "{i} {j} via {k}");
                }
            }
        }
        // The closure is what makes this hold: m to d costs less by way of n.
        assert!(table.cost(at(b'm'), at(b'd')) < substitution(b'm', b'd'));
    }

    #[test]
    fn a_table_survives_writing_and_reading() {
        let (table, counts, _) = Mishearing::learn(&[("Bhagavad".into(), "Magavad".into())], 2);
        let text = table.to_text("test table", Some(&counts));
        assert!(text.starts_with("# test table\n"), "{text}");
        assert_eq!(Mishearing::parse(&text, "t.tsv").unwrap(), table);
    }

    #[test]
    fn a_bad_line_is_named() {
        let e = Mishearing::parse("# ok\na e 3\nb 7 2\n", "m.tsv").unwrap_err().to_string();
        assert!(e.contains("m.tsv") && e.contains('3') && e.contains("\"7\""), "{e}");
        let e = Mishearing::parse("a a 3\n", "m.tsv").unwrap_err().to_string();
        assert!(e.contains("costs 0"), "{e}");
    }

    #[test]
    fn learning_makes_a_frequent_confusion_cheap_and_ignores_what_is_not_the_term() {
        // The recogniser writes m for b again and again; "him" for Abhimanyu is something else.
        let mut pairs: Vec<(String, String)> =
            ["Bhagavad", "Bhairava", "Bhima", "Bharata", "Bhakti", "Buddha", "Bali", "Bodhi"]
                .iter()
                .map(|s| (s.to_string(), format!("m{}", &s[if s.starts_with("Bh") { 2 } else { 1 }..])))
                .collect();
        pairs.push(("Abhimanyu".into(), "him".into()));
        let before = Mishearing::articulation().cost(at(b'b'), at(b'm'));
        let (table, counts, rounds) = Mishearing::learn(&pairs, 3);
        assert!(table.cost(at(b'b'), at(b'm')) < before, "{} < {before}", table.cost(at(b'b'), at(b'm')));
        assert_eq!(counts[at(b'b')][at(b'm')], 8);
        assert_eq!(rounds[0].kept, 8, "the unrelated pair is left out");
        // Unseen pairs keep roughly their articulation cost.
        let unseen = table.cost(at(b'k'), at(b'r'));
        assert!((8..=DEAREST).contains(&unseen), "{unseen}");
    }

    #[test]
    fn the_bundled_table_is_learned_and_cheaper_where_recognisers_slip() {
        let table = Mishearing::bundled();
        let articulation = Mishearing::articulation();
        assert!(table.cost(at(b'b'), at(b'm')) < articulation.cost(at(b'b'), at(b'm')), "tiny.en writes m for b");
        assert!(table.cost(at(b'a'), at(b'e')) <= FULL / 2, "one vowel for another is a small slip");
        assert!(table.cost(at(b'k'), at(b'r')) > FULL / 2);
    }
}
