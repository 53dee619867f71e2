//! Secondary suppression (METHODS.md §5.2) and the audit of a suppression pattern.
//!
//! The heuristic follows sdcTable's `SIMPLEHEURISTIC`, which solves attacker problems:
//!
//! 1. **Constraint pass.** Every constraint (a total and its parts) with exactly one suppressed
//!    cell gets a second one: its cheapest published cell. On the first pass only, two optional
//!    rules of sdcTable's singleton detection apply: with `singletons`, a constraint with exactly
//!    two suppressed cells of which one has a single contributor gets a third (the singleton knows
//!    its own value and would learn the other's); with a `threshold`, cells are added to every
//!    constraint with a primary cell until its suppressed cells hold at least that many
//!    contributors. Passes repeat until nothing changes.
//! 2. **Attack.** Every suppressed cell, in order, is attacked ([`Problem::attack`]). A cell whose
//!    interval is narrower than its protection level gets one complementary suppression: the
//!    cheapest published cell linked to it whose suppression makes both it and the new cell
//!    safe; failing that, the cheapest that widens its interval; failing that, the cheapest in a
//!    constraint with it, or anywhere. Then the constraint pass runs again and the attacks go
//!    on. Suppressing more cells only widens intervals, so a safe cell stays safe, and every
//!    round suppresses one cell more; suppressing every non-empty cell leaves all intervals
//!    unbounded, so the heuristic always ends with a safe pattern.
//!
//! An attack in the heuristic only asks whether an interval is wide enough, and is answered as
//! soon as the brackets of the attack module settle it: tables consistent with the publication
//! that spread the cell far enough (solutions of earlier programs included), or a relaxation too
//! narrow. The answers, and so the pattern, are those of the exact programs; only an unsafe cell's
//! exact interval is computed. The audit computes every interval exactly.
//!
//! The cost of a cell is its value (sdcTable's default weight), ties broken by the cell order.
//! Empty cells ([`Status::Zero`]) are never suppressed; their 0 is published.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use crate::attack::{Attack, AttackError, Bounds, Interval, Witnesses};
use crate::problem::{CellId, Pattern, Problem, Status};

/// Attacks `cells` in order on every core with `attack`. The threads share what they learn:
/// each attack starts from the witnesses and bounds found so far (bounds for the one pattern
/// the attacks are on), and merges what it found back into `witnesses` and the bounds. Once an
/// answer makes `stop` true, no cell after it is started: every cell up to the first such answer
/// has its answer, a later one may have one.
fn in_parallel<T: Send>(
    cells: &[CellId],
    witnesses: &mut Witnesses,
    attack: &(dyn Fn(CellId, &mut Witnesses, &mut Bounds) -> Result<T, AttackError> + Sync),
    stop: &(dyn Fn(&T) -> bool + Sync),
) -> Result<Vec<Option<T>>, AttackError> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(cells.len()).max(1);
    let next = AtomicUsize::new(0);
    let last = AtomicUsize::new(usize::MAX);
    let shared = Mutex::new((witnesses, Bounds::default()));
    let (next, last, shared) = (&next, &last, &shared);
    let finished = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut answers = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= cells.len() || i > last.load(Ordering::Relaxed) {
                            return Ok(answers);
                        }
                        let (mut seen, mut bounds) = {
                            let known = shared.lock().unwrap_or_else(PoisonError::into_inner);
                            (known.0.clone(), known.1.clone())
                        };
                        let answer = attack(cells[i], &mut seen, &mut bounds).inspect_err(|_| {
                            last.store(0, Ordering::Relaxed);
                        })?;
                        let mut known = shared.lock().unwrap_or_else(PoisonError::into_inner);
                        known.0.merge(&seen);
                        known.1.merge(&bounds);
                        drop(known);
                        if stop(&answer) {
                            last.fetch_min(i, Ordering::Relaxed);
                        }
                        answers.push((i, answer));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect::<Vec<_>>()
    });
    let mut answers: Vec<Option<T>> = cells.iter().map(|_| None).collect();
    for worker in finished {
        for (i, answer) in worker? {
            answers[i] = Some(answer);
        }
    }
    Ok(answers)
}

/// The cheapest candidates tried for a complementary suppression, per unsafe cell.
const CANDIDATES: usize = 50;

/// How wide the attacker's interval for a suppressed cell must be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Protection {
    /// An absolute width (for counts, 1: the attacker must not be able to name the value).
    pub absolute: f64,
    /// A width in per cent of the cell's value (τ-ARGUS's protection level, e.g. 10 for
    /// magnitude tables).
    pub percent: f64,
}

