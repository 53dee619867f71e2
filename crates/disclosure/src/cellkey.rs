//! The Cell Key Method (CKM, Zellschlüsselverfahren; METHODS.md §5.4), as used for the Zensus 2022
//! and implemented by R's `cellKey` and `ptable` (sdcTools).
//!
//! CKM perturbs the published counts of a table instead of withholding cells:
//!
//! 1. Every person (record) carries a **record key**, an integer uniform on
//!    `[0, RECORD_KEY_SCALE)`: a key of 8 decimal digits, τ-ARGUS's and `cellKey`'s default. The
//!    engine derives it from a secret and the person's pseudonym, so it is the same in every table.
//! 2. A cell's **cell key** is the sum of its records' keys modulo 1, here [`CellKey::from_sum`] of
//!    the integer sum. Integers make it exact: a parent cell's key is the sum of its leaves' sums
//!    (or of their keys, [`CellKey`] adds modulo 1), and two cells with the same records – the same
//!    cell in different tables – get the same key and hence the same published value.
//! 3. A **p-table** ([`PTable`]) gives, for an original count `i`, the probabilities of the
//!    published counts `j`; the cell key picks one of them ([`PTable::perturb`]).
//!
//! The p-table comes from R (`ptable::pt_export`, also τ-ARGUS's format, [`PTable::parse`]) or is
//! built here by the same maximum-entropy construction ([`PTable::maximum_entropy`]).

use std::iter::Sum;
use std::ops::Add;

/// The record-key scale: record keys are integers in `[0, RECORD_KEY_SCALE)`, i.e. keys in `[0, 1)`
/// with 8 decimal digits; cell keys and p-table interval bounds are counted in the same units.
pub const RECORD_KEY_SCALE: u32 = 100_000_000;

/// A cell key: the sum of the cell's record keys modulo 1, held exactly as a multiple of
/// `1 / RECORD_KEY_SCALE`. Keys add modulo 1, so a parent cell's key is the sum of its leaves' keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct CellKey(u32);

impl CellKey {
    /// The key of a cell whose records' keys (integers in `[0, RECORD_KEY_SCALE)`) sum to `sum`.
    pub fn from_sum(sum: u64) -> CellKey {
        CellKey((sum % u64::from(RECORD_KEY_SCALE)) as u32)
    }

    /// The key in units of `1 / RECORD_KEY_SCALE`, in `[0, RECORD_KEY_SCALE)`.
    pub fn units(self) -> u32 {
        self.0
    }

    /// The key as a number in `[0, 1)`.
    pub fn value(self) -> f64 {
        f64::from(self.0) / f64::from(RECORD_KEY_SCALE)
    }
}

impl Add for CellKey {
    type Output = CellKey;

    fn add(self, other: CellKey) -> CellKey {
        CellKey::from_sum(u64::from(self.0) + u64::from(other.0))
    }
}

impl Sum for CellKey {
    fn sum<I: Iterator<Item = CellKey>>(keys: I) -> CellKey {
        keys.fold(CellKey::default(), Add::add)
    }
}

/// One row of a p-table: original count `i` is published as `j = i + v` for the cell keys in
/// `[lower, upper)` (in units of `1 / RECORD_KEY_SCALE`), which have probability `p`.
#[derive(Debug, Clone, PartialEq)]
pub struct PTableRow {
    /// The original count; the last block stands for every count from it up.
    pub i: u32,
    /// The published count (for the last block: of an original count equal to `i`).
    pub j: u32,
    /// The probability of this perturbation.
    pub p: f64,
    /// The perturbation `j − i`.
    pub v: i32,
    /// `p_int_lb`: the smallest cell key of this row, in units of `1 / RECORD_KEY_SCALE`.
    pub lower: u32,
    /// `p_int_ub`: keys below it (and from `lower` up) select this row; the last row of a block
    /// ends at `RECORD_KEY_SCALE`.
    pub upper: u32,
}

