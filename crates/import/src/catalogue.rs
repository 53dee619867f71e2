//! The indicator catalogue: `[[indikator]]` tables in a TOML file become typed
//! [`Definition`]s.
//!
//! Every table is read and checked on its own, so one run reports all problems of the file, each
//! at its line and column; an expression error points at the faulty character inside the string.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use domain::expression::Expr;
use domain::indicator::{Bereich, Definition, IndicatorKey, Kind, Stage, Tier};
use domain::uncertainty::Polarity;
use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::error::{Errors, ImportErrors, Position};

/// One `[[indikator]]` table as written, with the spans of its values.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefinition {
    key: Spanned<String>,
    label: String,
    bereich: Spanned<String>,
    tier: Spanned<String>,
    stage: Spanned<String>,
    kind: Spanned<String>,
    numerator: Spanned<String>,
    #[serde(default)]
    denominator: Option<Spanned<String>>,
    #[serde(default)]
    factor: Option<Spanned<f64>>,
    unit: String,
    polarity: Spanned<String>,
    #[serde(default)]
    min_denominator: Option<Spanned<f64>>,
    source: String,
    reference_date: String,
    interpretation: String,
}

/// Maps byte offsets of the catalogue text to positions.
struct Locator<'a> {
    text: &'a str,
    file: &'a str,
}

impl Locator<'_> {
    /// `file:line:column` of a byte offset; the column counts characters from 1.
    fn at(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &self.text[..offset];
        let line = before.matches('\n').count() as u64 + 1;
        let column = before.chars().rev().take_while(|&c| c != '\n').count() + 1;
        Position::file(self.file).at_line(line).at_column(column.to_string())
    }

    fn line(&self, offset: usize) -> u64 {
        self.at(offset).line.unwrap_or(1)
    }

    /// The position of the `at`-th character (1-based) of the string value spanning `span`.
    ///
    /// For a plain one-line string without escapes this is exact; otherwise the position is the
    /// opening quote's line with its column plus `at`.
    fn in_string(&self, span: &Range<usize>, value: &str, at: usize) -> Position {
        let raw = self.text.get(span.clone()).unwrap_or("");
        let plain = raw.len() == value.len() + 2
            && (raw.starts_with('"') || raw.starts_with('\''))
            && raw.get(1..raw.len() - 1) == Some(value);
        if plain {
            let inner = value.char_indices().nth(at.saturating_sub(1)).map_or(value.len(), |(i, _)| i);
            return self.at(span.start + 1 + inner);
        }
        let quote = self.at(span.start);
        let column = quote.column.as_deref().and_then(|c| c.parse::<usize>().ok()).unwrap_or(1);
        quote.at_column((column + at).to_string())
    }
}

/// Reads one of `allowed` (text, value) pairs, or records an error listing the allowed texts.
fn choice<T: Copy>(
    errors: &mut Errors,
    loc: &Locator<'_>,
    field: &str,
    value: &Spanned<String>,
    allowed: &[(&str, T)],
) -> Option<T> {
    let found = allowed.iter().find(|(text, _)| *text == value.get_ref().as_str()).map(|&(_, v)| v);
    if found.is_none() {
        let list = allowed.iter().map(|(text, _)| format!("{text:?}")).collect::<Vec<_>>().join(", ");
        errors
            .push(loc.at(value.span().start), format!("unknown {field} {:?}, expected one of {list}", value.get_ref()));
    }
    found
}

/// Parses an expression field, or records an error at the faulty character.
fn expression(errors: &mut Errors, loc: &Locator<'_>, field: &str, value: &Spanned<String>) -> Option<Expr> {
    match value.get_ref().parse::<Expr>() {
        Ok(expr) => Some(expr),
        Err(e) => {
            errors.push(
                loc.in_string(&value.span(), value.get_ref(), e.at),
                format!("invalid {field} {:?}: {}", value.get_ref(), e.message),
            );
            None
        }
    }
}

const BEREICHE: [(&str, Bereich); 9] = [
    ("A", Bereich::A),
    ("B", Bereich::B),
    ("C", Bereich::C),
    ("D", Bereich::D),
    ("E", Bereich::E),
    ("F", Bereich::F),
    ("G", Bereich::G),
    ("H", Bereich::H),
    ("I", Bereich::I),
];
const TIERS: [(&str, Tier); 3] =
    [("kern", Tier::Kern), ("ueberblick", Tier::Ueberblick), ("ergaenzung", Tier::Ergaenzung)];
const STAGES: [(&str, Stage); 4] =
    [("kontext", Stage::Kontext), ("input", Stage::Input), ("prozess", Stage::Prozess), ("output", Stage::Output)];
const KINDS: [(&str, Kind); 4] =
    [("proportion", Kind::Proportion), ("rate", Kind::Rate), ("ratio", Kind::Ratio), ("count", Kind::Count)];
const POLARITIES: [(&str, Polarity); 3] = [
    ("hoeher_besser", Polarity::HigherIsBetter),
    ("hoeher_schlechter", Polarity::HigherIsWorse),
    ("keine", Polarity::NoJudgement),
];

