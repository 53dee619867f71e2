//! Statistical disclosure control (Geheimhaltung) for aggregate tables (METHODS.md §5).
//!
//! What leaves a statistics office must be aggregates in which no person or enterprise can be
//! recognised. This crate protects frequency and magnitude tables by cell suppression and proves
//! the protection with an attacker audit. It is pure: typed tables in, typed patterns and audits
//! out, no I/O.
//!
//! Main types:
//! - [`Hierarchy`] and [`Table`]: a table is the cross product of hierarchical dimensions (area →
//!   parent area, categories → total); values are given for the leaf cells, and every total is the
//!   sum of its parts.
//! - [`Problem`]: the linked tables of one release as one system of cells ([`CellId`]) and
//!   additivity [`Constraint`]s; tables sharing a dimension share their marginal cells.
//! - [`Rules`] (minimum frequency, [`Dominance`], [`PPercent`]) give the primary suppressions
//!   ([`Problem::primary`], a [`Pattern`] of [`Status`]es).
//! - [`Problem::protect`] adds secondary suppressions ([`Settings`], [`Protection`]) with an
//!   sdcTable-like heuristic that solves attacker problems.
//! - [`Problem::attack`] and [`Problem::audit`]: by linear programming, the tightest
//!   [`Interval`] an attacker can derive for every suppressed cell from all published cells.
//! - [`round`]: rounding to a base (5, 10) for sample results.
//! - [`PTable`] and [`CellKey`]: the Cell Key Method (Zensus 2022) – counts perturbed by a
//!   p-table, read from R's `ptable` export or built by maximum entropy, picked by cell keys.
//!
//! ```
//! use disclosure::{Hierarchy, Problem, Protection, Rules, Settings, Status, Table};
//!
//! // sdcTable's singleton example (METHODS.md §5.3, T2): a = 1, b = 2, c = 1, d = 0.
//! let region = Hierarchy::flat("region", "Total", &["a", "b", "c", "d"]).unwrap();
//! let counts = [(["a"], 1), (["b"], 2), (["c"], 1), (["d"], 0)];
//! let problem = Problem::new(vec![Table::counts("T2", vec![region], counts).unwrap()]).unwrap();
//! let primary = problem.primary(&Rules::minimum_frequency(2));
//! let cell = |code: &str| problem.cell(0, &[code]).unwrap();
//! assert_eq!(primary.primary_count(), 2); // a and c
//! assert_eq!(primary.status(cell("d")), Status::Zero);
//!
//! let settings = Settings {
//!     protection: Protection { absolute: 1.0, percent: 0.0 },
//!     singletons: true,
//!     threshold: None,
//! };
//! let protected = problem.protect(&primary, &settings).unwrap();
//! assert_eq!(protected.status(cell("b")), Status::Secondary);
//! let audit = problem.audit(&protected, &settings.protection).unwrap();
//! assert!(audit.is_safe());
//! assert_eq!((audit.entries[0].interval.lower, audit.entries[0].interval.upper), (0.0, 4.0));
//! ```

mod attack;
mod cellkey;
mod problem;
mod rounding;
mod rules;
mod secondary;
mod table;

pub use attack::{AttackError, Interval};
pub use cellkey::{CellKey, ConstructionError, PTable, PTableError, PTableProblem, PTableRow, RECORD_KEY_SCALE};
pub use problem::{CellId, Constraint, LinkError, Pattern, Problem, Status};
pub use rounding::{RoundingError, round};
pub use rules::{Dominance, PPercent, Reason, RuleError, Rules};
pub use secondary::{Audit, AuditEntry, ProtectError, Protection, Settings};
pub use table::{Hierarchy, Table, TableError};