impl Protection {
    /// The width the interval of a cell with `value` must have: the larger of both levels, and
    /// always more than sdcTable's `attack_threshold` of 1e-8.
    pub fn required(&self, value: f64) -> f64 {
        self.absolute.max(self.percent / 100.0 * value.abs()).max(ATTACK_THRESHOLD)
    }

    /// Whether `interval` protects a cell with `value`.
    pub fn protects(&self, value: f64, interval: Interval) -> bool {
        let required = self.required(value);
        interval.width() > ATTACK_THRESHOLD && interval.width() >= required - 1e-9 * required.max(1.0)
    }
}

/// Below this width a cell counts as recomputed exactly (sdcTable's `attack_threshold`).
const ATTACK_THRESHOLD: f64 = 1e-8;

/// The settings of secondary suppression.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The protection level every suppressed cell must reach.
    pub protection: Protection,
    /// sdcTable's `detectSingletons`.
    pub singletons: bool,
    /// sdcTable's `threshold`: the contributors the suppressed cells of a constraint must hold.
    pub threshold: Option<u64>,
}

/// Why a table could not be protected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtectError {
    /// The attacker's linear program failed.
    #[error(transparent)]
    Attack(#[from] AttackError),
    /// A cell stays unsafe and no published cell is left to suppress.
    #[error("{cell}: cannot be protected; no published cell is left to suppress")]
    Unprotectable {
        /// The cell.
        cell: String,
    },
}

/// One suppressed cell of an audit.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// The cell.
    pub cell: CellId,
    /// Its status (primary or secondary).
    pub status: Status,
    /// Its true value (not published).
    pub value: f64,
    /// What an attacker can derive.
    pub interval: Interval,
    /// The width the interval must have.
    pub required: f64,
    /// Whether the interval is wide enough.
    pub protected: bool,
}

/// The attacker audit of a pattern: every suppressed cell with its interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Audit {
    /// One entry per suppressed cell, in cell order.
    pub entries: Vec<AuditEntry>,
}

impl Audit {
    /// Whether every suppressed cell is protected.
    pub fn is_safe(&self) -> bool {
        self.entries.iter().all(|e| e.protected)
    }

    /// The cells that are not protected.
    pub fn unprotected(&self) -> impl Iterator<Item = &AuditEntry> {
        self.entries.iter().filter(|e| !e.protected)
    }
}

impl Problem {
    /// Adds secondary suppressions to `pattern` (primary suppressions from [`Problem::primary`],
    /// possibly with cells set by hand) until every suppressed cell is protected.
    pub fn protect(&self, pattern: &Pattern, settings: &Settings) -> Result<Pattern, ProtectError> {
        let mut pattern = pattern.clone();
        self.constraint_passes(&mut pattern, settings.singletons, settings.threshold);
        let protection = &settings.protection;
        let mut safe = vec![false; self.cell_count()];
        let mut witnesses = Witnesses::new(self);
        loop {
            let pending: Vec<CellId> = self.cells().filter(|&c| pattern.is_suppressed(c) && !safe[c.0]).collect();
            let wide = |cell: CellId, seen: &mut Witnesses, bounds: &mut Bounds| {
                let value = self.value(cell);
                Attack::new(self, &pattern, cell)
                    .is_wide(seen, bounds, &|interval| protection.protects(value, interval))
            };
            let answers = in_parallel(&pending, &mut witnesses, &wide, &|wide| !wide)?;
            let mut unsafe_cell = None;
            for (&cell, answer) in pending.iter().zip(answers) {
                match answer {
                    Some(true) => safe[cell.0] = true,
                    Some(false) => {
                        unsafe_cell.get_or_insert(cell);
                    }
                    None => {}
                }
            }
            let Some(cell) = unsafe_cell else {
                return Ok(pattern);
            };
            let interval = Attack::new(self, &pattern, cell).exact(&mut witnesses, &Bounds::default())?;
            let complement = self.complement(&pattern, cell, interval, protection, &witnesses)?;
            pattern.set(complement, Status::Secondary);
            self.constraint_passes(&mut pattern, false, None);
        }
    }

    /// Attacks every suppressed cell of `pattern`.
    pub fn audit(&self, pattern: &Pattern, protection: &Protection) -> Result<Audit, AttackError> {
        let cells: Vec<CellId> = pattern.suppressed().collect();
        let exact = |cell: CellId, seen: &mut Witnesses, bounds: &mut Bounds| {
            let interval = Attack::new(self, pattern, cell).exact(seen, bounds)?;
            bounds.record(cell, interval);
            Ok(interval)
        };
        let intervals = in_parallel(&cells, &mut Witnesses::new(self), &exact, &|_| false)?;
        let entries = cells
            .into_iter()
            .zip(intervals)
            .map(|(cell, interval)| {
                let interval = interval.expect("every cell is attacked when none stops the attacks");
                let value = self.value(cell);
                AuditEntry {
                    cell,
                    status: pattern.status(cell),
                    value,
                    interval,
                    required: protection.required(value),
                    protected: protection.protects(value, interval),
                }
            })
            .collect();
        Ok(Audit { entries })
    }

