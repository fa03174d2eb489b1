use super::{path_str, shruti, stderr, temp_dir};

const SRT: &str = "1\r\n00:00:01,000 --> 00:00:04,000\r\nKrishna speaks to Arjun at Kurukshetra\r\n\r\n2\r\n00:00:04,500 --> 00:00:07,250\r\nWe sat at home and watched the drama.\r\n\r\n3\r\n00:00:07,250 --> 00:00:09,000\r\n<i>The Upanishads</i> and Krishna's flute\r\n";

#[test]
fn corrects_and_keeps_every_cue_and_timing() {
    let dir = temp_dir("correct");
    let input = dir.join("talk.srt");
    std::fs::write(&input, SRT).unwrap();
    let output = dir.join("talk.fixed.srt");
    let o = shruti(&["correct", path_str(&input), "-o", path_str(&output), "--report"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        "1\n00:00:01,000 --> 00:00:04,000\nKṛṣṇa speaks to Arjuna at Kurukṣetra\n\n\
         2\n00:00:04,500 --> 00:00:07,250\nWe sat at home and watched the drama.\n\n\
         3\n00:00:07,250 --> 00:00:09,000\n<i>The Upaniṣads</i> and Kṛṣṇa's flute\n"
    );
    let report = stderr(&o);
    assert!(report.contains("Krishna → Kṛṣṇa"), "{report}");
    assert!(report.contains("5 correction(s) applied"), "{report}");
}

#[test]
fn writes_vtt_when_asked_by_extension() {
    let dir = temp_dir("vtt");
    let input = dir.join("talk.srt");
    std::fs::write(&input, SRT).unwrap();
    let output = dir.join("talk.vtt");
    assert!(shruti(&["correct", path_str(&input), "-o", path_str(&output)]).status.success());
    let vtt = std::fs::read_to_string(&output).unwrap();
    assert!(vtt.starts_with("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nKṛṣṇa speaks"), "{vtt}");
}

#[test]
fn reads_windows_1252_with_a_warning() {
    let dir = temp_dir("cp1252");
    let input = dir.join("old.srt");
    std::fs::write(&input, b"1\n00:00:01,000 --> 00:00:02,000\n\x93Krishna\x94 \x96 caf\xe9\n").unwrap();
    let output = dir.join("new.srt");
    let o = shruti(&["correct", path_str(&input), "-o", path_str(&output)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("read as Windows-1252"), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&output).unwrap().contains("“Kṛṣṇa” – café"));
}

#[test]
fn broken_input_fails_naming_file_and_line_and_writes_nothing() {
    let dir = temp_dir("broken");
    let input = dir.join("broken.srt");
    std::fs::write(&input, "1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:00:0x,000 --> 00:00:03,000\nbad\n")
        .unwrap();
    let output = dir.join("out.srt");
    let o = shruti(&["correct", path_str(&input), "-o", path_str(&output)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains(&format!("{}:6: malformed timing line", input.display())), "{err}");
    assert!(!output.exists());
}

#[test]
fn missing_file_and_bad_usage_have_distinct_exit_codes() {
    let o = shruti(&["correct", "/nonexistent/talk.srt", "-o", "/tmp/x.srt"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot read /nonexistent/talk.srt"), "{}", stderr(&o));
    let o = shruti(&["correct", "talk.srt"]);
    assert_eq!(o.status.code(), Some(2), "missing -o is a usage error");
    assert_eq!(shruti(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(shruti(&["correct", "--help"]).status.code(), Some(0));
}

#[test]
fn huge_and_binary_files_are_refused_clearly() {
    let dir = temp_dir("huge");
    let huge = dir.join("huge.srt");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(300 << 20).unwrap(); // sparse: no disk used
    let o = shruti(&["flag", path_str(&huge)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("300 MiB is too large for a subtitle file"), "{}", stderr(&o));

    let binary = dir.join("lecture.srt");
    std::fs::write(&binary, b"RIFF\x24\x00\x00\x00WAVEfmt ").unwrap();
    let o = shruti(&["flag", path_str(&binary)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(&format!("{}: contains NUL bytes", binary.display())), "{}", stderr(&o));
}