/// A perturbation table for frequency (count) tables: one block of rows per original count
/// `i = 0..=max_i`, the last block for every count from `max_i` up; block 0 leaves 0 at 0.
#[derive(Debug, Clone, PartialEq)]
pub struct PTable {
    blocks: Vec<Vec<PTableRow>>,
}

/// A fault in a p-table text, at a 1-based line and, where one is to blame, a column (its header
/// name).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}{}: {problem}", column.as_ref().map(|c| format!(", column {c}")).unwrap_or_default())]
pub struct PTableError {
    /// The 1-based line.
    pub line: usize,
    /// The header name of the faulty column, if one is to blame.
    pub column: Option<String>,
    /// What is wrong.
    pub problem: PTableProblem,
}

/// What is wrong in a p-table text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PTableProblem {
    /// The text has no header line.
    #[error("the p-table is empty")]
    Empty,
    /// The header names a column this format does not have.
    #[error("unknown column (expected i, j, p, v, p_int_lb, p_int_ub, type)")]
    UnknownColumn,
    /// The header names a column twice.
    #[error("column given twice")]
    DuplicateColumn,
    /// The header lacks a required column.
    #[error("missing column")]
    MissingColumn,
    /// A row has another number of fields than the header.
    #[error("{found} fields where the header has {expected}")]
    FieldCount {
        /// Fields in the header.
        expected: usize,
        /// Fields in the row.
        found: usize,
    },
    /// A field is not a number of the column's kind.
    #[error("{0:?} is not a valid number here")]
    Number(String),
    /// `j` is negative.
    #[error("published count {0} is negative")]
    NegativeCount(i64),
    /// A probability or interval bound is outside [0, 1].
    #[error("{0} is outside [0, 1]")]
    Probability(f64),
    /// `v` is not `j − i`.
    #[error("v = {found} but j − i = {expected}")]
    Deviation {
        /// `j − i`.
        expected: i64,
        /// The `v` given.
        found: i64,
    },
    /// The blocks do not run 0, 1, 2, … in order.
    #[error("original count {found} where block {expected} (or the next) is due")]
    BlockOrder {
        /// The block that was due.
        expected: u32,
        /// The `i` found.
        found: u32,
    },
    /// The published counts of a block are not increasing.
    #[error("published counts of a block must increase")]
    RowOrder,
    /// Block 0 publishes something other than 0.
    #[error("an original zero must stay zero")]
    ZeroChanged,
    /// A block's probabilities do not sum to 1.
    #[error("the probabilities of block {i} sum to {sum}, not 1")]
    BlockSum {
        /// The block.
        i: u32,
        /// The sum found.
        sum: f64,
    },
    /// An interval bound disagrees with the cumulated probabilities.
    #[error("interval bound {found} where the cumulated probabilities give {expected}")]
    Interval {
        /// The bound implied by `p`.
        expected: f64,
        /// The bound given.
        found: f64,
    },
}

/// Parameters for which [`PTable::maximum_entropy`] finds no p-table.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConstructionError {
    /// The maximum deviation D is 0.
    #[error("the maximum deviation D must be at least 1")]
    MaximumDeviation,
    /// The variance V is not a positive number.
    #[error("the variance V must be a positive number, not {0}")]
    Variance(f64),
    /// pstay is not in (0, 1).
    #[error("pstay must lie strictly between 0 and 1, not {0}")]
    Stay(f64),
    /// For original count `i` no distribution over the allowed deviations has mean 0 and variance
    /// at most V.
    #[error("no perturbation of count {i} has mean 0 and variance at most V; choose a larger V or smaller js")]
    Infeasible {
        /// The original count.
        i: u32,
    },
}

/// Tolerance for a block's probabilities to sum to 1 and for interval bounds to match them.
const TOLERANCE: f64 = 1e-6;