    /// The complementary suppression for the unsafe `cell` (see the module docs).
    fn complement(
        &self,
        pattern: &Pattern,
        cell: CellId,
        interval: Interval,
        protection: &Protection,
        witnesses: &Witnesses,
    ) -> Result<CellId, ProtectError> {
        let by_cost = |cells: &mut Vec<CellId>| {
            cells.sort_by(|a, b| self.value(*a).total_cmp(&self.value(*b)).then(a.cmp(b)));
            cells.dedup();
        };
        let mut neighbours: Vec<CellId> = self
            .component(pattern, cell)
            .1
            .into_iter()
            .flat_map(|k| self.constraints()[k].cells())
            .filter(|&c| pattern.status(c) == Status::Published)
            .collect();
        by_cost(&mut neighbours);
        let certificate = if interval.width() == 0.0 { Attack::new(self, pattern, cell).certificate() } else { None };
        let mut safe_for_cell = None;
        let mut widening = None;
        for &candidate in neighbours.iter().take(CANDIDATES) {
            if certificate.as_ref().is_some_and(|c| c.holds_with(self, candidate)) {
                continue;
            }
            let mut trial = pattern.clone();
            trial.set(candidate, Status::Secondary);
            let mut seen = witnesses.clone();
            let bounds = Bounds::default();
            let mut attack = Attack::new(self, &trial, cell);
            if attack.is_wide(&mut seen, &bounds, &|widened| protection.protects(self.value(cell), widened))? {
                let safe = |i: Interval| protection.protects(self.value(candidate), i);
                if Attack::new(self, &trial, candidate).is_wide(&mut seen, &bounds, &safe)? {
                    return Ok(candidate);
                }
                safe_for_cell.get_or_insert(candidate);
            } else if widening.is_none()
                && attack
                    .is_wide(&mut seen, &bounds, &|widened| widened.width() > interval.width() + ATTACK_THRESHOLD)?
            {
                widening = Some(candidate);
            }
        }
        if let Some(c) = safe_for_cell.or(widening) {
            return Ok(c);
        }
        let mut adjacent: Vec<CellId> = self
            .constraints_of(cell)
            .iter()
            .flat_map(|&k| self.constraints()[k].cells())
            .filter(|&c| pattern.status(c) == Status::Published)
            .collect();
        by_cost(&mut adjacent);
        let mut anywhere: Vec<CellId> = self.cells().filter(|&c| pattern.status(c) == Status::Published).collect();
        by_cost(&mut anywhere);
        adjacent
            .first()
            .or(anywhere.first())
            .copied()
            .ok_or_else(|| ProtectError::Unprotectable { cell: self.describe(cell) })
    }

    /// Constraint passes until nothing changes; the singleton and threshold rules on the first.
    fn constraint_passes(&self, pattern: &mut Pattern, singletons: bool, threshold: Option<u64>) {
        let (mut singletons, mut threshold) = (singletons, threshold);
        loop {
            let mut changed = false;
            for constraint in self.constraints() {
                let cells: Vec<CellId> = constraint.cells().collect();
                let suppressed = |p: &Pattern| cells.iter().filter(|&&c| p.is_suppressed(c)).count();
                let add_cheapest = |p: &mut Pattern| {
                    let cheapest = cells
                        .iter()
                        .filter(|&&c| p.status(c) == Status::Published)
                        .min_by(|a, b| self.value(**a).total_cmp(&self.value(**b)).then(a.cmp(b)))
                        .copied();
                    cheapest.inspect(|&c| p.set(c, Status::Secondary)).is_some()
                };
                if suppressed(pattern) == 1 {
                    changed |= add_cheapest(pattern);
                }
                let has_singleton = cells.iter().any(|&c| pattern.is_suppressed(c) && self.frequency(c) == 1);
                if singletons && suppressed(pattern) == 2 && has_singleton {
                    changed |= add_cheapest(pattern);
                }
                let has_primary = cells.iter().any(|&c| matches!(pattern.status(c), Status::Primary(_)));
                if let Some(threshold) = threshold.filter(|_| has_primary) {
                    let held = |p: &Pattern| {
                        cells.iter().filter(|&&c| p.is_suppressed(c)).map(|&c| self.frequency(c)).sum::<u64>()
                    };
                    while held(pattern) < threshold && add_cheapest(pattern) {
                        changed = true;
                    }
                }
            }
            (singletons, threshold) = (false, None);
            if !changed {
                return;
            }
        }
    }
}
