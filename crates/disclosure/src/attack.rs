//! The attacker: the tightest interval for a suppressed cell that follows from everything
//! published.
//!
//! The attacker knows every published cell, every additivity constraint (each total is the sum of
//! its parts, in every linked table and across hierarchy levels) and that no cell is negative. The
//! bounds of a suppressed cell are the minimum and the maximum of its value over all tables that
//! agree with this knowledge: two linear programs (as sdcTable's `attack`). Only the suppressed
//! cells linked to the attacked one through constraints enter the programs; the others cannot
//! move it.
//!
//! On fine, sparse tables these components hold thousands of cells, so the exact programs are
//! solved only where nothing cheaper decides. Every bound is bracketed and tightened from both
//! sides until the brackets meet:
//!
//! - *inside*, by feasible tables: the true values, and the solutions of programs over the
//!   cell's neighbourhood (the constraints within a radius of it) whose border cells are held at
//!   their true values; every such solution extends, with all other cells at their true values,
//!   to a table consistent with the publication ([`Witnesses`]);
//! - *outside*, by relaxations: one constraint alone (no cell is negative), and the same
//!   neighbourhood without the constraints beyond it.
//!
//! The radius grows until the brackets meet or the neighbourhood is the whole component, where
//! both programs are the exact one. A question that only needs the width – is the cell protected,
//! did a suppression widen it – is answered as soon as one bracket settles it.

use std::collections::{HashMap, HashSet};

use microlp::{ComparisonOp, OptimizationDirection};

use crate::problem::{CellId, Pattern, Problem};
/// What an attacker can derive about a cell: `lower ≤ value ≤ upper`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// The smallest value consistent with the published cells.
    pub lower: f64,
    /// The largest value consistent with the published cells; `f64::INFINITY` if unbounded.
    pub upper: f64,
}

impl Interval {
    /// `upper − lower`.
    pub fn width(&self) -> f64 {
        self.upper - self.lower
    }
}

/// The linear program could not be solved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("attack on {cell}: the linear program failed: {message}")]
pub struct AttackError {
    /// The attacked cell.
    pub cell: String,
    /// The solver's message.
    pub message: String,
}

impl Problem {
    /// The attacker's interval for `cell` under `pattern`; a published cell's interval is its
    /// value. Bounds are rounded to six decimal places, below the solver's tolerance.
    pub fn attack(&self, pattern: &Pattern, cell: CellId) -> Result<Interval, AttackError> {
        if !pattern.is_suppressed(cell) {
            let v = self.value(cell);
            return Ok(Interval { lower: v, upper: v });
        }
        Attack::new(self, pattern, cell).exact(&mut Witnesses::new(self), &Bounds::default())
    }

    /// The suppressed cells linked to `cell` through constraints, and those constraints.
    pub(crate) fn component(&self, pattern: &Pattern, cell: CellId) -> (Vec<CellId>, Vec<usize>) {
        let mut cells = vec![cell];
        let mut seen_cells = vec![false; self.cell_count()];
        seen_cells[cell.0] = true;
        let mut seen_constraints = vec![false; self.constraints().len()];
        let mut constraints = Vec::new();
        let mut next = 0;
        while next < cells.len() {
            let at = cells[next];
            next += 1;
            for &k in self.constraints_of(at) {
                if std::mem::replace(&mut seen_constraints[k], true) {
                    continue;
                }
                constraints.push(k);
                for other in self.constraints()[k].cells() {
                    if pattern.is_suppressed(other) && !std::mem::replace(&mut seen_cells[other.0], true) {
                        cells.push(other);
                    }
                }
            }
        }
        (cells, constraints)
    }
}

/// Values of suppressed cells in tables consistent with a publication. Each lies within the
/// cell's interval, so the smallest and the largest seen bracket its bounds from inside.
/// Suppressing more cells keeps every such table consistent, so witnesses stay valid while a
/// pattern grows. The true values are the first witness.
#[derive(Debug, Clone)]
pub(crate) struct Witnesses {
    seen: Vec<(f64, f64)>,
}

impl Witnesses {
    /// Every cell seen at its true value only.
    pub(crate) fn new(problem: &Problem) -> Witnesses {
        Witnesses { seen: problem.cells().map(|c| (problem.value(c), problem.value(c))).collect() }
    }

