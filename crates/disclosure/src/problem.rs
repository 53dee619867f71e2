//! The protection problem: the linked tables of one release as one set of cells and additivity
//! constraints, and the suppression pattern on it.

use std::collections::{HashMap, HashSet};

use crate::rules::{Reason, Rules};
use crate::table::{Cell, Table};

/// A cell of a [`Problem`]: one logical cell, however many of the linked tables show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellId(pub(crate) usize);

impl CellId {
    /// The cell's position in the problem (`0..Problem::cell_count()`).
    pub fn index(self) -> usize {
        self.0
    }
}

/// One additivity constraint: `total` = sum of `parts`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Constraint {
    /// The total cell.
    pub total: CellId,
    /// The cells it sums, in the order of the hierarchy.
    pub parts: Vec<CellId>,
}

impl Constraint {
    /// The total and then the parts.
    pub fn cells(&self) -> impl Iterator<Item = CellId> + '_ {
        std::iter::once(self.total).chain(self.parts.iter().copied())
    }
}

/// Why linked tables cannot be one problem.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LinkError {
    /// A cell shown by two tables has different values in them.
    #[error("cell {cell} is {first} in table {first_table} but {second} in table {second_table}")]
    Mismatch {
        /// The cell's codes.
        cell: String,
        /// The first table showing it.
        first_table: String,
        /// Its value there.
        first: f64,
        /// The other table.
        second_table: String,
        /// Its value there.
        second: f64,
    },
    /// No table was given.
    #[error("no table to protect")]
    NoTable,
}

/// The linked tables of one release, as one system of cells and additivity constraints.
///
/// Tables are linked through the dimensions they share by name: a cell whose codes are totals in
/// every dimension but the shared ones is the same logical cell in each table that shows it (the
/// area row of "pupils by area and sex" is the area row of "pupils by area and grade"), so it
/// gets one [`CellId`], one value and one status. Codes of a shared dimension must mean the same
/// in every table.
#[derive(Debug, Clone)]
pub struct Problem {
    tables: Vec<Table>,
    table_cells: Vec<Vec<CellId>>,
    cells: Vec<Cell>,
    origins: Vec<(usize, usize)>,
    constraints: Vec<Constraint>,
    constraints_of: Vec<Vec<usize>>,
}

impl Problem {
    /// Links `tables` into one problem; a shared cell must have the same value in every table.
    pub fn new(tables: Vec<Table>) -> Result<Problem, LinkError> {
        if tables.is_empty() {
            return Err(LinkError::NoTable);
        }
        let mut ids: HashMap<Vec<(String, String)>, CellId> = HashMap::new();
        let mut table_cells = Vec::with_capacity(tables.len());
        let mut cells: Vec<Cell> = Vec::new();
        let mut origins: Vec<(usize, usize)> = Vec::new();
        for (t, table) in tables.iter().enumerate() {
            let mut own = Vec::with_capacity(table.len());
            for index in 0..table.len() {
                let mut key: Vec<(String, String)> = table
                    .dimensions()
                    .iter()
                    .zip(table.positions(index))
                    .filter(|(_, p)| *p != 0)
                    .map(|(d, p)| (d.name().to_owned(), d.code_at(p).to_owned()))
                    .collect();
                key.sort();
                let cell = table.cell(index);
                let id = match ids.get(&key) {
                    Some(&id) => {
                        let known = &cells[id.0];
                        if (known.value - cell.value).abs() > 1e-9 * known.value.abs().max(1.0) {
                            let (ft, fi): (usize, usize) = origins[id.0];
                            return Err(LinkError::Mismatch {
                                cell: tables[ft].label(fi),
                                first_table: tables[ft].name().to_owned(),
                                first: known.value,
                                second_table: table.name().to_owned(),
                                second: cell.value,
                            });
                        }
                        id
                    }
                    None => {
                        let id = CellId(cells.len());
                        ids.insert(key, id);
                        cells.push(cell.clone());
                        origins.push((t, index));
                        id
                    }
                };
                own.push(id);
            }
            table_cells.push(own);
        }
        let mut constraints = Vec::new();
        let mut seen = HashSet::new();
        for (table, own) in tables.iter().zip(&table_cells) {
            for index in 0..table.len() {
                let positions = table.positions(index);
                for (dim, d) in table.dimensions().iter().enumerate() {
                    let children = d.children_at(positions[dim]);
                    if children.is_empty() {
                        continue;
                    }
                    let mut at = positions.clone();
                    let parts = children
                        .iter()
                        .map(|&c| {
                            at[dim] = c;
                            own[table.index_of_positions(&at)]
                        })
                        .collect();
                    let constraint = Constraint { total: own[index], parts };
                    if seen.insert(constraint.clone()) {
                        constraints.push(constraint);
                    }
                }
            }
        }
        let mut constraints_of = vec![Vec::new(); cells.len()];
        for (k, c) in constraints.iter().enumerate() {
            for cell in c.cells() {
                constraints_of[cell.0].push(k);
            }
        }
        Ok(Problem { tables, table_cells, cells, origins, constraints, constraints_of })
    }

