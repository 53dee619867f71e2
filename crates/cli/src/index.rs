//! `bimo index`: a composite index over the areas of a plain CSV (one row per area), without any
//! store, writing every intermediate value.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, bail};
use import::IndexConfig;

/// The outcome of one index run.
#[derive(Debug)]
pub struct Outcome {
    /// Areas in the index.
    pub included: usize,
    /// Areas left out, with the reason.
    pub excluded: Vec<(String, String)>,
    /// For each combined code (or, without one, each class of the first index), the number of areas.
    pub counts: Vec<(String, usize)>,
}

/// Reads `input` (CSV with a header; `,` or `;`), computes every index of `config` over the
/// included areas and writes one row per area to `output`.
pub fn run(config: &IndexConfig, input: &Path, output: &Path) -> anyhow::Result<Outcome> {
    let text = std::fs::read_to_string(input).with_context(|| format!("cannot read {}", input.display()))?;
    let delimiter =
        if text.lines().next().is_some_and(|h| h.matches(';').count() > h.matches(',').count()) { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers()?.iter().map(|h| h.trim().to_owned()).collect();
    let col = |name: &str| -> anyhow::Result<usize> {
        header.iter().position(|h| h == name).with_context(|| format!("{}: no column {name:?}", input.display()))
    };
    let id = col(&config.id)?;
    let name = config.name.as_deref().map(col).transpose()?;
    let population: Vec<usize> = config.population.iter().map(|p| col(p)).collect::<anyhow::Result<_>>()?;
    let parts: Vec<(Vec<usize>, domain::composite::IndexSpec)> = config
        .indices
        .iter()
        .map(|p| -> anyhow::Result<_> {
            let columns = p.columns.keys().map(|c| col(c)).collect::<anyhow::Result<Vec<_>>>()?;
            Ok((columns, p.spec().map_err(anyhow::Error::msg)?))
        })
        .collect::<anyhow::Result<_>>()?;
    let excluded_by_decision: HashMap<&str, &str> =
        config.exclude.iter().map(|e| (e.id.as_str(), e.reason.as_str())).collect();

    let mut areas: Vec<(String, String, Option<String>)> = Vec::new();
    let mut values: Vec<Vec<Vec<f64>>> = vec![Vec::new(); parts.len()];
    for (n, record) in reader.records().enumerate() {
        let record = record?;
        let line = n + 2;
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let number = |i: usize| -> anyhow::Result<f64> {
            let raw = field(i);
            raw.replace(',', ".")
                .parse::<f64>()
                .with_context(|| format!("{}:{line}:{}: not a number: {raw:?}", input.display(), header[i]))
        };
        let key = field(id).to_owned();
        let mut reason = excluded_by_decision.get(key.as_str()).map(|r| (*r).to_owned());
        if reason.is_none()
            && let Some(min) = config.min_population
        {
            let smallest = population
                .iter()
                .map(|&p| number(p))
                .collect::<anyhow::Result<Vec<f64>>>()?
                .into_iter()
                .fold(f64::INFINITY, f64::min);
            if smallest < min {
                reason = Some(format!("weniger als {min} Einwohner ({smallest})"));
            }
        }
        if reason.is_none() {
            for (i, (columns, _)) in parts.iter().enumerate() {
                values[i].push(columns.iter().map(|&c| number(c)).collect::<anyhow::Result<Vec<f64>>>()?);
            }
        }
        areas.push((key, name.map(|i| field(i).to_owned()).unwrap_or_default(), reason));
    }
    let results = parts
        .iter()
        .zip(&values)
        .map(|((_, spec), rows)| spec.compute(rows))
        .collect::<Result<Vec<_>, _>>()
        .context("the index cannot be computed")?;

    let mut out_header = vec!["schluessel".to_owned(), "name".to_owned(), "ausgeschlossen".to_owned()];
    for (part, _) in config.indices.iter().zip(&results) {
        for c in part.columns.keys() {
            out_header.push(format!("{}_z_{c}", part.key));
        }
        out_header.extend([
            format!("{}_summe", part.key),
            format!("{}_index", part.key),
            format!("{}_klasse", part.key),
        ]);
    }
    if config.combined.is_some() {
        out_header.push("code".to_owned());
    }
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_path(output)
        .with_context(|| format!("cannot write {}", output.display()))?;
    writer.write_record(&out_header)?;
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut row = 0;
    let mut excluded = Vec::new();
    for (key, name, reason) in &areas {
        let mut record = vec![key.clone(), name.clone(), reason.clone().unwrap_or_default()];
        match reason {
            Some(r) => {
                excluded.push((key.clone(), r.clone()));
                record.resize(out_header.len(), String::new());
            }
            None => {
                let mut labels: Vec<(&str, &str)> = Vec::new();
                for (part, result) in config.indices.iter().zip(&results) {
                    record.extend(result.normalised[row].iter().map(|z| z.to_string()));
                    let class = &part.classes[result.classes[row]];
                    record.extend([result.aggregate[row].to_string(), result.index[row].to_string(), class.clone()]);
                    labels.push((part.key.as_str(), class.as_str()));
                }
                let code = match &config.combined {
                    Some(format) => labels.iter().fold(format.clone(), |f, (k, v)| f.replace(&format!("{{{k}}}"), v)),
                    None => labels.first().map(|(_, v)| (*v).to_owned()).unwrap_or_default(),
                };
                match counts.iter_mut().find(|(c, _)| *c == code) {
                    Some(entry) => entry.1 += 1,
                    None => counts.push((code.clone(), 1)),
                }
                if config.combined.is_some() {
                    record.push(code);
                }
                row += 1;
            }
        }
        writer.write_record(&record)?;
    }
    writer.flush()?;
    if row == 0 {
        bail!("no area is included in the index");
    }
    counts.sort();
    Ok(Outcome { included: row, excluded, counts })
}
