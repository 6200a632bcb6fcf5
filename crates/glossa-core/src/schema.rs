//! Label schemas: which labels exist, their colours, hotkeys and typed attributes, and which
//! relation types may link which labels. A schema is data (a JSON file) and checks itself and
//! the spans and relations made under it.

use std::collections::{BTreeMap, BTreeSet};
use ts_rs::TS;

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, CoreErrorKind};
use crate::model::Attrs;

/// A project's label schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// Display name.
    pub name: String,
    /// Span labels, in display order.
    pub labels: Vec<LabelDef>,
    /// Relation types.
    #[serde(default)]
    pub relations: Vec<RelationDef>,
    /// Whether spans of one layer may overlap or nest (a CLAIM holding entities, say). When
    /// false, every import and edit refuses a span that overlaps another of its layer.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    #[ts(optional = nullable)]
    pub allow_overlaps: bool,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// What kind of thing a label marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LabelKind {
    /// A named entity (PERSON, ORG, …).
    Entity,
    /// A checkable claim.
    Claim,
    /// Anything else (a cue phrase, a quote, …).
    Other,
}

impl LabelKind {
    /// Its name in schema files (`entity`, `claim`, `other`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Entity => "entity",
            Self::Claim => "claim",
            Self::Other => "other",
        }
    }
}

/// One span label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct LabelDef {
    /// The label's name, as exported (`PERSON`).
    pub name: String,
    /// Entity, claim or other.
    pub kind: LabelKind,
    /// Display colour, `#rrggbb`.
    pub color: String,
    /// Key that applies it: a digit or a letter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotkey: Option<String>,
    /// Help text for annotators.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Typed attributes of spans with this label.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<AttributeDef>,
}

/// One attribute of a label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AttributeDef {
    /// Attribute name (`checkworthiness`).
    pub name: String,
    /// Its value type.
    #[serde(flatten)]
    pub kind: AttrKind,
    /// Help text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// An attribute's value type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AttrKind {
    /// One of a fixed set of strings.
    Enum {
        /// The allowed values.
        options: Vec<String>,
        /// What values mean, for people (`CFS` → "check-worthy factual statement").
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        #[ts(optional, as = "Option<BTreeMap<String, String>>")]
        meanings: BTreeMap<String, String>,
    },
    /// `true` or `false`.
    Bool,
    /// Free text.
    Text,
}

/// A relation type and the labels its arguments may have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RelationDef {
    /// Relation name (`ATTRIBUTED_TO`).
    pub name: String,
    /// What the source span may be.
    pub from: ArgConstraint,
    /// What the target span may be.
    pub to: ArgConstraint,
    /// Help text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// Allowed argument labels: a span fits if its label is listed or its label's kind is listed.
/// Both empty means any span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, TS)]
#[serde(deny_unknown_fields)]
pub struct ArgConstraint {
    /// Allowed label names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    /// Allowed label kinds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<LabelKind>,
}

impl ArgConstraint {
    fn allows(&self, label: &LabelDef) -> bool {
        (self.labels.is_empty() && self.kinds.is_empty())
            || self.labels.contains(&label.name)
            || self.kinds.contains(&label.kind)
    }