/// Checks one table; `None` when it has errors (all of them recorded).
fn definition(errors: &mut Errors, loc: &Locator<'_>, raw: RawDefinition) -> Option<Definition> {
    let before = errors.len();
    let key = IndicatorKey::new(raw.key.get_ref().clone())
        .map_err(|e| errors.push(loc.at(raw.key.span().start), e.to_string()))
        .ok();
    let bereich = choice(errors, loc, "bereich", &raw.bereich, &BEREICHE);
    let tier = choice(errors, loc, "tier", &raw.tier, &TIERS);
    let stage = choice(errors, loc, "stage", &raw.stage, &STAGES);
    let kind = choice(errors, loc, "kind", &raw.kind, &KINDS);
    let polarity = choice(errors, loc, "polarity", &raw.polarity, &POLARITIES);
    let numerator = expression(errors, loc, "numerator", &raw.numerator);
    let denominator = raw.denominator.as_ref().map(|d| expression(errors, loc, "denominator", d));
    match (kind, &raw.denominator) {
        (Some(Kind::Count), Some(d)) => {
            errors.push(loc.at(d.span().start), "a count has no denominator");
        }
        (Some(kind @ (Kind::Proportion | Kind::Rate | Kind::Ratio)), None) => {
            let name = KINDS.iter().find(|(_, k)| *k == kind).map_or("", |(text, _)| text);
            errors.push(loc.at(raw.kind.span().start), format!("a {name} needs a denominator"));
        }
        _ => {}
    }
    let factor = raw.factor.as_ref().map_or(1.0, |f| *f.get_ref());
    if let Some(f) = &raw.factor
        && !(factor.is_finite() && factor > 0.0)
    {
        errors.push(loc.at(f.span().start), format!("factor must be positive and finite, not {factor}"));
    }
    let min_denominator = raw.min_denominator.as_ref().map_or(0.0, |m| *m.get_ref());
    if let Some(m) = &raw.min_denominator
        && (min_denominator < 0.0 || min_denominator.is_nan())
    {
        errors.push(loc.at(m.span().start), format!("min_denominator must not be negative, not {min_denominator}"));
    }
    if errors.len() > before {
        return None;
    }
    Some(Definition {
        key: key?,
        label: raw.label,
        bereich: bereich?,
        tier: tier?,
        stage: stage?,
        kind: kind?,
        numerator: numerator?,
        denominator: denominator.flatten(),
        factor,
        unit: raw.unit,
        polarity: polarity?,
        min_denominator,
        source: raw.source,
        reference_date: raw.reference_date,
        interpretation: raw.interpretation,
    })
}

/// Parses an indicator catalogue (TOML, `[[indikator]]` tables); `file` names it in errors.
///
/// All problems are collected: TOML structure per table (missing or unknown fields, wrong types),
/// unknown enumeration values, expression syntax, duplicate keys, a count with a denominator or a
/// share, rate or ratio without one, a factor that is not positive and finite, a negative
/// `min_denominator`. A TOML syntax error stops at the first.
pub fn parse_catalogue(text: &str, file: &str) -> Result<Vec<Definition>, ImportErrors> {
    let loc = Locator { text, file };
    let root = DeTable::parse(text).map_err(|e| {
        let position = e.span().map_or_else(|| Position::file(file), |s| loc.at(s.start));
        ImportErrors::one(position, e.message().trim_end_matches('\n').to_owned())
    })?;
    let mut errors = Errors::default();
    let mut tables = Vec::new();
    for (name, value) in root.get_ref().iter() {
        if name.get_ref() != "indikator" {
            errors
                .push(loc.at(name.span().start), format!("unknown table {:?}, expected [[indikator]]", name.get_ref()));
            continue;
        }
        match value.get_ref() {
            DeValue::Array(items) => tables.extend(items.iter().cloned()),
            _ => errors.push(loc.at(value.span().start), "indikator must be an array of tables ([[indikator]])"),
        }
    }
    if tables.is_empty() && errors.is_empty() {
        errors.push(Position::file(file), "the catalogue has no [[indikator]] tables");
    }
    let mut definitions = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    for table in tables {
        let start = table.span().start;
        let raw = match RawDefinition::deserialize(ValueDeserializer::from(table)) {
            Ok(raw) => raw,
            Err(e) => {
                let offset = e.span().map_or(start, |s| s.start);
                errors.push(loc.at(offset), e.message().trim_end_matches('\n').to_owned());
                continue;
            }
        };
        let key_line = loc.line(raw.key.span().start);
        if let Some(first) = first_line.get(raw.key.get_ref()) {
            errors.push(
                loc.at(raw.key.span().start),
                format!("duplicate key {:?}, first defined on line {first}", raw.key.get_ref()),
            );
        } else {
            first_line.insert(raw.key.get_ref().clone(), key_line);
        }
        if let Some(d) = definition(&mut errors, &loc, raw) {
            definitions.push(d);
        }
    }
    errors.finish(definitions)
}

/// Reads a catalogue file.
pub fn read_catalogue(path: &Path) -> Result<Vec<Definition>, ImportErrors> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ImportErrors::one(Position::file(&file), format!("cannot read the catalogue: {e}")))?;
    parse_catalogue(&text, &file)
}