    /// The smallest and the largest value seen for `cell`, rounded as [`Problem::attack`] rounds.
    pub(crate) fn interval(&self, cell: CellId) -> Interval {
        let (lower, upper) = self.seen[cell.0];
        Interval { lower, upper }
    }

    /// Adds every value `other` has seen.
    pub(crate) fn merge(&mut self, other: &Witnesses) {
        for (seen, &(lower, upper)) in self.seen.iter_mut().zip(&other.seen) {
            *seen = (seen.0.min(lower), seen.1.max(upper));
        }
    }

    fn record(&mut self, cells: &[CellId], values: &[f64]) {
        for (cell, &value) in cells.iter().zip(values) {
            let value = snap(value);
            let seen = &mut self.seen[cell.0];
            *seen = (seen.0.min(value), seen.1.max(value));
        }
    }
}

/// Bounds of suppressed cells under one pattern that every table consistent with its publication
/// keeps: the intervals recorded, and for other cells the bounds each of their constraints gives
/// alone. A relaxation may keep them too; they are lost when the pattern grows.
#[derive(Debug, Clone, Default)]
pub(crate) struct Bounds {
    recorded: HashMap<CellId, Interval>,
}

impl Bounds {
    /// Records that `cell` lies within `interval`.
    pub(crate) fn record(&mut self, cell: CellId, interval: Interval) {
        self.recorded.insert(cell, interval);
    }

    /// Adds every interval `other` has recorded.
    pub(crate) fn merge(&mut self, other: &Bounds) {
        self.recorded.extend(other.recorded.iter().map(|(&cell, &interval)| (cell, interval)));
    }

    /// The bounds of the suppressed `cell`.
    fn of(&self, problem: &Problem, pattern: &Pattern, cell: CellId) -> Interval {
        if let Some(&interval) = self.recorded.get(&cell) {
            return interval;
        }
        let mut bounds = Interval { lower: 0.0, upper: f64::INFINITY };
        for &k in problem.constraints_of(cell) {
            let constraint = &problem.constraints()[k];
            let sign = if constraint.total == cell { 1.0 } else { -1.0 };
            let (mut rhs, mut adding, mut subtracting) = (0.0, true, true);
            let signed = std::iter::once((constraint.total, 1.0)).chain(constraint.parts.iter().map(|&p| (p, -1.0)));
            for (c, s) in signed.filter(|&(c, _)| c != cell) {
                if !pattern.is_suppressed(c) {
                    rhs -= s * problem.value(c);
                } else if s == sign {
                    subtracting = false;
                } else {
                    adding = false;
                }
            }
            // s·x = rhs − Σ others: at most rhs if the others add (all the same sign as x, each
            // ≥ 0), at least rhs if they subtract.
            if adding {
                bounds.upper = bounds.upper.min(snap(sign * rhs));
            }
            if subtracting {
                bounds.lower = bounds.lower.max(snap(sign * rhs));
            }
        }
        bounds
    }
}

/// One additivity constraint of a neighbourhood: `Σ sign · x = rhs` over its suppressed cells
/// (by position in [`Attack::cells`]), the published cells moved into `rhs`.
#[derive(Debug, Clone)]
struct Row {
    constraint: usize,
    terms: Vec<(usize, f64)>,
    rhs: f64,
}

/// The attack on one suppressed cell: its component explored breadth first, as far as needed.
///
/// A cell's distance is the number of constraints on the shortest path from the attacked cell;
/// a constraint's level is the distance of the cell through which it was found. The
/// neighbourhood of radius `r` holds the constraints of level ≤ `r` and their cells, those at
/// distance `r + 1` being its border.
pub(crate) struct Attack<'p> {
    problem: &'p Problem,
    pattern: &'p Pattern,
    cells: Vec<CellId>,
    distance: Vec<usize>,
    position: HashMap<CellId, usize>,
    rows: Vec<Row>,
    level: Vec<usize>,
    constraints: HashSet<usize>,
    expanded: usize,
}

/// The interval of a cell bracketed: `inner ⊆ interval ⊆ outer`.
#[derive(Debug, Clone, Copy)]
struct Bracket {
    inner: Interval,
    outer: Interval,
}

impl Bracket {
    fn settled(&self) -> bool {
        self.inner == self.outer
    }
}

