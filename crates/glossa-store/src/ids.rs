//! Global ids: UUIDv7 (time-ordered, so new rows append to their unique index), the same in
//! every copy of a project.

/// A fresh global id.
pub fn new_gid() -> String {
    uuid::Uuid::now_v7().to_string()
}
