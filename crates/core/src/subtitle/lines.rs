//! Line access shared by the SRT and WebVTT readers, with line endings normalised.

/// The lines of a subtitle file; `\r\n` and lone `\r` both end a line.
pub(crate) struct Lines<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).flat_map(|l| l.split('\r')).collect();
        Lines { lines }
    }

    pub(crate) fn len(&self) -> usize {
        self.lines.len()
    }

    /// The line at `i`, or `""` past the end.
    pub(crate) fn get(&self, i: usize) -> &'a str {
        self.lines.get(i).copied().unwrap_or("")
    }

    pub(crate) fn is_blank(&self, i: usize) -> bool {
        self.get(i).trim().is_empty()
    }

    pub(crate) fn is_timing(&self, i: usize) -> bool {
        self.get(i).contains("-->")
    }

    /// Whether a new SRT cue starts at `i` (a timing line, or a number followed by one).
    pub(crate) fn starts_cue(&self, i: usize) -> bool {
        let line = self.get(i).trim();
        self.is_timing(i) || (!line.is_empty() && line.bytes().all(|b| b.is_ascii_digit()) && self.is_timing(i + 1))
    }
}
