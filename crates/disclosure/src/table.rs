//! Tables: hierarchical dimensions and the cells they address.
//!
//! A [`Hierarchy`] is one dimension (Merkmal) of a table: its codes form a tree whose root is the
//! dimension's total, and every code with children is the sum of its children (an area is the sum
//! of its sub-areas, "Insgesamt" the sum of the categories). A [`Table`] is the full cross product
//! of its dimensions' codes; its values are given for the leaf cells only and every other cell is
//! derived by summing, so the table is additive by construction.

use std::collections::{BTreeMap, HashMap};

/// What is wrong with a hierarchy or with a table's cells.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TableError {
    /// A code appears twice in one dimension.
    #[error("dimension {dimension}: code {code:?} appears twice")]
    DuplicateCode {
        /// The dimension.
        dimension: String,
        /// The repeated code.
        code: String,
    },
    /// A code names a parent that the dimension does not have (yet).
    #[error("dimension {dimension}: unknown parent {parent:?} of code {code:?}")]
    UnknownParent {
        /// The dimension.
        dimension: String,
        /// The code.
        code: String,
        /// The parent it names.
        parent: String,
    },
    /// A cell names a code its dimension does not have.
    #[error("dimension {dimension}: unknown code {code:?}")]
    UnknownCode {
        /// The dimension.
        dimension: String,
        /// The code.
        code: String,
    },
    /// A cell is given with a code that has children; only leaf cells carry input values.
    #[error("dimension {dimension}: {code:?} is a total (it has sub-codes); give values for the sub-codes only")]
    NotALeaf {
        /// The dimension.
        dimension: String,
        /// The code.
        code: String,
    },
    /// A cell names more or fewer codes than the table has dimensions.
    #[error("a cell names {given} codes, but the table has {expected} dimensions")]
    WrongArity {
        /// Codes given.
        given: usize,
        /// Dimensions of the table.
        expected: usize,
    },
    /// A leaf cell is given twice (or a contributor twice in one cell).
    #[error("cell {cell} is given twice")]
    DuplicateCell {
        /// The cell's codes, comma-separated.
        cell: String,
    },
    /// A value is negative, infinite or not a number; the attacker model assumes values ≥ 0.
    #[error("cell {cell}: value {value} is not a finite number ≥ 0")]
    BadValue {
        /// The cell's codes, comma-separated.
        cell: String,
        /// The value.
        value: f64,
    },
    /// Two dimensions of one table have the same name.
    #[error("two dimensions are named {0}")]
    DuplicateDimension(String),
}

/// One dimension of a table: codes in a tree whose root is the total.
#[derive(Debug, Clone, PartialEq)]
pub struct Hierarchy {
    name: String,
    codes: Vec<String>,
    parents: Vec<Option<usize>>,
    children: Vec<Vec<usize>>,
    index: HashMap<String, usize>,
}

impl Hierarchy {
    /// A dimension named `name` holding only its total, coded `total`.
    pub fn new(name: impl Into<String>, total: impl Into<String>) -> Hierarchy {
        let total = total.into();
        Hierarchy {
            name: name.into(),
            index: HashMap::from([(total.clone(), 0)]),
            codes: vec![total],
            parents: vec![None],
            children: vec![Vec::new()],
        }
    }

    /// A one-level dimension: `codes` directly below `total`.
    pub fn flat(name: impl Into<String>, total: impl Into<String>, codes: &[&str]) -> Result<Hierarchy, TableError> {
        let mut h = Hierarchy::new(name, total);
        let total = h.total().to_owned();
        for code in codes {
            h.add(*code, &total)?;
        }
        Ok(h)
    }

    /// Adds `code` below `parent`, which must already be there; returns the dimension for chaining.
    pub fn add(&mut self, code: impl Into<String>, parent: &str) -> Result<&mut Hierarchy, TableError> {
        let code = code.into();
        if self.index.contains_key(&code) {
            return Err(TableError::DuplicateCode { dimension: self.name.clone(), code });
        }
        let Some(&p) = self.index.get(parent) else {
            return Err(TableError::UnknownParent { dimension: self.name.clone(), code, parent: parent.to_owned() });
        };
        let at = self.codes.len();
        self.index.insert(code.clone(), at);
        self.codes.push(code);
        self.parents.push(Some(p));
        self.children.push(Vec::new());
        self.children[p].push(at);
        Ok(self)
    }

