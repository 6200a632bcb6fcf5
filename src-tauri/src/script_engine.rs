//! How the page's JavaScript engine is tuned: for memory, as Glossa's page is small and its
//! scripts are light (the text, its spans and the DOM; the heavy work runs in Rust).
//!
//! - Garbage: JavaScriptCore sizes its collections for browsers. It lets a page allocate at
//!   least 32 MiB, and then twice the live heap (on machines with 16 GiB or more), before
//!   collecting. Glossa's page keeps about 6 MiB alive, yet scrolling a long document makes
//!   garbage steadily, so the web process grew by about 30 MiB of garbage before a collection
//!   came. The app asks for collections after 4 MiB, then after a quarter of the live heap:
//!   frequent but small young-generation collections.
//! - No optimizing JIT tier (DFG, and so no FTL): its compiler's code, threads and compiled
//!   code cost the web process about 9 MiB, while the page's scripts run as fast in the
//!   baseline JIT but for ~3 ms per edit.
//!
//! Figures: `docs/performance.md`. The engine reads these variables in the web process, which
//! inherits them, so they are set before the window starts. A person who sets any of them
//! keeps full control: then none is set.

use crate::env_defaults::{apply, in_env, unless_chosen, Group};

/// JavaScriptCore's options (as environment variables) and the values the app sets.
pub const LEAN_ENGINE: [(&str, &str); 3] = [
    // The least a page may allocate between collections (bytes; the default is 32 MiB).
    ("JSC_largeHeapSize", "4194304"),
    // Allocation allowed between collections, as a multiple of the live heap (default 2).
    ("JSC_heapGrowthMaxIncrease", "0.25"),
    // The optimizing JIT (and with it the FTL tier above it).
    ("JSC_useDFGJIT", "0"),
];

/// The variables to set: all of [`LEAN_ENGINE`] unless the person set any of them.
pub fn lean_engine_env(is_set: impl Fn(&str) -> bool) -> Group {
    unless_chosen(&LEAN_ENGINE, is_set)
}

/// Sets the variables. Call first thing in `main`, before any thread starts.
pub fn prefer_lean_engine() {
    apply(lean_engine_env(in_env));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_unless_the_person_chose() {
        assert_eq!(lean_engine_env(|_| false), &LEAN_ENGINE);
        for (name, _) in LEAN_ENGINE {
            assert!(lean_engine_env(|n| n == name).is_empty(), "{name}");
        }
    }
}
