//! The request handlers, one module per resource; each is a few lines over the crate's
//! functions. The routes are all in `router.rs`.

pub mod health;
pub mod jobs;
pub mod lexicon;
pub mod users;