    /// The dimension's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The code of the total (the root).
    pub fn total(&self) -> &str {
        &self.codes[0]
    }

    /// Every code, the total first, then in the order added.
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.codes.iter().map(String::as_str)
    }

    /// The number of codes, the total included.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether the dimension holds only its total.
    pub fn is_empty(&self) -> bool {
        self.codes.len() == 1
    }

    /// Whether the dimension has `code`.
    pub fn contains(&self, code: &str) -> bool {
        self.index.contains_key(code)
    }

    /// The parent of `code`; `None` for the total and for unknown codes.
    pub fn parent(&self, code: &str) -> Option<&str> {
        let p = self.parents[*self.index.get(code)?]?;
        Some(&self.codes[p])
    }

    /// Whether `code` has no sub-codes (false for unknown codes).
    pub fn is_leaf(&self, code: &str) -> bool {
        self.index.get(code).is_some_and(|&i| self.children[i].is_empty())
    }

    pub(crate) fn position(&self, code: &str) -> Option<usize> {
        self.index.get(code).copied()
    }

    pub(crate) fn code_at(&self, position: usize) -> &str {
        &self.codes[position]
    }

    pub(crate) fn children_at(&self, position: usize) -> &[usize] {
        &self.children[position]
    }

    /// `position` and all its ancestors up to the total.
    fn chain(&self, position: usize) -> Vec<usize> {
        let mut chain = vec![position];
        let mut at = position;
        while let Some(p) = self.parents[at] {
            chain.push(p);
            at = p;
        }
        chain
    }
}

/// The data of one cell: its value, its number of contributors and, for magnitude tables, the
/// contributions of its contributors, largest first.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Cell {
    pub(crate) value: f64,
    pub(crate) frequency: u64,
    pub(crate) contributions: Vec<f64>,
}

/// A table: every combination of its dimensions' codes, totals included, with values.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    name: String,
    dimensions: Vec<Hierarchy>,
    strides: Vec<usize>,
    cells: Vec<Cell>,
}

impl Table {
    /// A frequency table (Fallzahlen): `counts` gives the number of units in leaf cells, each
    /// cell as its codes in the order of `dimensions`. Cells not given are 0; every unit is one
    /// contributor, so a cell's frequency is its count.
    pub fn counts<C, S>(
        name: impl Into<String>,
        dimensions: Vec<Hierarchy>,
        counts: impl IntoIterator<Item = (C, u64)>,
    ) -> Result<Table, TableError>
    where
        C: AsRef<[S]>,
        S: AsRef<str>,
    {
        let mut table = Table::empty(name.into(), dimensions)?;
        let mut given = vec![false; table.cells.len()];
        for (codes, count) in counts {
            let leaf = table.leaf_index(codes.as_ref())?;
            if std::mem::replace(&mut given[leaf], true) {
                return Err(TableError::DuplicateCell { cell: table.label(leaf) });
            }
            for index in table.ancestors(leaf) {
                let cell = &mut table.cells[index];
                cell.value += count as f64;
                cell.frequency += count;
            }
        }
        Ok(table)
    }

    /// A magnitude table (Wertetabelle, e.g. employees or turnover): `contributions` gives, per
    /// leaf cell, each contributor's value, as (cell codes, contributor, value). A cell's value is
    /// the sum of its contributions and its frequency the number of its distinct contributors; a
    /// total sums each contributor's values over its sub-cells, so one unit present in several
    /// areas counts once with its whole contribution, as the dominance rules require.
    pub fn magnitudes<C, S>(
        name: impl Into<String>,
        dimensions: Vec<Hierarchy>,
        contributions: impl IntoIterator<Item = (C, String, f64)>,
    ) -> Result<Table, TableError>
    where
        C: AsRef<[S]>,
        S: AsRef<str>,
    {
        let mut table = Table::empty(name.into(), dimensions)?;
        let mut units: Vec<BTreeMap<String, f64>> = vec![BTreeMap::new(); table.cells.len()];
        for (codes, unit, value) in contributions {
            let leaf = table.leaf_index(codes.as_ref())?;
            if !value.is_finite() || value < 0.0 {
                return Err(TableError::BadValue { cell: table.label(leaf), value });
            }
            if units[leaf].contains_key(&unit) {
                return Err(TableError::DuplicateCell { cell: format!("{} (contributor {unit})", table.label(leaf)) });
            }
            for index in table.ancestors(leaf) {
                *units[index].entry(unit.clone()).or_insert(0.0) += value;
            }
        }
        for (cell, units) in table.cells.iter_mut().zip(units) {
            let mut contributions: Vec<f64> = units.into_values().collect();
            contributions.sort_by(|a, b| b.total_cmp(a));
            cell.value = contributions.iter().sum();
            cell.frequency = contributions.len() as u64;
            cell.contributions = contributions;
        }
        Ok(table)
    }

