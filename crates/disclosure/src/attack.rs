//! The attacker: the tightest interval for a suppressed cell that follows from everything
//! published.
//!
//! The attacker knows every published cell, every additivity constraint (each total is the sum of
//! its parts, in every linked table and across hierarchy levels) and that no cell is negative. The
//! bounds of a suppressed cell are the minimum and the maximum of its value over all tables that
//! agree with this knowledge: two linear programs (as sdcTable's `attack`). Only the suppressed
//! cells linked to the attacked one through constraints enter the programs; the others cannot
//! move it.

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
        let attacker = Attacker::new(self, pattern, cell);
        let lower = attacker.solve(0, Bound::Lower)?.0;
        let upper = attacker.solve(0, Bound::Upper)?.0;
        Ok(Interval { lower, upper })
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

/// Which end of a cell's interval a linear program seeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bound {
    /// The minimum.
    Lower,
    /// The maximum.
    Upper,
}

impl Bound {
    /// The factor that turns the bound into a maximum: `max sign · x`.
    fn sign(self) -> f64 {
        match self {
            Bound::Lower => -1.0,
            Bound::Upper => 1.0,
        }
    }
}

/// Values of suppressed cells in feasible solutions of attacker problems. Each lies within the
/// cell's interval, so `[low, high]` is a lower bound of the interval: once it is as wide as the
/// protection level, the cell is proven safe without a linear program of its own. Suppressing
/// more cells keeps every feasible solution feasible (a newly suppressed cell at its value), so
/// witnesses stay valid while a pattern grows. The true values are the first witness.
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

    fn record(&mut self, cells: &[CellId], values: &[f64]) {
        for (cell, &value) in cells.iter().zip(values) {
            let value = snap(value);
            let seen = &mut self.seen[cell.0];
            *seen = (seen.0.min(value), seen.1.max(value));
        }
    }
}

/// One additivity constraint of a component: `Σ sign · x = rhs` over its suppressed cells (by
/// position in the component), the published cells moved into `rhs`.
#[derive(Debug, Clone)]
struct Row {
    terms: Vec<(usize, f64)>,
    rhs: f64,
}

/// The attacker's linear programs over one component of suppressed cells.
///
/// Bounding many cells of one component, the programs are kept solved between cells: one
/// program per direction maximises `t` subject to the component's constraints and
/// `t ≤ sign · x_d + y_d` for every cell `d`, with `y_d ≥ 0`. Fixing `y_c` at 0 makes the optimum
/// `t` the bound of `c` (every other `y_d` absorbs its row); moving to the next cell fixes its `y`
/// and releases the previous one, and the simplex goes on from the last basis instead of starting
/// anew. The upper program caps `t` at more than any published value of the component (a cell
/// below a published total cannot exceed it); a cell whose optimum meets the cap, and any edit the
/// solver cannot finish, is bounded by a fresh program of its own, which also decides
/// unboundedness.
pub(crate) struct Attacker<'p> {
    problem: &'p Problem,
    cells: Vec<CellId>,
    position: Vec<usize>,
    rows: Vec<Row>,
    simple: Vec<(f64, f64)>,
    cap: f64,
    warm: [Option<Warm>; 2],
}

/// A solved selector program (see [`Attacker`]) and the cell whose `y` is fixed.
struct Warm {
    solution: microlp::Solution,
    x: Vec<microlp::Variable>,
    y: Vec<microlp::Variable>,
    t: microlp::Variable,
    fixed: Option<usize>,
}