impl PTable {
    /// Reads the text export of R's `ptable::pt_export` (the format τ-ARGUS reads): a header line,
    /// then one row per `(i, j)`, fields separated by `;` (or `,`), surrounding spaces ignored.
    /// Columns (any order): `i`, `j`, `p`, `v`, `p_int_ub` and, in the `SAS` variant, `p_int_lb`;
    /// a `type` column is ignored. Rows are sorted by `i`, then `j`; blocks run `i = 0..=max_i`,
    /// block 0 only `0 → 0`; `v = j − i`, `j ≥ 0`; probabilities in [0, 1] summing to 1 per block
    /// and `p_int_ub` the cumulated `p` (both within 10⁻⁶). Interval bounds are converted exactly:
    /// a key `k / 10⁸` is below `p_int_ub` exactly when `k < ⌈p_int_ub · 10⁸⌉`. The last row of a
    /// block takes every key from its lower bound up (its `p_int_ub` is 1 up to rounding).
    pub fn parse(text: &str) -> Result<PTable, PTableError> {
        let mut lines = text.lines().enumerate().map(|(index, line)| (index + 1, line.trim()));
        let (header_line, header) = lines.find(|(_, line)| !line.is_empty()).ok_or(PTableError {
            line: 1,
            column: None,
            problem: PTableProblem::Empty,
        })?;
        let separator = if header.contains(';') { ';' } else { ',' };
        let columns = Columns::from_header(header_line, header, separator)?;
        let mut reader = BlockReader { blocks: Vec::new(), current: Vec::new(), last_line: header_line };
        for (line, text) in lines.filter(|(_, line)| !line.is_empty()) {
            let fields: Vec<&str> = text.split(separator).map(str::trim).collect();
            if fields.len() != columns.count {
                let problem = PTableProblem::FieldCount { expected: columns.count, found: fields.len() };
                return Err(PTableError { line, column: None, problem });
            }
            reader.row(line, &columns.row(line, &fields)?)?;
        }
        reader.finish()
    }

    /// The p-table of R's `ptable::create_cnt_ptable(D, V, js, pstay)` with its defaults
    /// (`optim = 1`, `mono = TRUE`), computed exactly instead of by nloptr's SLSQP.
    ///
    /// Blocks `i = 0..=max_i` with `max_i = D + js + 1` (`D` if `js = 0`); block 0 is `0 → 0`.
    /// Block `i` ranges over `j = max(0, i − D) ..= i + D` without `1..=js`, and its probabilities
    /// maximise the entropy subject to: sum 1, mean deviation 0, variance of the deviation at most
    /// V, `p(v = 0) ≥ pstay` (if given and 0 is allowed), and – ptable's `mono` – probabilities not
    /// decreasing from the smallest allowed deviation up to 0.
    ///
    /// Solution: the maximum-entropy distribution has the form `p ∝ exp(a·v + b·v²)` with `b ≤ 0`
    /// (`b = 0` when even the unconstrained mean-zero solution has variance ≤ V); its dual is solved
    /// by Newton's method. Active constraints are added one by one until all hold: if `p(0)` falls
    /// below pstay it is fixed at pstay and the rest shares `1 − pstay`; if `mono` is violated, the
    /// two neighbouring probabilities are tied (each group then weighs the means of `v` and `v²`
    /// over its members).
    ///
    /// Where the variance V is not reached (rounded to 3 decimals, as ptable checks it) and `i` is
    /// not blocked, ptable lowers the bound on `p(0)` by 0.05 and solves again, at most 20 times in
    /// all; this does the same. Blocks for which no mean-zero distribution with variance ≤ V
    /// exists are an error ([`ConstructionError::Infeasible`]), as they are in ptable.
    ///
    /// As in ptable, the cumulated probabilities are rounded to 8 decimals (the interval bounds)
    /// and each `p` is the difference of its bounds. ptable's lower bound of 10⁻⁸ on every
    /// probability is not imposed; it binds only where a probability would be below it.
    pub fn maximum_entropy(d: u32, variance: f64, js: u32, pstay: Option<f64>) -> Result<PTable, ConstructionError> {
        if d == 0 {
            return Err(ConstructionError::MaximumDeviation);
        }
        if !(variance.is_finite() && variance > 0.0) {
            return Err(ConstructionError::Variance(variance));
        }
        if let Some(stay) = pstay.filter(|stay| !(*stay > 0.0 && *stay < 1.0)) {
            return Err(ConstructionError::Stay(stay));
        }
        let max_i = if js == 0 { d } else { d + js + 1 };
        let mut blocks = vec![vec![PTableRow { i: 0, j: 0, p: 1.0, v: 0, lower: 0, upper: RECORD_KEY_SCALE }]];
        for i in 1..=max_i {
            let targets: Vec<u32> = (i.saturating_sub(d)..=i + d).filter(|j| *j == 0 || *j > js).collect();
            let deviations: Vec<f64> = targets.iter().map(|j| f64::from(*j) - f64::from(i)).collect();
            let blocked = i <= js;
            let mut stay_bound = pstay;
            let mut probabilities =
                maximum_entropy_block(&deviations, variance, stay_bound).ok_or(ConstructionError::Infeasible { i })?;
            for _ in 1..20 {
                let reached = (second_moment(&probabilities, &deviations) * 1000.0).round() / 1000.0 == variance;
                let Some(bound) = stay_bound.filter(|_| !blocked && !reached) else { break };
                stay_bound = Some((bound - 0.05).max(1e-8));
                probabilities = maximum_entropy_block(&deviations, variance, stay_bound)
                    .ok_or(ConstructionError::Infeasible { i })?;
            }
            blocks.push(rows_from_probabilities(i, &targets, &probabilities));
        }
        Ok(PTable { blocks })
    }

