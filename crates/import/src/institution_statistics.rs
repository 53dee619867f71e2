//! Statistics of institutions, such as pupils per school, grade and school year: a long table
//! becomes variables and [`InstitutionObservation`]s; [`check_institution_keys`] then checks the
//! institution keys against the collection's stored list.

use std::collections::{HashMap, HashSet};

use domain::institution::InstitutionObservation;
use domain::{Breakdown, Period, Unit, Value, Variable, VariableKey};

use crate::error::{Errors, ImportErrors, Position};
use crate::spec::{InstitutionStatisticsSpec, VariableSource};
use crate::statistics::{Located, read_file};
use crate::table::{Cell, TableOptions, read_table};

/// The variables and observations of an institution statistics file.
#[derive(Debug, Clone, PartialEq)]
pub struct InstitutionStatisticsData {
    /// The variables, each once: the mapped ones in the order of their column values, then the
    /// declared ones.
    pub variables: Vec<Variable>,
    /// The observations in file order, each at its value cell.
    pub observations: Vec<Located<InstitutionObservation>>,
    /// How the institution column is named in positions (for errors about institution keys).
    pub institution_column: String,
}

/// Reads the file a spec names; see [`parse_institution_statistics`].
pub fn read_institution_statistics(
    spec: &InstitutionStatisticsSpec,
) -> Result<InstitutionStatisticsData, ImportErrors> {
    let (bytes, file) = read_file(&spec.file)?;
    parse_institution_statistics(&bytes, &file, spec)
}

