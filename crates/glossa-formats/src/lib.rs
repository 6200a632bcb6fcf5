//! Glossa's file formats: one module per format, each over files or `io::Write`.
//!
//! - [`native`]: the lossless native JSONL format (`docs/formats/native.md`).
//! - [`text`]: plain `.txt` / `.md` documents.
//! - [`doccano`], [`label_studio`], [`spacy`], [`conll`], [`hf`], [`brat`], [`w3c`],
//!   [`span_csv`] and [`claims_tsv`]: the dataset formats, each documented in
//!   `docs/formats/<format>.md`.
//! - [`format`]: the [`Format`] list and what writers share; [`fidelity`]: the report of what
//!   an export could not hold; [`tokens`]: words (spaCy's English rules) and sentences, the
//!   same for every format; [`read`]: what readers share.
//!
//! Readers report bad input as a [`FormatError`] naming the file, line and field.

pub mod brat;
pub mod claims_tsv;
pub mod conll;
pub mod doccano;
mod error;
pub mod fidelity;
pub mod format;
pub mod hf;
pub mod label_studio;
pub mod native;
pub mod read;
pub mod spacy;
pub mod span_csv;
pub mod text;
pub mod tokens;
pub mod w3c;

pub use error::{FormatError, FormatErrorKind};
pub use fidelity::{Fidelity, Loss, LossKind};
pub use format::{writer, DocumentWriter, ExportSettings, Format, Output, TokensNeeded};
