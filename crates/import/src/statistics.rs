//! Statistics tables, long and wide, become variables and observations.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use domain::{AreaKey, Breakdown, LayerKey, Observation, Period, Unit, Validity, Value, Variable, VariableKey};

use crate::error::{Errors, ImportErrors, Position};
use crate::spec::{Layout, LongSpec, MappedVariable, StatisticsSpec, VariableSource, WideSpec};
use crate::table::{Cell, Table, TableOptions, read_table};

/// A value with the position it was read from, so later checks can point at the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was read: for observations the value's cell.
    pub position: Position,
}

/// The variables and observations of a statistics file.
#[derive(Debug, Clone, PartialEq)]
pub struct StatisticsData {
    /// The variables, each once, in the order the manifest defines them.
    pub variables: Vec<Variable>,
    /// The observations in file order.
    pub observations: Vec<Located<Observation>>,
    /// How the area column is named in positions (for errors about area keys).
    pub area_column: String,
}

/// Reads the statistics file a spec names; see [`parse_statistics`].
pub fn read_statistics(spec: &StatisticsSpec) -> Result<StatisticsData, ImportErrors> {
    let (bytes, file) = read_file(&spec.file)?;
    parse_statistics(&bytes, &file, spec)
}

/// Reads a whole file; the error names the file.
pub(crate) fn read_file(path: &Path) -> Result<(Vec<u8>, String), ImportErrors> {
    let file = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let bytes = std::fs::read(path)
        .map_err(|e| ImportErrors::one(Position::file(&file), format!("cannot read {}: {e}", path.display())))?;
    Ok((bytes, file))
}

/// Parses a statistics table from its bytes; `file` names it in positions and decides by its
/// extension whether it is CSV or a spreadsheet. All row errors are collected.
pub fn parse_statistics(bytes: &[u8], file: &str, spec: &StatisticsSpec) -> Result<StatisticsData, ImportErrors> {
    let options = TableOptions {
        encoding: spec.encoding,
        lines: spec.lines,
        sheet: spec.sheet.as_deref(),
        header: spec.header.as_deref(),
    };
    let (table, errors) = read_table(bytes, file, options)?;
    let mut builder = Builder { spec, table: &table, errors, data: Vec::new(), seen: HashMap::new() };
    let (variables, area_column) = match &spec.layout {
        Layout::Long(long) => builder.long(long),
        Layout::Wide(wide) => builder.wide(wide),
    };
    let Builder { errors, data, .. } = builder;
    errors.finish(StatisticsData { variables, observations: data, area_column })
}

/// The definitions of variables collected from a spec; the same key defined twice must agree.
#[derive(Default)]
struct Definitions(Vec<Variable>);

impl Definitions {
    fn add(&mut self, variable: Variable, file: &Position, errors: &mut Errors) {
        match self.0.iter().find(|v| v.key == variable.key) {
            Some(known) if *known != variable => errors.push(
                file.clone(),
                format!("variable {} is defined twice with different label, unit or share_of", variable.key),
            ),
            Some(_) => {}
            None => self.0.push(variable),
        }
    }

    fn unit(&self, key: &VariableKey) -> Option<&Unit> {
        self.0.iter().find(|v| &v.key == key).map(|v| &v.unit)
    }
}

fn mapped(m: &MappedVariable) -> Variable {
    Variable { key: m.key.clone(), label: m.label.clone(), unit: m.unit.clone(), share_of: m.share_of.clone() }
}

type Identity = (VariableKey, AreaKey, Period, Breakdown);

struct Builder<'a> {
    spec: &'a StatisticsSpec,
    table: &'a Table,
    errors: Errors,
    data: Vec<Located<Observation>>,
    seen: HashMap<Identity, u64>,
}