    /// The published value of a count `n` whose cell has key `key`: block `min(n, max_i)`, the first
    /// row whose `p_int_ub` exceeds the key, `n + v`. A count of 0 stays 0.
    pub fn perturb(&self, n: u64, key: CellKey) -> u64 {
        let block = &self.blocks[usize::try_from(n).unwrap_or(usize::MAX).min(self.blocks.len() - 1)];
        let row = block.iter().find(|row| key.units() < row.upper).unwrap_or(&block[block.len() - 1]);
        n.saturating_add_signed(i64::from(row.v))
    }

    /// The largest block: counts from `max_i` up share its perturbations.
    pub fn max_i(&self) -> u32 {
        (self.blocks.len() - 1) as u32
    }

    /// All rows, by `i`, then `j`.
    pub fn rows(&self) -> impl Iterator<Item = &PTableRow> {
        self.blocks.iter().flatten()
    }
}

/// The positions of the columns of a p-table text.
struct Columns {
    count: usize,
    i: usize,
    j: usize,
    p: usize,
    v: usize,
    lower: Option<usize>,
    upper: usize,
}

/// One parsed row with its line's bounds as given (`p_int_lb` absent in the τ-ARGUS variant).
struct Row {
    i: u32,
    j: u32,
    p: f64,
    lower: Option<(f64, u32)>,
    upper: (f64, u32),
}

impl Columns {
    fn from_header(line: usize, header: &str, separator: char) -> Result<Columns, PTableError> {
        const NAMES: [&str; 7] = ["i", "j", "p", "v", "p_int_lb", "p_int_ub", "type"];
        let mut positions = [None; 7];
        let names: Vec<&str> = header.split(separator).map(str::trim).collect();
        for (position, name) in names.iter().enumerate() {
            let error = |problem| PTableError { line, column: Some((*name).to_owned()), problem };
            let index = NAMES.iter().position(|known| known == name).ok_or(error(PTableProblem::UnknownColumn))?;
            if positions[index].replace(position).is_some() {
                return Err(error(PTableProblem::DuplicateColumn));
            }
        }
        let required = |index: usize| {
            positions[index].ok_or(PTableError {
                line,
                column: Some(NAMES[index].to_owned()),
                problem: PTableProblem::MissingColumn,
            })
        };
        Ok(Columns {
            count: names.len(),
            i: required(0)?,
            j: required(1)?,
            p: required(2)?,
            v: required(3)?,
            lower: positions[4],
            upper: required(5)?,
        })
    }

