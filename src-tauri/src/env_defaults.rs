//! Environment variables the app sets for the engines it hosts (GTK, WebKitGTK,
//! JavaScriptCore), before any of them starts: each group is set whole, and not at all if the
//! person set any of its variables themselves.

/// A group of variables and the values the app sets.
pub type Group = &'static [(&'static str, &'static str)];

/// `group`, or nothing if the person set any of its variables (`is_set`).
pub fn unless_chosen(group: Group, is_set: impl Fn(&str) -> bool) -> Group {
    if group.iter().any(|(name, _)| is_set(name)) {
        &[]
    } else {
        group
    }
}

/// Whether the process's environment holds `name`.
pub fn in_env(name: &str) -> bool {
    std::env::var_os(name).is_some()
}

/// Sets the variables. Call first thing in `main`, before any thread starts.
pub fn apply(group: Group) {
    for (name, value) in group {
        std::env::set_var(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_is_set_whole_or_not_at_all() {
        const G: Group = &[("A", "1"), ("B", "2")];
        assert_eq!(unless_chosen(G, |_| false), G);
        assert!(unless_chosen(G, |n| n == "B").is_empty());
    }
}
