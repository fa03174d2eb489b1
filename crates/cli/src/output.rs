//! Writing results: the flags JSON that `flag` prints and `transcribe` saves.

use serde::Serialize;
use shruti_core::Flag;

/// A flag as written: the cue number (1-based) beside the engine's fields.
#[derive(Serialize)]
pub struct Printed<'a> {
    pub cue: usize,
    #[serde(flatten)]
    pub flag: &'a Flag,
}

impl<'a> Printed<'a> {
    pub fn new(flag: &'a Flag) -> Self {
        Printed { cue: flag.segment + 1, flag }
    }
}

pub fn flags_json<'a>(flags: impl IntoIterator<Item = &'a Flag>) -> serde_json::Result<String> {
    let printed: Vec<Printed> = flags.into_iter().map(Printed::new).collect();
    serde_json::to_string_pretty(&printed)
}