impl Builder<'_> {
    /// The area key of a row; `None` for ignored areas and for errors (which are recorded).
    fn area(&mut self, cells: &[Cell], column: usize, line: u64) -> Option<AreaKey> {
        let raw = cells[column].text();
        let key = self.spec.aliases.get(raw.as_ref()).map_or(raw.as_ref(), String::as_str);
        if self.spec.ignore_areas.iter().any(|i| i == key) {
            return None;
        }
        AreaKey::new(key).map_err(|e| self.errors.push(self.table.at(line, column), format!("area: {e}"))).ok()
    }

    fn period(&mut self, cells: &[Cell], column: usize, line: u64) -> Option<Period> {
        cells[column]
            .text()
            .parse()
            .map_err(|e: domain::period::PeriodError| self.errors.push(self.table.at(line, column), e.to_string()))
            .ok()
    }

    /// Checks a value against its unit and the observation against duplicates, then keeps it.
    fn add(&mut self, observation: Observation, unit: &Unit, position: Position, line: u64) {
        if let Value::Number(x) = observation.value
            && let Err(e) = unit.admits(x)
        {
            self.errors.push(position, format!("{e} for variable {}", observation.variable));
            return;
        }
        let identity =
            (observation.variable.clone(), observation.area.clone(), observation.period, observation.breakdown.clone());
        if let Some(first) = self.seen.insert(identity, line) {
            let breakdown =
                if observation.breakdown.is_total() { "total".to_owned() } else { observation.breakdown.to_string() };
            self.errors.push(
                position,
                format!(
                    "duplicate value for variable {}, area {}, period {}, breakdown {breakdown} (first on line {first})",
                    observation.variable, observation.area, observation.period
                ),
            );
            return;
        }
        self.data.push(Located { value: observation, position });
    }

    fn wide(&mut self, wide: &WideSpec) -> (Vec<Variable>, String) {
        let table = self.table;
        let mut definitions = Definitions::default();
        for c in &wide.columns {
            let variable = Variable {
                key: c.key.clone(),
                label: c.label.clone(),
                unit: c.unit.clone(),
                share_of: c.share_of.clone(),
            };
            definitions.add(variable, &table.file, &mut self.errors);
        }
        let area_column = table.require(&wide.area, &mut self.errors);
        let columns: Vec<_> =
            wide.columns.iter().filter_map(|c| Some((c, table.require(&c.column, &mut self.errors)?))).collect();
        let Some(area_column) = area_column else {
            return (definitions.0, wide.area.clone());
        };
        for row in &table.rows {
            let Some(area) = self.area(&row.cells, area_column, row.line) else {
                continue;
            };
            for &(spec, index) in &columns {
                let position = table.at(row.line, index);
                match row.cells[index].value(self.spec.decimal) {
                    Ok(value) => {
                        let observation = Observation {
                            variable: spec.key.clone(),
                            area: area.clone(),
                            period: spec.period.unwrap_or(wide.period),
                            breakdown: Breakdown::TOTAL,
                            value,
                        };
                        self.add(observation, &spec.unit, position, row.line);
                    }
                    Err(e) => self.errors.push(position, e.to_string()),
                }
            }
        }
        (definitions.0, table.at(1, area_column).column.unwrap_or_default())
    }

    fn long(&mut self, long: &LongSpec) -> (Vec<Variable>, String) {
        let table = self.table;
        let mut definitions = Definitions::default();
        for m in long.variables.values() {
            definitions.add(mapped(m), &table.file, &mut self.errors);
        }
        for v in &self.spec.variables {
            let unit = v.unit.clone().unwrap_or_else(|| long.unit.clone());
            let variable = Variable { key: v.key.clone(), label: v.label.clone(), unit, share_of: v.share_of.clone() };
            definitions.add(variable, &table.file, &mut self.errors);
        }
        if let VariableSource::Const(key) = &long.variable
            && definitions.unit(key).is_none()
        {
            self.errors
                .push(table.file.clone(), format!("variable_const {key} is not declared in [[statistics.variable]]"));
        }
        let area = table.require(&long.area, &mut self.errors);
        let period = table.require(&long.period, &mut self.errors);
        let value = table.require(&long.value, &mut self.errors);
        let variable = match &long.variable {
            VariableSource::Column(c) => table.require(c, &mut self.errors).map(Some),
            VariableSource::Const(_) => Some(None),
        };
        let breakdown: Option<Vec<usize>> = match &long.breakdown {
            Some(columns) => columns.iter().map(|c| table.require(c, &mut self.errors)).collect(),
            None => {
                let named = [area, period, value, variable.flatten()];
                Some((0..table.header.len()).filter(|i| !named.contains(&Some(*i))).collect())
            }
        };
        let (Some(area), Some(period), Some(value), Some(variable), Some(breakdown)) =
            (area, period, value, variable, breakdown)
        else {
            return (definitions.0, long.area.clone());
        };
        for row in &table.rows {
            let cells = &row.cells;
            let (key, dimension) = match (variable, &long.variable) {
                (Some(column), _) => {
                    let raw = cells[column].text();
                    if long.skip_variables.iter().any(|s| s == raw.as_ref()) {
                        continue;
                    }
                    if let Some(m) = long.variables.get(raw.as_ref()) {
                        (m.key.clone(), Some(m.dimension.as_deref()))
                    } else if let Some(key) = VariableKey::new(raw.as_ref())
                        .ok()
                        .filter(|k| long.variables.is_empty() && definitions.unit(k).is_some())
                    {
                        (key, None)
                    } else {
                        let expected = if long.variables.is_empty() {
                            "[[statistics.variable]]"
                        } else {
                            "[statistics.long.variables]"
                        };
                        self.errors
                            .push(table.at(row.line, column), format!("unknown variable {raw:?}: not in {expected}"));
                        continue;
                    }
                }
                (None, VariableSource::Const(key)) => (key.clone(), None),
                (None, VariableSource::Column(_)) => continue,
            };
            let area = self.area(cells, area, row.line);
            let period = self.period(cells, period, row.line);
            let breakdown = match dimension {
                Some(None) => Ok(Breakdown::TOTAL),
                Some(Some(d)) => Breakdown::new([(d.to_owned(), cells[breakdown[0]].text().into_owned())])
                    .map_err(|e| (breakdown[0], e)),
                None => Breakdown::new(
                    breakdown
                        .iter()
                        .filter(|&&i| cells[i] != Cell::Empty)
                        .map(|&i| (table.header[i].clone(), cells[i].text().into_owned())),
                )
                .map_err(|e| (breakdown[0], e)),
            };
            let breakdown = breakdown.map_err(|(i, e)| self.errors.push(table.at(row.line, i), e.to_string())).ok();
            let position = table.at(row.line, value);
            let number = cells[value]
                .value(self.spec.decimal)
                .map_err(|e| self.errors.push(position.clone(), e.to_string()))
                .ok();
            let (Some(area), Some(period), Some(breakdown), Some(number)) = (area, period, breakdown, number) else {
                continue;
            };
            let unit = definitions.unit(&key).cloned().unwrap_or(Unit::Count);
            let observation = Observation { variable: key, area, period, breakdown, value: number };
            self.add(observation, &unit, position, row.line);
        }
        (definitions.0, table.at(1, area).column.unwrap_or_default())
    }
}