    fn empty(name: String, dimensions: Vec<Hierarchy>) -> Result<Table, TableError> {
        for (i, d) in dimensions.iter().enumerate() {
            if dimensions[..i].iter().any(|e| e.name == d.name) {
                return Err(TableError::DuplicateDimension(d.name.clone()));
            }
        }
        let mut strides = vec![1; dimensions.len()];
        for i in (0..dimensions.len().saturating_sub(1)).rev() {
            strides[i] = strides[i + 1] * dimensions[i + 1].len();
        }
        let size = dimensions.iter().map(Hierarchy::len).product();
        Ok(Table { name, dimensions, strides, cells: vec![Cell::default(); size] })
    }

    fn leaf_index<S: AsRef<str>>(&self, codes: &[S]) -> Result<usize, TableError> {
        if codes.len() != self.dimensions.len() {
            return Err(TableError::WrongArity { given: codes.len(), expected: self.dimensions.len() });
        }
        let mut index = 0;
        for ((d, code), stride) in self.dimensions.iter().zip(codes).zip(&self.strides) {
            let code = code.as_ref();
            let Some(p) = d.position(code) else {
                return Err(TableError::UnknownCode { dimension: d.name.clone(), code: code.to_owned() });
            };
            if !d.children[p].is_empty() {
                return Err(TableError::NotALeaf { dimension: d.name.clone(), code: code.to_owned() });
            }
            index += p * stride;
        }
        Ok(index)
    }

    /// Every cell that contains the leaf cell `leaf`, itself included.
    fn ancestors(&self, leaf: usize) -> Vec<usize> {
        let mut out = vec![0];
        for ((d, p), &stride) in self.dimensions.iter().zip(self.positions(leaf)).zip(&self.strides) {
            let chain = d.chain(p);
            out = out.iter().flat_map(|&base| chain.iter().map(move |&c| base + c * stride)).collect();
        }
        out
    }

    /// The table's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The dimensions, in the order cells name their codes.
    pub fn dimensions(&self) -> &[Hierarchy] {
        &self.dimensions
    }

    /// The number of cells, totals included.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether the table has no cells (only when a dimension list is empty – then it has one).
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The index of the cell with `codes` (any level, totals included).
    pub fn index<S: AsRef<str>>(&self, codes: &[S]) -> Option<usize> {
        if codes.len() != self.dimensions.len() {
            return None;
        }
        let mut index = 0;
        for ((d, code), stride) in self.dimensions.iter().zip(codes).zip(&self.strides) {
            index += d.position(code.as_ref())? * stride;
        }
        Some(index)
    }

    /// The codes of the cell at `index`, in the order of the dimensions.
    pub fn codes(&self, index: usize) -> Vec<&str> {
        self.dimensions.iter().zip(self.positions(index)).map(|(d, p)| d.code_at(p)).collect()
    }

    /// The value of the cell at `index`.
    pub fn value(&self, index: usize) -> f64 {
        self.cells[index].value
    }

    /// The number of contributors of the cell at `index`.
    pub fn frequency(&self, index: usize) -> u64 {
        self.cells[index].frequency
    }

    pub(crate) fn cell(&self, index: usize) -> &Cell {
        &self.cells[index]
    }

    pub(crate) fn positions(&self, index: usize) -> Vec<usize> {
        self.dimensions.iter().zip(&self.strides).map(|(d, s)| index / s % d.len()).collect()
    }

    pub(crate) fn index_of_positions(&self, positions: &[usize]) -> usize {
        positions.iter().zip(&self.strides).map(|(p, s)| p * s).sum()
    }

    /// The cell's codes as `dimension=code` pairs, comma-separated.
    pub(crate) fn label(&self, index: usize) -> String {
        self.dimensions
            .iter()
            .zip(self.codes(index))
            .map(|(d, c)| format!("{}={c}", d.name))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests;