impl<'p> Attacker<'p> {
    /// The attacker of the component of the suppressed `cell` under `pattern`.
    pub(crate) fn new(problem: &'p Problem, pattern: &Pattern, cell: CellId) -> Attacker<'p> {
        let (cells, constraints) = problem.component(pattern, cell);
        let mut position = vec![usize::MAX; problem.cell_count()];
        for (i, c) in cells.iter().enumerate() {
            position[c.0] = i;
        }
        let mut largest: f64 = 0.0;
        let rows: Vec<Row> = constraints
            .iter()
            .map(|&k| {
                let constraint = &problem.constraints()[k];
                let mut row = Row { terms: Vec::with_capacity(constraint.parts.len() + 1), rhs: 0.0 };
                let signed =
                    std::iter::once((constraint.total, 1.0)).chain(constraint.parts.iter().map(|&p| (p, -1.0)));
                for (c, sign) in signed {
                    if pattern.is_suppressed(c) {
                        row.terms.push((position[c.0], sign));
                    } else {
                        row.rhs -= sign * problem.value(c);
                        largest = largest.max(problem.value(c));
                    }
                }
                row
            })
            .collect();
        // From one row alone: with every other term of the same sign, s·x ≤ rhs − (the others ≥
        // 0); with every other term of the opposite sign, s·x ≥ rhs.
        let mut simple: Vec<(f64, f64)> = vec![(0.0, f64::INFINITY); cells.len()];
        for row in &rows {
            for &(i, sign) in &row.terms {
                let others = row.terms.iter().filter(|&&(j, _)| j != i);
                if others.clone().all(|&(_, s)| s == sign) {
                    simple[i].1 = simple[i].1.min(snap(sign * row.rhs));
                }
                if others.clone().all(|&(_, s)| s != sign) {
                    simple[i].0 = simple[i].0.max(snap(sign * row.rhs));
                }
            }
        }
        Attacker { problem, cells, position, rows, simple, cap: 2.0 * largest + 1.0, warm: [None, None] }
    }

    /// The component's cells, the attacked one first.
    pub(crate) fn cells(&self) -> &[CellId] {
        &self.cells
    }

    /// Whether `cell` belongs to the component.
    pub(crate) fn contains(&self, cell: CellId) -> bool {
        self.position[cell.0] != usize::MAX
    }

    /// The exact `bound` of the component's `cell`, rounded to six decimal places; every
    /// solution met on the way is recorded in `witnesses`. A bound that the witnesses already
    /// reach and a single constraint proves costs no linear program.
    pub(crate) fn bound(&mut self, cell: CellId, bound: Bound, witnesses: &mut Witnesses) -> Result<f64, AttackError> {
        let at = self.position[cell.0];
        let seen = witnesses.interval(cell);
        let (lower, upper) = self.simple[at];
        match bound {
            Bound::Lower if seen.lower <= lower => return Ok(lower),
            Bound::Upper if seen.upper >= upper => return Ok(upper),
            _ => {}
        }
        let slot = bound as usize;
        let warm = match self.warm[slot].take() {
            Some(warm) => Some(warm),
            None => self.selector(bound),
        };
        if let Some(warm) = warm.and_then(|warm| select(warm, at)) {
            let values: Vec<f64> = warm.x.iter().map(|&v| warm.solution.var_value(v)).collect();
            witnesses.record(&self.cells, &values);
            let t = warm.solution.var_value(warm.t);
            self.warm[slot] = Some(warm);
            if bound == Bound::Lower || t < self.cap - 1e-6 * self.cap {
                return Ok(snap(bound.sign() * t));
            }
        }
        let (value, values) = self.solve(at, bound)?;
        witnesses.record(&self.cells, &values);
        Ok(value)
    }

    /// The selector program for `bound`, solved with every `y` free; `None` if the solver fails
    /// (the cells are then bounded one by one).
    fn selector(&self, bound: Bound) -> Option<Warm> {
        let sign = bound.sign();
        let mut lp = microlp::Problem::new(OptimizationDirection::Maximize);
        let x: Vec<microlp::Variable> = self.cells.iter().map(|_| lp.add_var(0.0, (0.0, f64::INFINITY))).collect();
        let t = lp.add_var(1.0, (f64::NEG_INFINITY, if bound == Bound::Upper { self.cap } else { 0.0 }));
        let y: Vec<microlp::Variable> = self.cells.iter().map(|_| lp.add_var(0.0, (0.0, f64::INFINITY))).collect();
        for row in &self.rows {
            let terms: Vec<(microlp::Variable, f64)> = row.terms.iter().map(|&(i, s)| (x[i], s)).collect();
            lp.add_constraint(terms.as_slice(), ComparisonOp::Eq, row.rhs);
        }
        for (&xd, &yd) in x.iter().zip(&y) {
            lp.add_constraint([(t, 1.0), (xd, -sign), (yd, -1.0)].as_slice(), ComparisonOp::Le, 0.0);
        }
        let solution = lp.solve().ok()?.into_solution().ok()?;
        Some(Warm { solution, x, y, t, fixed: None })
    }

    /// A fresh program for the `bound` of the cell at position `at`: the bound, rounded to six
    /// decimal places (`f64::INFINITY` if the cell is unbounded), and the solution's values.
    fn solve(&self, at: usize, bound: Bound) -> Result<(f64, Vec<f64>), AttackError> {
        let direction = match bound {
            Bound::Lower => OptimizationDirection::Minimize,
            Bound::Upper => OptimizationDirection::Maximize,
        };
        let mut lp = microlp::Problem::new(direction);
        let x: Vec<microlp::Variable> =
            (0..self.cells.len()).map(|i| lp.add_var(if i == at { 1.0 } else { 0.0 }, (0.0, f64::INFINITY))).collect();
        for row in &self.rows {
            let terms: Vec<(microlp::Variable, f64)> = row.terms.iter().map(|&(i, s)| (x[i], s)).collect();
            lp.add_constraint(terms.as_slice(), ComparisonOp::Eq, row.rhs);
        }
        let failed = |message: String| AttackError { cell: self.problem.describe(self.cells[at]), message };
        match lp.solve() {
            Ok(outcome) => match outcome.into_solution() {
                Ok(solution) => {
                    let values = x.iter().map(|&v| solution.var_value(v)).collect();
                    Ok((snap(solution.objective()), values))
                }
                Err(interrupted) => Err(failed(format!("{:?}", interrupted.termination_reason()))),
            },
            Err(microlp::Error::Unbounded) => Ok((f64::INFINITY, Vec::new())),
            Err(e) => Err(failed(e.to_string())),
        }
    }
}

/// `warm` re-solved for the cell at position `at`: its `y` fixed at 0, the previous cell's
/// released; `None` if the solver fails.
fn select(warm: Warm, at: usize) -> Option<Warm> {
    if warm.fixed == Some(at) {
        return Some(warm);
    }
    let Warm { solution, x, y, t, fixed } = warm;
    let mut solution = solution.fix_var(y[at], 0.0).ok()?.into_solution().ok()?;
    if let Some(previous) = fixed {
        solution = solution.unfix_var(y[previous]).ok()?.0.into_solution().ok()?;
    }
    Some(Warm { solution, x, y, t, fixed: Some(at) })
}

/// Rounds to six decimal places (the simplex is exact to about 1e-7).
fn snap(x: f64) -> f64 {
    if x.is_finite() && x.abs() < 1e9 { (x * 1e6).round() / 1e6 } else { x }
}
