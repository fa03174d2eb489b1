//! Subtitle timestamps: `HH:MM:SS,mmm` (SRT), `HH:MM:SS.mmm` or `MM:SS.mmm` (WebVTT).

/// Parses one timestamp, accepting `,` or `.` before the fraction, an optional hour field and 1–3
/// fraction digits (read as a decimal fraction: `,5` is 500 ms). Returns `None` when malformed.
pub(crate) fn parse(s: &str) -> Option<u64> {
    let (clock, fraction) = match s.rfind([',', '.']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, "0"),
    };
    if fraction.is_empty() || fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let millis = fraction.parse::<u64>().ok()? * 10u64.pow(3 - fraction.len() as u32);
    let mut fields = clock.split(':');
    let parts: Vec<&str> = fields.by_ref().take(4).collect();
    let (h, m, sec) = match parts.as_slice() {
        [h, m, s] => (number(h, 9)?, number(m, 2)?, number(s, 2)?),
        [m, s] => (0, number(m, 2)?, number(s, 2)?),
        _ => return None,
    };
    if m > 59 || sec > 59 {
        return None;
    }
    Some(((h * 60 + m) * 60 + sec) * 1000 + millis)
}

fn number(s: &str, max_digits: usize) -> Option<u64> {
    if s.is_empty() || s.len() > max_digits || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Formats `ms` as `HH:MM:SS{sep}mmm`, hours growing past two digits when needed.
pub(crate) fn format(ms: u64, sep: char) -> String {
    let (h, rest) = (ms / 3_600_000, ms % 3_600_000);
    format!("{h:02}:{:02}:{:02}{sep}{:03}", rest / 60_000, rest % 60_000 / 1000, rest % 1000)
}

/// Splits a timing line `START --> END [settings]` into its parts, or `None` if it is not one.
pub(crate) fn parse_timing(line: &str) -> Option<(u64, u64, Option<&str>)> {
    let (start, rest) = line.split_once("-->")?;
    let rest = rest.trim_start();
    let (end, settings) = match rest.find(char::is_whitespace) {
        Some(i) => (&rest[..i], Some(rest[i..].trim()).filter(|s| !s.is_empty())),
        None => (rest, None),
    };
    Some((parse(start.trim())?, parse(end)?, settings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_world_forms() {
        assert_eq!(parse("00:00:01,000"), Some(1000));
        assert_eq!(parse("00:00:01.250"), Some(1250));
        assert_eq!(parse("01:02:03,004"), Some(3_723_004));
        assert_eq!(parse("02:03.5"), Some(123_500));
        assert_eq!(parse("0:00:07,12"), Some(7120));
        assert_eq!(parse("100:00:00,000"), Some(360_000_000));
    }

    #[test]
    fn rejects_malformed() {
        for bad in ["", "1", "00:00:01,", "00:61:00,000", "aa:00:01,000", "00:00:01,0000", "1:2:3:4,000"] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn formats_and_splits_timing() {
        assert_eq!(format(3_723_004, ','), "01:02:03,004");
        assert_eq!(format(360_000_000, '.'), "100:00:00.000");
        assert_eq!(
            parse_timing("00:00:01.000 --> 00:00:02.500 align:start line:0"),
            Some((1000, 2500, Some("align:start line:0")))
        );
        assert_eq!(parse_timing("00:00:01,000-->00:00:02,000"), Some((1000, 2000, None)));
        assert_eq!(parse_timing("00:00:01,000 -> 00:00:02,000"), None);
    }
}
