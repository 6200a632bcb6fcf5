//! How much garbage the page's JavaScript engine may keep before it collects.
//!
//! JavaScriptCore sizes its collections for browsers: it lets a page allocate at least 32 MiB,
//! and then twice the live heap (on machines with 16 GiB or more), before collecting. Glossa's
//! page keeps about 6 MiB alive, yet scrolling a long document through it makes garbage
//! steadily, so with those defaults the web process grew by about 30 MiB of garbage before a
//! collection came. The app asks for collections after 4 MiB, then after a quarter of the live
//! heap: frequent but small young-generation collections, with no frame or edit measurably
//! slower (figures: `docs/performance.md`). The engine reads these variables in the web
//! process, which inherits them, so they are set before the window starts. A person who sets
//! either keeps full control: then neither is set.

/// JavaScriptCore's options (as environment variables) and the values the app sets.
pub const SMALL_GARBAGE: [(&str, &str); 2] = [
    // The least a page may allocate between collections (bytes; the default is 32 MiB).
    ("JSC_largeHeapSize", "4194304"),
    // Allocation allowed between collections, as a multiple of the live heap (default 2).
    ("JSC_heapGrowthMaxIncrease", "0.25"),
];

/// The variables to set: all of [`SMALL_GARBAGE`] unless the person set any of them.
pub fn small_garbage_env(is_set: impl Fn(&str) -> bool) -> &'static [(&'static str, &'static str)] {
    if SMALL_GARBAGE.iter().any(|(name, _)| is_set(name)) {
        &[]
    } else {
        &SMALL_GARBAGE
    }
}

/// Sets the variables. Call first thing in `main`, before any thread starts.
pub fn prefer_small_garbage() {
    for (name, value) in small_garbage_env(|name| std::env::var_os(name).is_some()) {
        std::env::set_var(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_unless_the_person_chose() {
        assert_eq!(small_garbage_env(|_| false), &SMALL_GARBAGE);
        assert!(small_garbage_env(|name| name == "JSC_largeHeapSize").is_empty());
        assert!(small_garbage_env(|name| name == "JSC_heapGrowthMaxIncrease").is_empty());
    }
}
