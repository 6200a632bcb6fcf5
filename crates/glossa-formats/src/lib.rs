//! Glossa's file formats: one module per format, each over `io::Read` / `io::Write`.
//!
//! - [`native`]: the lossless native JSONL format (`docs/formats/native.md`).
//! - [`text`]: plain `.txt` / `.md` documents.
//!
//! Readers report bad input as a [`FormatError`] naming the file, line and field.

mod error;
pub mod native;
pub mod text;

pub use error::{FormatError, FormatErrorKind};