    fn describe(&self) -> String {
        if self.labels.is_empty() && self.kinds.is_empty() {
            return "any label".into();
        }
        let kinds = self.kinds.iter().map(|k| match k {
            LabelKind::Entity => "any entity".to_string(),
            LabelKind::Claim => "any claim".to_string(),
            LabelKind::Other => "any other label".to_string(),
        });
        self.labels
            .iter()
            .cloned()
            .chain(kinds)
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

/// Keys the annotate screen uses as commands (next and previous span, done, link), which no
/// label may take as its hotkey.
pub const COMMAND_KEYS: &[char] = &['j', 'k', 'd', 'r'];

fn err(field: impl Into<String>, kind: CoreErrorKind) -> CoreError {
    CoreError::at(field, kind)
}

fn invalid(field: impl Into<String>, msg: impl Into<String>) -> CoreError {
    err(field, CoreErrorKind::Invalid(msg.into()))
}

impl Schema {
    /// The default schema, "news claims & entities" (see DESIGN.md).
    pub fn news_default() -> Self {
        let entity = |name: &str, color: &str, key: &str, description: &str| LabelDef {
            name: name.into(),
            kind: LabelKind::Entity,
            color: color.into(),
            hotkey: Some(key.into()),
            description: description.into(),
            attributes: Vec::new(),
        };
        let options = |v: &[&str]| AttrKind::Enum {
            options: v.iter().map(|s| s.to_string()).collect(),
            meanings: BTreeMap::new(),
        };
        let explained = |v: &[(&str, &str)]| AttrKind::Enum {
            options: v.iter().map(|(o, _)| o.to_string()).collect(),
            meanings: v
                .iter()
                .map(|(o, m)| (o.to_string(), m.to_string()))
                .collect(),
        };
        let attr = |name: &str, kind: AttrKind, description: &str| AttributeDef {
            name: name.into(),
            kind,
            description: description.into(),
        };
        let claim = LabelDef {
            name: "CLAIM".into(),
            kind: LabelKind::Claim,
            color: "#f95215".into(),
            hotkey: Some("c".into()),
            description: "A checkable statement of fact.".into(),
            attributes: vec![
                attr(
                    "verifiable",
                    options(&["yes", "no", "unsure"]),
                    "Can it be checked?",
                ),
                attr(
                    "checkworthiness",
                    explained(&[
                        ("NFS", "non-factual statement"),
                        ("UFS", "unimportant factual statement"),
                        ("CFS", "check-worthy factual statement"),
                    ]),
                    "ClaimBuster: non-factual, unimportant factual, check-worthy factual.",
                ),
                attr(
                    "claim_type",
                    options(&[
                        "quantity",
                        "event",
                        "statement",
                        "prediction",
                        "attribution",
                        "other",
                    ]),
                    "What kind of claim.",
                ),
                attr(
                    "verdict",
                    explained(&[
                        ("supported", "the evidence supports the claim"),
                        ("refuted", "the evidence contradicts the claim"),
                        (
                            "not-enough-evidence",
                            "the evidence found does not settle it",
                        ),
                        (
                            "conflicting",
                            "some evidence supports it, some contradicts it",
                        ),
                    ]),
                    "FEVER / AVeriTeC style verdict (optional).",
                ),
            ],
        };
        let claim_only = ArgConstraint {
            labels: vec!["CLAIM".into()],
            kinds: Vec::new(),
        };
        Self {
            name: "news claims & entities".into(),
            labels: vec![
                entity("PERSON", "#067de5", "1", "People, including fictional."),
                entity(
                    "ORG",
                    "#14b37e",
                    "2",
                    "Companies, agencies, institutions, armed forces.",
                ),
                entity("GPE", "#2406e5", "3", "Countries, cities, states."),
                entity(
                    "LOC",
                    "#3ba8b0",
                    "4",
                    "Non-GPE locations: regions, mountains, waters.",
                ),
                entity(
                    "NORP",
                    "#b03b3b",
                    "5",
                    "Nationalities, religious or political groups.",
                ),
                entity(
                    "DATE",
                    "#0d6c73",
                    "6",
                    "Absolute or relative dates or periods.",
                ),
                entity("QUANTITY", "#602031", "7", "Measurements and counts."),
                entity("EVENT", "#202060", "8", "Named wars, battles, events."),
                claim,
            ],
            relations: vec![
                RelationDef {
                    name: "ATTRIBUTED_TO".into(),
                    from: claim_only.clone(),
                    to: ArgConstraint {
                        labels: vec!["PERSON".into(), "ORG".into()],
                        kinds: Vec::new(),
                    },
                    description: "The claim is made by this source.".into(),
                },
                RelationDef {
                    name: "ABOUT".into(),
                    from: claim_only.clone(),
                    to: ArgConstraint {
                        labels: Vec::new(),
                        kinds: vec![LabelKind::Entity],
                    },
                    description: "The claim is about this entity.".into(),
                },
                RelationDef {
                    name: "CUE".into(),
                    from: claim_only,
                    to: ArgConstraint::default(),
                    description: "Optional: a cue phrase that signals the claim.".into(),
                },
            ],
            allow_overlaps: true,
        }
    }

    /// The label named `name`.
    pub fn label(&self, name: &str) -> Option<&LabelDef> {
        self.labels.iter().find(|l| l.name == name)
    }

    /// The relation type named `name`.
    pub fn relation(&self, name: &str) -> Option<&RelationDef> {
        self.relations.iter().find(|r| r.name == name)
    }

    fn known_labels(&self) -> String {
        self.labels
            .iter()
            .map(|l| l.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The schema with label `from` renamed to `to`, or, when `to` is a label already, merged
    /// into it (`from`'s definition goes; `to`'s stays). Relation types that name `from` name
    /// `to` instead. Only labels of one kind merge: a relation type that takes one kind would
    /// otherwise no longer fit the spans it links. Returns the schema and whether it merged.
    pub fn renamed(&self, from: &str, to: &str) -> Result<(Schema, bool), CoreError> {
        let to = to.trim();
        let Some(old) = self.label(from) else {
            return Err(err(
                "label",
                CoreErrorKind::UnknownLabel {
                    label: from.to_string(),
                    known: self.known_labels(),
                },
            ));
        };
        if to == from {
            return Err(invalid("to", format!("{from} is already called {to}")));
        }
        let mut out = self.clone();
        let merged = match self.label(to) {
            Some(target) if target.kind != old.kind => {
                return Err(invalid(
                    "to",
                    format!(
                        "{from} is of kind {} and {to} of kind {}: only labels of one kind merge",
                        old.kind.as_str(),
                        target.kind.as_str()
                    ),
                ));
            }
            Some(_) => {
                out.labels.retain(|l| l.name != from);
                true
            }
            None => {
                for l in &mut out.labels {
                    if l.name == from {
                        l.name = to.to_string();
                    }
                }
                false
            }
        };
        for r in &mut out.relations {
            for c in [&mut r.from, &mut r.to] {
                let mut seen = BTreeSet::new();
                c.labels = c
                    .labels
                    .iter()
                    .map(|l| if l == from { to.to_string() } else { l.clone() })
                    .filter(|l| seen.insert(l.clone()))
                    .collect();
            }
        }
        out.validate()?;
        Ok((out, merged))
    }

    /// Checks the schema itself: unique, non-blank names and hotkeys, colours, non-empty enum
    /// options, and relation arguments that name existing labels.
    pub fn validate(&self) -> Result<(), CoreError> {
        if self.labels.is_empty() {
            return Err(invalid("labels", "a schema needs at least one label"));
        }
        let mut names = BTreeSet::new();
        let mut keys = std::collections::BTreeMap::new();
        for (i, label) in self.labels.iter().enumerate() {
            let at = format!("labels[{i}]");
            check_name(&label.name).map_err(|e| e.within(&format!("{at}.name")))?;
            if !names.insert(label.name.as_str()) {
                return Err(err(
                    format!("{at}.name"),
                    CoreErrorKind::DuplicateId(label.name.clone()),
                ));
            }
            if !is_hex_colour(&label.color) {
                return Err(invalid(
                    format!("{at}.color"),
                    format!("{:?} is not a #rrggbb colour", label.color),
                ));
            }
            if let Some(key) = &label.hotkey {
                let ok = key.chars().count() == 1 && key.chars().all(|c| c.is_ascii_alphanumeric());
                if !ok {
                    return Err(invalid(
                        format!("{at}.hotkey"),
                        format!("{key:?} is not a single letter or digit"),
                    ));
                }
                if key
                    .chars()
                    .any(|c| COMMAND_KEYS.contains(&c.to_ascii_lowercase()))
                {
                    return Err(invalid(
                        format!("{at}.hotkey"),
                        format!("{key:?} is a command key of the annotate screen (j, k, d, r)"),
                    ));
                }
                if let Some(other) = keys.insert(key.to_ascii_lowercase(), label.name.as_str()) {
                    return Err(invalid(
                        format!("{at}.hotkey"),
                        format!("key {key:?} is already used by {other}"),
                    ));
                }
            }
            let mut attrs = BTreeSet::new();
            for (j, a) in label.attributes.iter().enumerate() {
                let at = format!("{at}.attributes[{j}]");
                check_name(&a.name).map_err(|e| e.within(&format!("{at}.name")))?;
                if !attrs.insert(a.name.as_str()) {
                    return Err(err(
                        format!("{at}.name"),
                        CoreErrorKind::DuplicateId(a.name.clone()),
                    ));
                }
                if let AttrKind::Enum { options, meanings } = &a.kind {
                    if options.is_empty() {
                        return Err(invalid(
                            format!("{at}.options"),
                            "an enum needs at least one option",
                        ));
                    }
                    if let Some(k) = meanings.keys().find(|k| !options.contains(k)) {
                        return Err(invalid(
                            format!("{at}.meanings.{k}"),
                            format!("{k:?} is not one of the options"),
                        ));
                    }
                }
            }
        }
        let mut rels = BTreeSet::new();
        for (i, rel) in self.relations.iter().enumerate() {
            let at = format!("relations[{i}]");
            check_name(&rel.name).map_err(|e| e.within(&format!("{at}.name")))?;
            if !rels.insert(rel.name.as_str()) {
                return Err(err(
                    format!("{at}.name"),
                    CoreErrorKind::DuplicateId(rel.name.clone()),
                ));
            }
            for (side, c) in [("from", &rel.from), ("to", &rel.to)] {
                for (j, l) in c.labels.iter().enumerate() {
                    if self.label(l).is_none() {
                        return Err(err(
                            format!("{at}.{side}.labels[{j}]"),
                            CoreErrorKind::UnknownLabel {
                                label: l.clone(),
                                known: self.known_labels(),
                            },
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Checks a span's label and attributes. Errors name `label` or `attrs.NAME`.
    pub fn check_span(&self, label: &str, attrs: &Attrs) -> Result<&LabelDef, CoreError> {
        let def = self.label(label).ok_or_else(|| {
            err(
                "label",
                CoreErrorKind::UnknownLabel {
                    label: label.into(),
                    known: self.known_labels(),
                },
            )
        })?;
        for (name, value) in attrs {
            let field = format!("attrs.{name}");
            let Some(a) = def.attributes.iter().find(|a| a.name == *name) else {
                let known = def
                    .attributes
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect::<Vec<_>>();
                let known = if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                };
                return Err(err(
                    field,
                    CoreErrorKind::UnknownAttribute {
                        label: label.into(),
                        attr: name.clone(),
                        known,
                    },
                ));
            };
            let ok = match &a.kind {
                AttrKind::Enum { options, .. } => value
                    .as_str()
                    .is_some_and(|v| options.iter().any(|o| o == v)),
                AttrKind::Bool => value.is_boolean(),
                AttrKind::Text => value.is_string(),
            };
            if !ok {
                let expected = match &a.kind {
                    AttrKind::Enum { options, .. } => format!("one of {}", options.join(", ")),
                    AttrKind::Bool => "true or false".into(),
                    AttrKind::Text => "a string".into(),
                };
                return Err(err(
                    field,
                    CoreErrorKind::AttributeValue {
                        value: value.to_string(),
                        expected,
                    },
                ));
            }
        }
        Ok(def)
    }

    /// Checks that relation `name` may link a `from_label` span to a `to_label` span.
    pub fn check_relation(
        &self,
        name: &str,
        from_label: &str,
        to_label: &str,
    ) -> Result<(), CoreError> {
        let rel = self.relation(name).ok_or_else(|| {
            let known = self
                .relations
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            err(
                "label",
                CoreErrorKind::UnknownRelation {
                    label: name.into(),
                    known,
                },
            )
        })?;
        for (side, field, constraint, label) in [
            ("start from", "from", &rel.from, from_label),
            ("point to", "to", &rel.to, to_label),
        ] {
            let def = self.label(label).ok_or_else(|| {
                err(
                    field,
                    CoreErrorKind::UnknownLabel {
                        label: label.into(),
                        known: self.known_labels(),
                    },
                )
            })?;
            if !constraint.allows(def) {
                return Err(err(
                    field,
                    CoreErrorKind::RelationArgument {
                        relation: name.into(),
                        side,
                        label: label.into(),
                        allowed: constraint.describe(),
                    },
                ));
            }
        }
        Ok(())
    }
}

fn check_name(name: &str) -> Result<(), CoreError> {
    if name.trim().is_empty() || name.trim() != name || name.chars().any(char::is_control) {
        return Err(invalid(
            "",
            format!("{name:?} is not a valid name (blank, padded or with control characters)"),
        ));
    }
    Ok(())
}

fn is_hex_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// Checks `[start, end)` against a text of `len` code points. Offsets arrive as `i64` so a
/// negative number in a file gets its own message.
pub fn check_bounds(start: i64, end: i64, len: usize) -> Result<(usize, usize), CoreError> {
    for (field, v) in [("start", start), ("end", end)] {
        if v < 0 {
            return Err(err(field, CoreErrorKind::NegativeOffset(v)));
        }
    }
    let (s, e) = (
        usize::try_from(start).unwrap_or(usize::MAX),
        usize::try_from(end).unwrap_or(usize::MAX),
    );
    if s > e {
        return Err(err(
            "start",
            CoreErrorKind::StartAfterEnd { start: s, end: e },
        ));
    }
    if e > len {
        return Err(err("end", CoreErrorKind::PastEnd { offset: e, len }));
    }
    if s == e {
        return Err(err("end", CoreErrorKind::EmptySpan(s)));
    }
    Ok((s, e))
}

#[cfg(test)]
mod tests {
    /// The default labels' colours are told apart at a glance, also by the commonly colour
    /// blind: CIEDE2000 ΔE ≥ 15 between every two, as seen with normal vision and as simulated
    /// for protanopia and deuteranopia (Machado, Oliveira & Fernandes 2009, severity 1, on
    /// linear RGB). The old palette had two oranges at ΔE 0.9 for protanopia.
    #[test]
    fn default_label_colours_are_distinct_also_for_colour_blind_eyes() {
        use palette::{color_difference::Ciede2000, FromColor, Lab, LinSrgb, Srgb};
        type Matrix = [[f32; 3]; 3];
        const PROTANOPIA: Matrix = [
            [0.152_286, 1.052_583, -0.204_868],
            [0.114_503, 0.786_281, 0.099_216],
            [-0.003_882, -0.048_116, 1.051_998],
        ];
        const DEUTERANOPIA: Matrix = [
            [0.367_322, 0.860_646, -0.227_968],
            [0.280_085, 0.672_501, 0.047_413],
            [-0.011_820, 0.042_940, 0.968_881],
        ];
        let linear = |hex: &str| -> LinSrgb {
            let v = u32::from_str_radix(&hex[1..], 16).unwrap();
            let [_, r, g, b] = v.to_be_bytes();
            Srgb::new(r, g, b).into_format::<f32>().into_linear()
        };
        let seen = |c: LinSrgb, m: Option<&Matrix>| -> Lab {
            let c = match m {
                None => c,
                Some(m) => {
                    let v = [c.red, c.green, c.blue];
                    let row =
                        |r: &[f32; 3]| (r[0] * v[0] + r[1] * v[1] + r[2] * v[2]).clamp(0.0, 1.0);
                    LinSrgb::new(row(&m[0]), row(&m[1]), row(&m[2]))
                }
            };
            Lab::from_color(c)
        };
        let s = Schema::news_default();
        for (vision, m) in [
            ("normal vision", None),
            ("protanopia", Some(&PROTANOPIA)),
            ("deuteranopia", Some(&DEUTERANOPIA)),
        ] {
            for (i, a) in s.labels.iter().enumerate() {
                for b in &s.labels[i + 1..] {
                    let d = seen(linear(&a.color), m).difference(seen(linear(&b.color), m));
                    assert!(
                        d >= 15.0,
                        "{} {} and {} {}: ΔE2000 {d:.1} with {vision}",
                        a.name,
                        a.color,
                        b.name,
                        b.color
                    );
                }
            }
        }
    }

    use super::*;
    use serde_json::json;

    #[test]
    fn default_schema_is_valid_and_round_trips_as_json() {
        let s = Schema::news_default();
        s.validate().unwrap();
        let text = serde_json::to_string_pretty(&s).unwrap();
        let back: Schema = serde_json::from_str(&text).unwrap();
        assert_eq!(back, s);
        assert_eq!(s.labels.len(), 9);
    }

    /// The web view's mocked-IPC tests use the default schema; the committed copy must match.
    /// `UPDATE_FIXTURES=1 cargo test -p glossa-core` rewrites it.
    #[test]
    fn ui_schema_fixture_matches() {
        let json = serde_json::to_string_pretty(&Schema::news_default()).unwrap() + "\n";
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../ui/tests/fixtures/default-schema.json");
        if std::env::var_os("UPDATE_FIXTURES").is_some() {
            std::fs::write(&path, &json).unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            json,
            "run UPDATE_FIXTURES=1 cargo test -p glossa-core"
        );
    }

    #[test]
    fn checks_attribute_values() {
        let s = Schema::news_default();
        let ok: Attrs = [("checkworthiness".to_string(), json!("CFS"))].into();
        s.check_span("CLAIM", &ok).unwrap();
        let bad: Attrs = [("checkworthiness".to_string(), json!("HIGH"))].into();
        let e = s.check_span("CLAIM", &bad).unwrap_err();
        assert_eq!(e.field, "attrs.checkworthiness");
        assert!(e.to_string().contains("one of NFS, UFS, CFS"), "{e}");
        let unknown: Attrs = [("colour".to_string(), json!("red"))].into();
        assert!(matches!(
            s.check_span("PERSON", &unknown).unwrap_err().kind,
            CoreErrorKind::UnknownAttribute { .. }
        ));
        let e = s.check_span("POLITICIAN", &Attrs::new()).unwrap_err();
        assert!(
            e.to_string().contains("known labels: PERSON, ORG, GPE"),
            "{e}"
        );
    }

    #[test]
    fn enforces_relation_argument_types() {
        let s = Schema::news_default();
        s.check_relation("ATTRIBUTED_TO", "CLAIM", "PERSON")
            .unwrap();
        s.check_relation("ABOUT", "CLAIM", "GPE").unwrap();
        s.check_relation("CUE", "CLAIM", "CLAIM").unwrap();
        let e = s
            .check_relation("ATTRIBUTED_TO", "CLAIM", "DATE")
            .unwrap_err();
        assert_eq!(e.field, "to");
        assert_eq!(
            e.to_string(),
            "field to: ATTRIBUTED_TO cannot point to a DATE span; allowed: PERSON | ORG"
        );
        let e = s
            .check_relation("ATTRIBUTED_TO", "PERSON", "ORG")
            .unwrap_err();
        assert_eq!(e.field, "from");
        assert!(s.check_relation("CAUSES", "CLAIM", "CLAIM").is_err());
    }

    #[test]
    fn schema_validation_names_the_field() {
        let mut s = Schema::news_default();
        s.labels[1].hotkey = Some("1".into());
        assert_eq!(s.validate().unwrap_err().field, "labels[1].hotkey");
        let mut s = Schema::news_default();
        s.relations[0].to.labels.push("NOPE".into());
        assert_eq!(s.validate().unwrap_err().field, "relations[0].to.labels[2]");
        let mut s = Schema::news_default();
        s.labels[2].hotkey = Some("J".into());
        assert!(s
            .validate()
            .unwrap_err()
            .to_string()
            .contains("command key"));
        let mut s = Schema::news_default();
        s.labels[0].color = "blue".into();
        assert_eq!(s.validate().unwrap_err().field, "labels[0].color");
    }

    #[test]
    fn bounds() {
        assert_eq!(check_bounds(1, 3, 3).unwrap(), (1, 3));
        assert!(matches!(
            check_bounds(-1, 3, 3).unwrap_err().kind,
            CoreErrorKind::NegativeOffset(-1)
        ));
        assert!(matches!(
            check_bounds(3, 1, 3).unwrap_err().kind,
            CoreErrorKind::StartAfterEnd { .. }
        ));
        assert!(matches!(
            check_bounds(1, 4, 3).unwrap_err().kind,
            CoreErrorKind::PastEnd { offset: 4, len: 3 }
        ));
        assert!(matches!(
            check_bounds(2, 2, 3).unwrap_err().kind,
            CoreErrorKind::EmptySpan(2)
        ));
    }
}
