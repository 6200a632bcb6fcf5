//! Schema migrations, applied with `rusqlite_migration` (the version lives in `user_version`).
//! Append-only: a released migration is never edited.

use rusqlite_migration::{Migrations, M};

/// Every migration, oldest first.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![M::up(include_str!("sql/v1.sql"))])
}

/// The schema version a fresh project has.
pub fn latest_version() -> usize {
    1
}
