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

    /// Whether the line at `i` is meant as a timing line (it has the arrow), well-formed or not.
    pub(crate) fn is_timing(&self, i: usize) -> bool {
        self.get(i).contains("-->")
    }

    /// Whether the line at `i` is a well-formed timing line. Inside a cue only these start a new
    /// cue, so text such as "cause --> effect" stays text.
    pub(crate) fn is_valid_timing(&self, i: usize) -> bool {
        self.is_timing(i) && super::timecode::parse_timing(self.get(i)).is_some()
    }

    /// Whether a new cue starts at `i` inside another cue's text: a timing line, or a line
    /// (an SRT number or a WebVTT identifier) followed by one.
    pub(crate) fn starts_cue(&self, i: usize, any_id: bool) -> bool {
        let line = self.get(i).trim();
        let is_id = any_id || (!line.is_empty() && line.bytes().all(|b| b.is_ascii_digit()));
        self.is_valid_timing(i) || (is_id && self.is_valid_timing(i + 1))
    }
}