/// The area keys of one layer that statistics may refer to, per version of the layer.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownAreas {
    /// The layer.
    pub layer: LayerKey,
    /// Its versions, newest first: when each is valid and the keys of its areas.
    pub versions: Vec<(Validity, HashSet<AreaKey>)>,
}

impl KnownAreas {
    /// A layer with one version, valid always.
    pub fn always(layer: LayerKey, keys: HashSet<AreaKey>) -> KnownAreas {
        KnownAreas { layer, versions: vec![(Validity::ALWAYS, keys)] }
    }

    /// The keys of the newest version valid in `year`.
    fn keys_in(&self, year: i32) -> Option<&HashSet<AreaKey>> {
        self.versions.iter().find(|(v, _)| v.contains(year)).map(|(_, keys)| keys)
    }

    fn is_versioned(&self) -> bool {
        self.versions.iter().any(|(v, _)| *v != Validity::ALWAYS)
    }
}

/// Resolves each observation's area key to the first layer, in the order given, whose version valid
/// in the observation's period has an area with that key; a key no layer has is an error at the
/// observation's area cell.
pub fn check_area_keys(
    data: &StatisticsData,
    layers: &[KnownAreas],
) -> Result<Vec<(LayerKey, Observation)>, ImportErrors> {
    let mut errors = Errors::default();
    let mut resolved = Vec::with_capacity(data.observations.len());
    for located in &data.observations {
        let observation = &located.value;
        let year = observation.period.start_year();
        match layers.iter().find(|l| l.keys_in(year).is_some_and(|keys| keys.contains(&observation.area))) {
            Some(known) => resolved.push((known.layer.clone(), observation.clone())),
            None => {
                let names: Vec<&str> = layers.iter().map(|l| l.layer.as_str()).collect();
                let when = if layers.iter().any(KnownAreas::is_versioned) {
                    format!(" as valid in {year}")
                } else {
                    String::new()
                };
                errors.push(
                    located.position.at_column(data.area_column.clone()),
                    format!(
                        "unknown area key {:?}: not in layer {}{when}",
                        observation.area.as_str(),
                        names.join(", ")
                    ),
                );
            }
        }
    }
    errors.finish(resolved)
}

#[cfg(test)]
mod tests;