/// Parses an institution statistics table from its bytes; `file` names it in positions and decides
/// by its extension whether it is CSV or a spreadsheet. All row errors are collected: a missing
/// column, an unknown variable, an empty institution key, a bad period, a bad breakdown, a value
/// that is not a number or symbol or that its unit does not admit (a negative count), and a cell
/// given twice.
pub fn parse_institution_statistics(
    bytes: &[u8],
    file: &str,
    spec: &InstitutionStatisticsSpec,
) -> Result<InstitutionStatisticsData, ImportErrors> {
    let options = TableOptions {
        encoding: spec.encoding,
        lines: spec.lines,
        sheet: spec.sheet.as_deref(),
        header: spec.header.as_deref(),
    };
    let (table, mut errors) = read_table(bytes, file, options)?;
    let mut variables: Vec<Variable> = Vec::new();
    let definitions = spec
        .variables
        .values()
        .map(|m| Variable {
            key: m.key.clone(),
            label: m.label.clone(),
            unit: m.unit.clone(),
            share_of: m.share_of.clone(),
        })
        .chain(spec.declared.iter().map(|v| Variable {
            key: v.key.clone(),
            label: v.label.clone(),
            unit: v.unit.clone().unwrap_or(Unit::Count),
            share_of: v.share_of.clone(),
        }));
    for variable in definitions {
        match variables.iter().find(|v| v.key == variable.key) {
            Some(known) if *known != variable => errors.push(
                table.file.clone(),
                format!("variable {} is defined twice with different label, unit or share_of", variable.key),
            ),
            Some(_) => {}
            None => variables.push(variable),
        }
    }
    let unit_of = |key: &VariableKey| variables.iter().find(|v| &v.key == key).map(|v| v.unit.clone());
    if let VariableSource::Const(key) = &spec.variable
        && unit_of(key).is_none()
    {
        errors.push(
            table.file.clone(),
            format!("variable_const {key} is not declared in [[institution_statistics.variable_def]]"),
        );
    }
    let institution = table.require(&spec.institution, &mut errors);
    let period = table.require(&spec.period, &mut errors);
    let value = table.require(&spec.value, &mut errors);
    let variable = match &spec.variable {
        VariableSource::Column(c) => table.require(c, &mut errors).map(Some),
        VariableSource::Const(_) => Some(None),
    };
    let breakdown: Option<Vec<usize>> = spec.breakdown.iter().map(|c| table.require(c, &mut errors)).collect();
    let (Some(institution), Some(period), Some(value), Some(variable), Some(breakdown)) =
        (institution, period, value, variable, breakdown)
    else {
        return Err(errors.into_errors());
    };
    let mut observations = Vec::with_capacity(table.rows.len());
    let mut seen: HashMap<(String, VariableKey, Period, Breakdown), u64> = HashMap::new();
    for row in &table.rows {
        let cells = &row.cells;
        let key = match (variable, &spec.variable) {
            (Some(column), _) => {
                let raw = cells[column].text();
                if spec.skip_variables.iter().any(|s| s == raw.as_ref()) {
                    continue;
                }
                if let Some(m) = spec.variables.get(raw.as_ref()) {
                    m.key.clone()
                } else if let Some(key) =
                    VariableKey::new(raw.as_ref()).ok().filter(|k| spec.variables.is_empty() && unit_of(k).is_some())
                {
                    key
                } else {
                    let expected = if spec.variables.is_empty() {
                        "[[institution_statistics.variable_def]]"
                    } else {
                        "[institution_statistics.variables]"
                    };
                    errors.push(table.at(row.line, column), format!("unknown variable {raw:?}: not in {expected}"));
                    continue;
                }
            }
            (None, VariableSource::Const(key)) => key.clone(),
            (None, VariableSource::Column(_)) => continue,
        };
        let key_text = cells[institution].text().into_owned();
        if key_text.is_empty() {
            errors.push(table.at(row.line, institution), "empty institution key");
        }
        let period = cells[period]
            .text()
            .parse::<Period>()
            .map_err(|e| errors.push(table.at(row.line, period), e.to_string()))
            .ok();
        let parts = breakdown
            .iter()
            .filter(|&&i| cells[i] != Cell::Empty)
            .map(|&i| (table.header[i].clone(), cells[i].text().into_owned()));
        let breakdown = Breakdown::new(parts)
            .map_err(|e| errors.push(table.at(row.line, breakdown.first().copied().unwrap_or(value)), e.to_string()))
            .ok();
        let position = table.at(row.line, value);
        let number = cells[value].value(spec.decimal).map_err(|e| errors.push(position.clone(), e.to_string())).ok();
        let (false, Some(period), Some(breakdown), Some(number)) = (key_text.is_empty(), period, breakdown, number)
        else {
            continue;
        };
        let unit = unit_of(&key).unwrap_or(Unit::Count);
        if let Value::Number(x) = number
            && let Err(e) = unit.admits(x)
        {
            errors.push(position, format!("{e} for variable {key}"));
            continue;
        }
        let cell = (key_text, key, period, breakdown);
        if let Some(first) = seen.get(&cell) {
            let (institution, variable, period, breakdown) = &cell;
            let breakdown = if breakdown.is_total() { "total".to_owned() } else { breakdown.to_string() };
            errors.push(
                position,
                format!(
                    "duplicate value for variable {variable}, institution {institution}, period {period}, \
                     breakdown {breakdown} (first on line {first})"
                ),
            );
            continue;
        }
        seen.insert(cell.clone(), row.line);
        let (institution, variable, period, breakdown) = cell;
        observations.push(Located {
            value: InstitutionObservation { institution, variable, period, breakdown, value: number },
            position,
        });
    }
    let institution_column = table.at(1, institution).column.unwrap_or_default();
    errors.finish(InstitutionStatisticsData { variables, observations, institution_column })
}

/// The observations whose institution keys are all in `known` (the keys of the newest stored list
/// of `collection`); every other key is an error at its observation's institution cell.
pub fn check_institution_keys(
    data: &InstitutionStatisticsData,
    collection: &str,
    known: &HashSet<String>,
) -> Result<Vec<InstitutionObservation>, ImportErrors> {
    let mut errors = Errors::default();
    let mut checked = Vec::with_capacity(data.observations.len());
    for located in &data.observations {
        let o = &located.value;
        if known.contains(&o.institution) {
            checked.push(o.clone());
        } else {
            errors.push(
                Position { column: Some(data.institution_column.clone()), ..located.position.clone() },
                format!(
                    "unknown institution key {:?}: not in the newest list of collection {collection}",
                    o.institution
                ),
            );
        }
    }
    errors.finish(checked)
}

#[cfg(test)]
mod tests;