impl<'p> Attack<'p> {
    /// The attack on the suppressed `cell` under `pattern`.
    pub(crate) fn new(problem: &'p Problem, pattern: &'p Pattern, cell: CellId) -> Attack<'p> {
        Attack {
            problem,
            pattern,
            cells: vec![cell],
            distance: vec![0],
            position: HashMap::from([(cell, 0)]),
            rows: Vec::new(),
            level: Vec::new(),
            constraints: HashSet::new(),
            expanded: 0,
        }
    }

    /// The exact interval of the cell; every feasible table met is recorded in `witnesses`.
    pub(crate) fn exact(&mut self, witnesses: &mut Witnesses, bounds: &Bounds) -> Result<Interval, AttackError> {
        let mut bracket = self.start(witnesses, bounds);
        let mut radius = 1;
        while !bracket.settled() {
            self.tighten(&mut bracket, radius, witnesses, bounds, &|_| None)?;
            radius += 1;
        }
        Ok(bracket.inner)
    }

    /// Whether the cell's interval has a `wide` enough width, for a test that holds for an
    /// interval whenever it holds for a narrower one.
    pub(crate) fn is_wide(
        &mut self,
        witnesses: &mut Witnesses,
        bounds: &Bounds,
        wide: &dyn Fn(Interval) -> bool,
    ) -> Result<bool, AttackError> {
        let decide = |b: &Bracket| {
            if wide(b.inner) {
                Some(true)
            } else if !wide(b.outer) {
                Some(false)
            } else {
                None
            }
        };
        let mut bracket = self.start(witnesses, bounds);
        let mut radius = 1;
        loop {
            if let Some(answer) = decide(&bracket) {
                return Ok(answer);
            }
            if let Some(answer) = self.tighten(&mut bracket, radius, witnesses, bounds, &decide)? {
                return Ok(answer);
            }
            radius += 1;
        }
    }

    /// The bracket before any linear program: inside the witnesses, outside the `bounds`.
    fn start(&mut self, witnesses: &Witnesses, bounds: &Bounds) -> Bracket {
        self.grow(0);
        let outer = bounds.of(self.problem, self.pattern, self.cells[0]);
        let inner = witnesses.interval(self.cells[0]);
        clamp(Bracket { inner, outer })
    }

    /// Tightens the unsettled ends of `bracket` by the programs over the neighbourhood of
    /// `radius`, inside first, stopping as soon as `decide` answers.
    fn tighten(
        &mut self,
        bracket: &mut Bracket,
        radius: usize,
        witnesses: &mut Witnesses,
        bounds: &Bounds,
        decide: &dyn Fn(&Bracket) -> Option<bool>,
    ) -> Result<Option<bool>, AttackError> {
        self.grow(radius);
        let closed = self.expanded == self.cells.len();
        for inside in [true, false] {
            if !inside && closed {
                break;
            }
            for bound in [Bound::Upper, Bound::Lower] {
                let unsettled = match bound {
                    Bound::Upper => bracket.inner.upper < bracket.outer.upper,
                    Bound::Lower => bracket.inner.lower > bracket.outer.lower,
                };
                if !unsettled {
                    continue;
                }
                let value = self.solve(radius, bound, inside, witnesses, bounds)?;
                match (bound, inside || closed) {
                    (Bound::Upper, true) => bracket.inner.upper = bracket.inner.upper.max(value),
                    (Bound::Lower, true) => bracket.inner.lower = bracket.inner.lower.min(value),
                    (Bound::Upper, false) => bracket.outer.upper = bracket.outer.upper.min(value),
                    (Bound::Lower, false) => bracket.outer.lower = bracket.outer.lower.max(value),
                }
                if closed {
                    match bound {
                        Bound::Upper => bracket.outer.upper = value,
                        Bound::Lower => bracket.outer.lower = value,
                    }
                }
                *bracket = clamp(*bracket);
                if let Some(answer) = decide(bracket) {
                    return Ok(Some(answer));
                }
            }
        }
        Ok(None)
    }

    /// Explores the component until every cell within `radius` has its constraints.
    fn grow(&mut self, radius: usize) {
        while self.expanded < self.cells.len() && self.distance[self.expanded] <= radius {
            let at = self.cells[self.expanded];
            let distance = self.distance[self.expanded];
            self.expanded += 1;
            for &k in self.problem.constraints_of(at) {
                if !self.constraints.insert(k) {
                    continue;
                }
                let constraint = &self.problem.constraints()[k];
                let mut row = Row { constraint: k, terms: Vec::with_capacity(constraint.parts.len() + 1), rhs: 0.0 };
                let signed =
                    std::iter::once((constraint.total, 1.0)).chain(constraint.parts.iter().map(|&p| (p, -1.0)));
                for (c, sign) in signed {
                    if !self.pattern.is_suppressed(c) {
                        row.rhs -= sign * self.problem.value(c);
                        continue;
                    }
                    let next = self.cells.len();
                    let i = *self.position.entry(c).or_insert(next);
                    if i == next {
                        self.cells.push(c);
                        self.distance.push(distance + 1);
                    }
                    row.terms.push((i, sign));
                }
                self.rows.push(row);
                self.level.push(distance);
            }
        }
    }

    /// A proof that the cell is recomputable exactly: weights of constraints near it whose
    /// weighted sum, over the suppressed cells, is the cell alone. Sought over growing
    /// neighbourhoods of at most [`CERTIFICATE_ROWS`] constraints; `None` if none is found there.
    pub(crate) fn certificate(&mut self) -> Option<Certificate> {
        let mut radius = 0;
        loop {
            self.grow(radius);
            let rows = self.level.partition_point(|&l| l <= radius);
            if rows > CERTIFICATE_ROWS {
                return None;
            }
            let cells = self.distance.partition_point(|&d| d <= radius + 1);
            if let Some(weights) = solve_transposed(&self.rows[..rows], cells) {
                let weights = self.rows[..rows].iter().zip(weights).filter(|(_, w)| *w != 0.0);
                let certificate = Certificate { weights: weights.map(|(row, w)| (row.constraint, w)).collect() };
                return certificate.proves(self.problem, self.pattern, self.cells[0]).then_some(certificate);
            }
            if self.expanded == self.cells.len() {
                return None;
            }
            radius += 1;
        }
    }

    /// The `bound` of the cell over the neighbourhood of `radius`, rounded to six decimal places
    /// (`f64::INFINITY` if unbounded): `inside`, its border held at the true values, whose
    /// solution is recorded in `witnesses`; otherwise without the constraints beyond it.
    fn solve(
        &self,
        radius: usize,
        bound: Bound,
        inside: bool,
        witnesses: &mut Witnesses,
        bounds: &Bounds,
    ) -> Result<f64, AttackError> {
        let rows = self.level.partition_point(|&l| l <= radius);
        let cells = self.distance.partition_point(|&d| d <= radius + 1);
        let direction = match bound {
            Bound::Lower => OptimizationDirection::Minimize,
            Bound::Upper => OptimizationDirection::Maximize,
        };
        let mut lp = microlp::Problem::new(direction);
        let x: Vec<microlp::Variable> = (0..cells)
            .map(|i| {
                let value = self.problem.value(self.cells[i]);
                let range = if inside && self.distance[i] > radius {
                    (value, value)
                } else if inside || i == 0 {
                    (0.0, f64::INFINITY)
                } else {
                    let known = bounds.of(self.problem, self.pattern, self.cells[i]);
                    (known.lower, known.upper)
                };
                lp.add_var(if i == 0 { 1.0 } else { 0.0 }, range)
            })
            .collect();
        for row in &self.rows[..rows] {
            let terms: Vec<(microlp::Variable, f64)> = row.terms.iter().map(|&(i, s)| (x[i], s)).collect();
            lp.add_constraint(terms.as_slice(), ComparisonOp::Eq, row.rhs);
        }
        let failed = |message: String| AttackError { cell: self.problem.describe(self.cells[0]), message };
        match lp.solve() {
            Ok(outcome) => match outcome.into_solution() {
                Ok(solution) => {
                    if inside || self.expanded == self.cells.len() {
                        let values: Vec<f64> = x.iter().map(|&v| solution.var_value(v)).collect();
                        witnesses.record(&self.cells[..cells], &values);
                    }
                    Ok(snap(solution.objective()))
                }
                Err(interrupted) => Err(failed(format!("{:?}", interrupted.termination_reason()))),
            },
            Err(microlp::Error::Unbounded) => Ok(f64::INFINITY),
            Err(e) => Err(failed(e.to_string())),
        }
    }
}

