//! The lexicon files in `lexicons/`, compiled into the binary so every tool has them.

macro_rules! bundle {
    ($($name:literal),* $(,)?) => {
        /// The bundled lexicon files as `(file name, TOML text)`, one per category.
        pub const BUNDLED: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../../../../lexicons/", $name)))),*
        ];
    };
}

bundle!(
    "deities.toml",
    "persons.toml",
    "sages.toml",
    "scriptures.toml",
    "philosophy.toml",
    "practices.toml",
    "places.toml",
    "mantras.toml",
);