    fn row(&self, line: usize, fields: &[&str]) -> Result<Row, PTableError> {
        let error = |column: &str, problem| PTableError { line, column: Some(column.to_owned()), problem };
        let integer = |index: usize, column: &str| {
            fields[index].parse::<i64>().map_err(|_| error(column, PTableProblem::Number(fields[index].to_owned())))
        };
        let probability = |index: usize, column: &str| {
            let text = fields[index];
            let number = text.parse::<f64>().ok().filter(|x| x.is_finite());
            let number = number.ok_or(error(column, PTableProblem::Number(text.to_owned())))?;
            if !(0.0..=1.0).contains(&number) {
                return Err(error(column, PTableProblem::Probability(number)));
            }
            let units = key_units_above(text).ok_or(error(column, PTableProblem::Number(text.to_owned())))?;
            Ok((number, units))
        };
        let i = integer(self.i, "i")?;
        let i = u32::try_from(i).map_err(|_| error("i", PTableProblem::Number(fields[self.i].to_owned())))?;
        let j = integer(self.j, "j")?;
        if j < 0 {
            return Err(error("j", PTableProblem::NegativeCount(j)));
        }
        let j = u32::try_from(j).map_err(|_| error("j", PTableProblem::Number(fields[self.j].to_owned())))?;
        let v = integer(self.v, "v")?;
        let expected = i64::from(j) - i64::from(i);
        if v != expected {
            return Err(error("v", PTableProblem::Deviation { expected, found: v }));
        }
        Ok(Row {
            i,
            j,
            p: probability(self.p, "p")?.0,
            lower: self.lower.map(|index| probability(index, "p_int_lb")).transpose()?,
            upper: probability(self.upper, "p_int_ub")?,
        })
    }
}

/// Collects parsed rows into checked blocks.
struct BlockReader {
    blocks: Vec<Vec<PTableRow>>,
    current: Vec<PTableRow>,
    last_line: usize,
}

impl BlockReader {
    fn row(&mut self, line: usize, row: &Row) -> Result<(), PTableError> {
        let error = |column: &str, problem| PTableError { line, column: Some(column.to_owned()), problem };
        let expected = self.blocks.len() as u32;
        let block = self.current.first().map(|first| first.i);
        if block.is_some_and(|block| row.i != block) {
            if row.i != expected + 1 {
                return Err(error("i", PTableProblem::BlockOrder { expected: expected + 1, found: row.i }));
            }
            self.close()?;
        } else if block.is_none() && row.i != expected {
            return Err(error("i", PTableProblem::BlockOrder { expected, found: row.i }));
        }
        if row.i == 0 && row.j != 0 {
            return Err(error("j", PTableProblem::ZeroChanged));
        }
        if self.current.last().is_some_and(|previous| row.j <= previous.j) {
            return Err(error("j", PTableProblem::RowOrder));
        }
        let cumulated: f64 = self.current.iter().map(|previous| previous.p).sum();
        let previous_upper = self.current.last().map_or(0, |previous| previous.upper);
        if let Some((lower, _)) = row.lower.filter(|(lower, _)| (lower - cumulated).abs() > TOLERANCE) {
            return Err(error("p_int_lb", PTableProblem::Interval { expected: cumulated, found: lower }));
        }
        let (upper, upper_units) = row.upper;
        if (upper - (cumulated + row.p)).abs() > TOLERANCE {
            return Err(error("p_int_ub", PTableProblem::Interval { expected: cumulated + row.p, found: upper }));
        }
        self.current.push(PTableRow {
            i: row.i,
            j: row.j,
            p: row.p,
            v: (i64::from(row.j) - i64::from(row.i)) as i32,
            lower: row.lower.map_or(previous_upper, |(_, units)| units),
            upper: upper_units,
        });
        self.last_line = line;
        Ok(())
    }