/// The most constraints a [`Certificate`] is sought over (a dense elimination).
const CERTIFICATE_ROWS: usize = 4000;

/// Weights of constraints whose weighted sum, over the suppressed cells of a pattern, is one
/// cell alone: that cell is then a fixed sum of published cells, whatever the others are – its
/// interval is its value. The proof stands for every larger pattern whose new cells the weighted
/// sum leaves out ([`Certificate::holds_with`]).
#[derive(Debug, Clone)]
pub(crate) struct Certificate {
    weights: HashMap<usize, f64>,
}

impl Certificate {
    /// The weighted sum's coefficient of `cell`.
    fn coefficient(&self, problem: &Problem, cell: CellId) -> f64 {
        problem
            .constraints_of(cell)
            .iter()
            .filter_map(|k| {
                let weight = self.weights.get(k)?;
                Some(if problem.constraints()[*k].total == cell { *weight } else { -weight })
            })
            .sum()
    }

    /// Whether the weighted sum, over the cells suppressed under `pattern`, is `cell` alone.
    fn proves(&self, problem: &Problem, pattern: &Pattern, cell: CellId) -> bool {
        let mut cells: Vec<CellId> = self
            .weights
            .keys()
            .flat_map(|&k| problem.constraints()[k].cells())
            .filter(|&c| pattern.is_suppressed(c))
            .collect();
        cells.sort_unstable();
        cells.dedup();
        cells.iter().all(|&c| {
            let coefficient = self.coefficient(problem, c);
            if c == cell { (coefficient - 1.0).abs() < TOLERANCE } else { coefficient.abs() < TOLERANCE }
        })
    }