    /// The linked tables, in the order given.
    pub fn tables(&self) -> &[Table] {
        &self.tables
    }

    /// The cell of table number `table` at `index` (see [`Table::index`]).
    pub fn table_cell(&self, table: usize, index: usize) -> CellId {
        self.table_cells[table][index]
    }

    /// The cell of table number `table` with `codes`, if the table has them.
    pub fn cell<S: AsRef<str>>(&self, table: usize, codes: &[S]) -> Option<CellId> {
        Some(self.table_cells.get(table)?[self.tables[table].index(codes)?])
    }

    /// The number of distinct cells over all tables.
    pub fn cell_count(&self) -> usize {
        self.cells.len()
    }

    /// Every cell.
    pub fn cells(&self) -> impl Iterator<Item = CellId> + use<> {
        (0..self.cells.len()).map(CellId)
    }

    /// The cell's value.
    pub fn value(&self, cell: CellId) -> f64 {
        self.cells[cell.0].value
    }

    /// The cell's number of contributors.
    pub fn frequency(&self, cell: CellId) -> u64 {
        self.cells[cell.0].frequency
    }

    /// What is published for the cell under `pattern`: its value, or `None` if it is withheld.
    pub fn published(&self, pattern: &Pattern, cell: CellId) -> Option<f64> {
        (!pattern.is_suppressed(cell)).then(|| self.value(cell))
    }

    /// The cell as `table: dimension=code, …`, for reports and errors.
    pub fn describe(&self, cell: CellId) -> String {
        let (t, index) = self.origins[cell.0];
        format!("{}: {}", self.tables[t].name(), self.tables[t].label(index))
    }

    /// Every additivity constraint (duplicates shared by linked tables appear once).
    pub fn constraints(&self) -> &[Constraint] {
        &self.constraints
    }

    pub(crate) fn constraints_of(&self, cell: CellId) -> &[usize] {
        &self.constraints_of[cell.0]
    }

    /// The primary suppressions by `rules`: every cell a rule finds sensitive is
    /// [`Status::Primary`]; cells with value 0 and no contributors are [`Status::Zero`]; all
    /// others are [`Status::Published`].
    pub fn primary(&self, rules: &Rules) -> Pattern {
        let statuses = self
            .cells
            .iter()
            .map(|c| match rules.check(c.frequency, &c.contributions) {
                Some(reason) => Status::Primary(reason),
                None if c.frequency == 0 && c.value == 0.0 => Status::Zero,
                None => Status::Published,
            })
            .collect();
        Pattern { statuses }
    }
}

/// What happens to a cell on publication (sdcTable's status codes in brackets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Published as it is (`s`).
    Published,
    /// An empty cell (no contributors), published as 0 and never suppressed to protect another
    /// cell (`z`).
    Zero,
    /// Suppressed because a primary rule finds it sensitive (`u`).
    Primary(Reason),
    /// Suppressed to protect other suppressed cells (`x`).
    Secondary,
}

impl Status {
    /// Whether the cell is withheld.
    pub fn is_suppressed(self) -> bool {
        matches!(self, Status::Primary(_) | Status::Secondary)
    }
}

/// A status for every cell of a [`Problem`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub(crate) statuses: Vec<Status>,
}

impl Pattern {
    /// The cell's status.
    pub fn status(&self, cell: CellId) -> Status {
        self.statuses[cell.0]
    }

    /// Whether the cell is withheld.
    pub fn is_suppressed(&self, cell: CellId) -> bool {
        self.statuses[cell.0].is_suppressed()
    }

    /// Sets the cell's status, e.g. a cell the statistics office declares confidential
    /// ([`Reason::Requested`]).
    pub fn set(&mut self, cell: CellId, status: Status) {
        self.statuses[cell.0] = status;
    }

    /// Every withheld cell.
    pub fn suppressed(&self) -> impl Iterator<Item = CellId> + '_ {
        self.statuses.iter().enumerate().filter(|(_, s)| s.is_suppressed()).map(|(i, _)| CellId(i))
    }

    /// The number of primary suppressions.
    pub fn primary_count(&self) -> usize {
        self.statuses.iter().filter(|s| matches!(s, Status::Primary(_))).count()
    }

    /// The number of secondary suppressions.
    pub fn secondary_count(&self) -> usize {
        self.statuses.iter().filter(|s| **s == Status::Secondary).count()
    }
}