    /// Checks the current block's sum and lets its last row reach the top key.
    fn close(&mut self) -> Result<(), PTableError> {
        let sum: f64 = self.current.iter().map(|row| row.p).sum();
        let i = self.current[0].i;
        if (sum - 1.0).abs() > TOLERANCE {
            let problem = PTableProblem::BlockSum { i, sum };
            return Err(PTableError { line: self.last_line, column: Some("p".to_owned()), problem });
        }
        let mut block = std::mem::take(&mut self.current);
        let last = block.len() - 1;
        block[last].upper = RECORD_KEY_SCALE;
        self.blocks.push(block);
        Ok(())
    }

    fn finish(mut self) -> Result<PTable, PTableError> {
        if self.current.is_empty() {
            return Err(PTableError { line: self.last_line + 1, column: None, problem: PTableProblem::Empty });
        }
        self.close()?;
        Ok(PTable { blocks: self.blocks })
    }
}

/// `⌈x · RECORD_KEY_SCALE⌉` for the decimal text `x` (digits, optional point, optional exponent),
/// computed exactly; `None` if the text is not such a number or too long.
fn key_units_above(text: &str) -> Option<u32> {
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i32>().ok()?),
        None => (text, 0),
    };
    let mantissa = mantissa.strip_prefix('+').unwrap_or(mantissa);
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty() && fraction.is_empty() || !(whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit())) {
        return None;
    }
    let digits = format!("{whole}{fraction}");
    let digits = digits.trim_start_matches('0');
    let digits: u128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
    let shift = exponent.checked_sub(i32::try_from(fraction.len()).ok()?)?.checked_add(8)?;
    let units = if shift >= 0 {
        digits.checked_mul(10u128.checked_pow(shift as u32)?)?
    } else {
        match 10u128.checked_pow(shift.unsigned_abs()) {
            Some(divisor) => digits.div_ceil(divisor),
            None => u128::from(digits > 0),
        }
    };
    Some(units.min(u128::from(RECORD_KEY_SCALE)) as u32)
}

/// `Σ p·v²`.
fn second_moment(probabilities: &[f64], deviations: &[f64]) -> f64 {
    probabilities.iter().zip(deviations).map(|(p, v)| p * v * v).sum()
}

/// The rows of block `i` from its probabilities: bounds are the cumulated probabilities rounded to
/// 8 decimals, `p` their difference; the last bound is 1.
fn rows_from_probabilities(i: u32, targets: &[u32], probabilities: &[f64]) -> Vec<PTableRow> {
    let mut cumulated = 0.0;
    let mut lower = 0;
    let mut rows = Vec::with_capacity(targets.len());
    for (index, (j, p)) in targets.iter().zip(probabilities).enumerate() {
        cumulated += p;
        let upper = if index + 1 == targets.len() {
            RECORD_KEY_SCALE
        } else {
            ((cumulated * f64::from(RECORD_KEY_SCALE)).round() as u32).min(RECORD_KEY_SCALE)
        };
        let p = f64::from(upper - lower) / f64::from(RECORD_KEY_SCALE);
        rows.push(PTableRow { i, j: *j, p, v: (i64::from(*j) - i64::from(i)) as i32, lower, upper });
        lower = upper;
    }
    rows
}

