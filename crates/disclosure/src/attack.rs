//! The attacker: the tightest interval for a suppressed cell that follows from everything
//! published.
//!
//! The attacker knows every published cell, every additivity constraint (each total is the sum of
//! its parts, in every linked table and across hierarchy levels) and that no cell is negative. The
//! bounds of a suppressed cell are the minimum and the maximum of its value over all tables that
//! agree with this knowledge: two linear programs (as sdcTable's `attack`). Only the suppressed
//! cells linked to the attacked one through constraints enter the programs; the others cannot
//! move it.

use std::collections::HashMap;

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
        let (cells, constraints) = self.component(pattern, cell);
        let lower = self.solve(pattern, &cells, &constraints, cell, OptimizationDirection::Minimize)?;
        let upper = self.solve(pattern, &cells, &constraints, cell, OptimizationDirection::Maximize)?;
        Ok(Interval { lower: snap(lower), upper: snap(upper) })
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

    fn solve(
        &self,
        pattern: &Pattern,
        cells: &[CellId],
        constraints: &[usize],
        target: CellId,
        direction: OptimizationDirection,
    ) -> Result<f64, AttackError> {
        let mut lp = microlp::Problem::new(direction);
        let vars: HashMap<CellId, microlp::Variable> =
            cells.iter().map(|&c| (c, lp.add_var(if c == target { 1.0 } else { 0.0 }, (0.0, f64::INFINITY)))).collect();
        for &k in constraints {
            let constraint = &self.constraints()[k];
            let mut terms = Vec::with_capacity(constraint.parts.len() + 1);
            let mut rhs = 0.0;
            let signed = std::iter::once((constraint.total, 1.0)).chain(constraint.parts.iter().map(|&p| (p, -1.0)));
            for (c, sign) in signed {
                if pattern.is_suppressed(c) {
                    terms.push((vars[&c], sign));
                } else {
                    rhs -= sign * self.value(c);
                }
            }
            lp.add_constraint(terms.as_slice(), ComparisonOp::Eq, rhs);
        }
        let failed = |message: String| AttackError { cell: self.describe(target), message };
        match lp.solve() {
            Ok(outcome) => match outcome.into_solution() {
                Ok(solution) => Ok(solution.objective()),
                Err(interrupted) => Err(failed(format!("{:?}", interrupted.termination_reason()))),
            },
            Err(microlp::Error::Unbounded) => Ok(f64::INFINITY),
            Err(e) => Err(failed(e.to_string())),
        }
    }
}

/// Rounds to six decimal places (the simplex is exact to about 1e-7).
fn snap(x: f64) -> f64 {
    if x.is_finite() && x.abs() < 1e9 { (x * 1e6).round() / 1e6 } else { x }
}