    /// Whether the proof still stands once `cell` is suppressed too.
    pub(crate) fn holds_with(&self, problem: &Problem, cell: CellId) -> bool {
        self.coefficient(problem, cell).abs() < TOLERANCE
    }
}

/// Below this a coefficient of a [`Certificate`] is zero (its weights are fractions with small
/// denominators, far above it).
const TOLERANCE: f64 = 1e-9;

/// Weights `w` of `rows` with `Σ w · row = e₀` over the cells `0..cells` (the first, the attacked
/// cell, with coefficient 1), by Gaussian elimination with partial pivoting; `None` if there are
/// none.
fn solve_transposed(rows: &[Row], cells: usize) -> Option<Vec<f64>> {
    let unknowns = rows.len();
    let width = unknowns + 1;
    let mut matrix = vec![0.0; cells * width];
    for (j, row) in rows.iter().enumerate() {
        for &(i, sign) in &row.terms {
            matrix[i * width + j] = sign;
        }
    }
    matrix[unknowns] = 1.0;
    let mut pivots = Vec::new();
    let mut top = 0;
    for column in 0..unknowns {
        let Some(best) =
            (top..cells).max_by(|&a, &b| matrix[a * width + column].abs().total_cmp(&matrix[b * width + column].abs()))
        else {
            break;
        };
        if matrix[best * width + column].abs() < TOLERANCE {
            continue;
        }
        for k in 0..width {
            matrix.swap(best * width + k, top * width + k);
        }
        let pivot = matrix[top * width + column];
        for r in 0..cells {
            let factor = matrix[r * width + column] / pivot;
            if r == top || factor == 0.0 {
                continue;
            }
            for k in column..width {
                matrix[r * width + k] -= factor * matrix[top * width + k];
            }
        }
        pivots.push(column);
        top += 1;
    }
    if (top..cells).any(|r| matrix[r * width + unknowns].abs() > TOLERANCE) {
        return None;
    }
    let mut weights = vec![0.0; unknowns];
    for (r, &column) in pivots.iter().enumerate() {
        weights[column] = matrix[r * width + unknowns] / matrix[r * width + column];
    }
    Some(weights)
}

/// Which end of an interval a linear program seeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    Lower,
    Upper,
}

/// `bracket` with each inner end that reaches its outer one (within rounding) set to it: the
/// bound is then proven.
fn clamp(mut bracket: Bracket) -> Bracket {
    if bracket.inner.upper >= bracket.outer.upper {
        bracket.inner.upper = bracket.outer.upper;
    }
    if bracket.inner.lower <= bracket.outer.lower {
        bracket.inner.lower = bracket.outer.lower;
    }
    bracket
}

/// Rounds to six decimal places (the simplex is exact to about 1e-7).
fn snap(x: f64) -> f64 {
    if x.is_finite() && x.abs() < 1e9 { (x * 1e6).round() / 1e6 } else { x }
}

#[cfg(test)]
mod tests;