/// The maximum-entropy distribution over `deviations` (sorted) with mean 0, variance at most
/// `variance`, `p(0) ≥ stay_bound` and ptable's monotony up to 0 (see
/// [`PTable::maximum_entropy`]); `None` if no distribution meets the constraints.
fn maximum_entropy_block(deviations: &[f64], variance: f64, stay_bound: Option<f64>) -> Option<Vec<f64>> {
    let zero = deviations.iter().position(|v| *v == 0.0);
    let mut groups: Vec<usize> = (0..deviations.len()).collect();
    let mut fixed = false;
    loop {
        let fixed_group = zero.filter(|_| fixed).map(|zero| groups[zero]);
        let probabilities = grouped_maximum_entropy(deviations, &groups, variance, fixed_group.zip(stay_bound))?;
        if let (Some(zero), Some(bound), false) = (zero, stay_bound, fixed)
            && probabilities[zero] < bound
        {
            fixed = true;
            continue;
        }
        let violation =
            zero.and_then(|zero| (0..zero).find(|&k| probabilities[k] > probabilities[k + 1] * (1.0 + 1e-9)));
        match violation {
            Some(k) => {
                let (from, to) = (groups[k + 1], groups[k]);
                groups.iter_mut().filter(|group| **group == from).for_each(|group| *group = to);
            }
            None => return Some(probabilities),
        }
    }
}

/// Maximum entropy with the members of each group sharing one probability: `p_k ∝ exp(a·m1_k +
/// b·m2_k)`, `m1`, `m2` the means of `v` and `v²` over `k`'s group, `b ≤ 0`. The group `fixed`
/// (if any) has every member at the given probability; the others share the rest.
fn grouped_maximum_entropy(
    deviations: &[f64],
    groups: &[usize],
    variance: f64,
    fixed: Option<(usize, f64)>,
) -> Option<Vec<f64>> {
    let mean_over_group = |k: usize, f: &dyn Fn(f64) -> f64| {
        let members: Vec<f64> =
            (0..deviations.len()).filter(|&l| groups[l] == groups[k]).map(|l| f(deviations[l])).collect();
        members.iter().sum::<f64>() / members.len() as f64
    };
    let features: Vec<[f64; 2]> =
        (0..deviations.len()).map(|k| [mean_over_group(k, &|v| v), mean_over_group(k, &|v| v * v)]).collect();
    let is_fixed = |k: usize| fixed.is_some_and(|(group, _)| groups[k] == group);
    let (mut mass, mut first, mut second) = (1.0, 0.0, variance);
    if let Some((_, stay)) = fixed {
        for k in (0..deviations.len()).filter(|&k| is_fixed(k)) {
            mass -= stay;
            first -= stay * deviations[k];
            second -= stay * deviations[k] * deviations[k];
        }
    }
    let free: Vec<[f64; 2]> = (0..deviations.len()).filter(|&k| !is_fixed(k)).map(|k| features[k]).collect();
    if mass <= 0.0 || free.is_empty() {
        return None;
    }
    let target = [first / mass, second / mass];
    let [a, b] = solve_dual(&free, target)?;
    let weights: Vec<f64> = free.iter().map(|f| a * f[0] + b * f[1]).collect();
    let top = weights.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let total: f64 = weights.iter().map(|w| (w - top).exp()).sum();
    let mut free_probabilities = weights.iter().map(|w| mass * (w - top).exp() / total);
    Some(
        (0..deviations.len())
            .map(|k| {
                if is_fixed(k) { fixed.map_or(0.0, |(_, stay)| stay) } else { free_probabilities.next().unwrap_or(0.0) }
            })
            .collect(),
    )
}

/// The exponents `(a, b)`, `b ≤ 0`, of the maximum-entropy distribution `∝ exp(a·f₀ + b·f₁)` over
/// the feature pairs `features` with mean of `f₀` equal to `target[0]` and mean of `f₁` at most
/// `target[1]`; `None` if no distribution over the features meets these.
fn solve_dual(features: &[[f64; 2]], target: [f64; 2]) -> Option<[f64; 2]> {
    if target[1] <= minimum_second_moment(features, target[0])? {
        return None;
    }
    let a = newton(features, target, false)?;
    let moments = moments(features, a);
    if moments.1[1] <= target[1] {
        return Some(a);
    }
    newton(features, target, true)
}

/// The smallest mean of `f₁` among distributions over `features` with mean of `f₀` equal to
/// `mean` (a linear program, optimal on one or two points); `None` if none has that mean.
fn minimum_second_moment(features: &[[f64; 2]], mean: f64) -> Option<f64> {
    let mut best: Option<f64> = None;
    for low in features.iter().filter(|f| f[0] <= mean) {
        for high in features.iter().filter(|f| f[0] >= mean) {
            let value = if high[0] == low[0] {
                low[1].min(high[1])
            } else {
                let t = (mean - low[0]) / (high[0] - low[0]);
                (1.0 - t) * low[1] + t * high[1]
            };
            best = Some(best.map_or(value, |best| best.min(value)));
        }
    }
    best
}

/// The log-partition function `ln Σ exp(θ·f)` and the means of `f` under `∝ exp(θ·f)` with their
/// covariance matrix.
fn moments(features: &[[f64; 2]], theta: [f64; 2]) -> (f64, [f64; 2], [[f64; 2]; 2]) {
    let weights: Vec<f64> = features.iter().map(|f| theta[0] * f[0] + theta[1] * f[1]).collect();
    let top = weights.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = weights.iter().map(|w| (w - top).exp()).collect();
    let total: f64 = exps.iter().sum();
    let mut mean = [0.0; 2];
    let mut second = [[0.0; 2]; 2];
    for (f, e) in features.iter().zip(&exps) {
        let p = e / total;
        for r in 0..2 {
            mean[r] += p * f[r];
            for c in 0..2 {
                second[r][c] += p * f[r] * f[c];
            }
        }
    }
    let covariance =
        [[0, 1].map(|c| second[0][c] - mean[0] * mean[c]), [0, 1].map(|c| second[1][c] - mean[1] * mean[c])];
    (top + total.ln(), mean, covariance)
}

/// Newton's method with backtracking on the dual `ln Z(θ) − θ·target`: over `θ = (a, 0)` or, with
/// `both`, over `θ = (a, b)`.
fn newton(features: &[[f64; 2]], target: [f64; 2], both: bool) -> Option<[f64; 2]> {
    let dual = |theta: [f64; 2]| {
        let (log_partition, ..) = moments(features, theta);
        log_partition - theta[0] * target[0] - if both { theta[1] * target[1] } else { 0.0 }
    };
    let mut theta = [0.0, 0.0];
    for _ in 0..200 {
        let (_, mean, covariance) = moments(features, theta);
        let gradient = [mean[0] - target[0], if both { mean[1] - target[1] } else { 0.0 }];
        if gradient[0].abs().max(gradient[1].abs()) < 1e-13 {
            return Some(theta);
        }
        let step = if both {
            let determinant = covariance[0][0] * covariance[1][1] - covariance[0][1] * covariance[1][0];
            if determinant <= 0.0 {
                return None;
            }
            [
                -(covariance[1][1] * gradient[0] - covariance[0][1] * gradient[1]) / determinant,
                -(covariance[0][0] * gradient[1] - covariance[1][0] * gradient[0]) / determinant,
            ]
        } else {
            if covariance[0][0] <= 0.0 {
                return None;
            }
            [-gradient[0] / covariance[0][0], 0.0]
        };
        let current = dual(theta);
        let slope = gradient[0] * step[0] + gradient[1] * step[1];
        let mut length = 1.0;
        while length > 1e-12 {
            let candidate = [theta[0] + length * step[0], theta[1] + length * step[1]];
            if dual(candidate) <= current + 1e-4 * length * slope {
                break;
            }
            length /= 2.0;
        }
        theta = [theta[0] + length * step[0], theta[1] + length * step[1]];
    }
    let (_, mean, _) = moments(features, theta);
    let error = (mean[0] - target[0]).abs().max(if both { (mean[1] - target[1]).abs() } else { 0.0 });
    (error < 1e-9).then_some(theta)
}

#[cfg(test)]
mod tests;
