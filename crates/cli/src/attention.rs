//! `bimo aufmerksamkeit`: the expert validation of Aufmerksamkeitsgebiete in the store.
//!
//! `propose` records that an area of an index edition is proposed as Aufmerksamkeitsgebiet;
//! `confirm` and `reject` record the decision of a named person with the local knowledge behind it;
//! `list` prints the current state of every proposed area of a Kommune and index, and the history.
//! Every step is checked against the area's review state ([`domain::attention::ReviewState`]); a
//! step that is not allowed fails with the reason and stores nothing. `--date` defaults to today's
//! date in UTC.

use std::io::Write;

use anyhow::Context;
use domain::attention::{Datum, IndexKey, Person, ReviewAction, ReviewEvent, ReviewState, Step};
use domain::{AreaKey, KommuneKey, LayerKey, Period};
use store::{ReviewSubject, Store};

/// What `bimo aufmerksamkeit` does.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Propose an area as Aufmerksamkeitsgebiet for an edition of an index.
    Propose(StepArgs),
    /// Confirm the pending proposal of an area (a comment is required).
    Confirm(StepArgs),
    /// Reject the pending proposal of an area (a comment is required).
    Reject(StepArgs),
    /// List the current state of every proposed area of a Kommune and index, and their history.
    List {
        /// The Kommune, e.g. `berlin`.
        #[arg(long)]
        kommune: KommuneKey,
        /// The index, e.g. `berlin-mss`.
        #[arg(long)]
        index: IndexKey,
    },
}

/// The arguments of one review step.
#[derive(Debug, clap::Args)]
pub struct StepArgs {
    /// The Kommune, e.g. `berlin`.
    #[arg(long)]
    kommune: KommuneKey,
    /// The layer of the area, e.g. `planungsraum`.
    #[arg(long)]
    layer: LayerKey,
    /// The area key.
    #[arg(long)]
    area: AreaKey,
    /// The index, e.g. `berlin-mss`.
    #[arg(long)]
    index: IndexKey,
    /// The edition of the index, e.g. `2019`.
    #[arg(long)]
    edition: Period,
    /// The name of the person taking the step.
    #[arg(long)]
    by: String,
    /// The reason; for a confirmation or rejection, the local knowledge behind it.
    #[arg(long, default_value = "")]
    comment: String,
    /// The date of the step (YYYY-MM-DD); today's date in UTC if not given.
    #[arg(long)]
    date: Option<Datum>,
}

/// Runs one `bimo aufmerksamkeit` command; `now` is the RFC 3339 UTC time, recorded with each step
/// and giving the default date.
pub fn run(store: &Store, command: Command, now: &str, out: &mut impl Write) -> anyhow::Result<()> {
    let (action, args) = match command {
        Command::Propose(args) => (ReviewAction::Propose, args),
        Command::Confirm(args) => (ReviewAction::Confirm, args),
        Command::Reject(args) => (ReviewAction::Reject, args),
        Command::List { kommune, index } => return list(store, &kommune, &index, out),
    };
    let date = match args.date {
        Some(date) => date,
        None => now
            .get(..10)
            .and_then(|d| d.parse().ok())
            .with_context(|| format!("cannot read today's date from {now:?}"))?,
    };
    let subject = ReviewSubject { kommune: args.kommune, index: args.index, layer: args.layer, area: args.area };
    let verb = match action {
        ReviewAction::Propose => "propose",
        ReviewAction::Confirm => "confirm",
        ReviewAction::Reject => "reject",
    };
    let what = format!(
        "area {} of layer {} ({} {}, edition {})",
        subject.area, subject.layer, subject.kommune, subject.index, args.edition
    );
    let event = ReviewEvent {
        edition: args.edition,
        action,
        step: Step { by: Person::new(&args.by)?, comment: args.comment.trim().to_owned(), date },
    };
    let state = store.record_review(&subject, event, now).with_context(|| format!("cannot {verb} {what}"))?;
    writeln!(out, "{what}: {}", state_text(&state))?;
    Ok(())
}

/// The state in a few words, e.g. `confirmed by A. Muster on 2020-04-15`.
fn state_text(state: &ReviewState) -> String {
    match state {
        ReviewState::NotProposed => "not proposed".into(),
        ReviewState::Proposed { proposal, .. } => format!("proposed by {} on {}", proposal.by, proposal.date),
        ReviewState::Confirmed { decision, .. } => format!("confirmed by {} on {}", decision.by, decision.date),
        ReviewState::Rejected { decision, .. } => format!("rejected by {} on {}", decision.by, decision.date),
    }
}

fn list(store: &Store, kommune: &KommuneKey, index: &IndexKey, out: &mut impl Write) -> anyhow::Result<()> {
    let reviews = store.reviews(kommune, index)?;
    if reviews.is_empty() {
        writeln!(out, "no area of {kommune} has been proposed for {index}")?;
        return Ok(());
    }
    let states: Vec<Vec<String>> = reviews
        .iter()
        .map(|r| {
            let state = r.review.state();
            let edition = state.edition().map(|e| e.to_string()).unwrap_or_default();
            vec![r.layer.to_string(), r.area.to_string(), edition, state_text(&state)]
        })
        .collect();
    writeln!(out, "Current state\n")?;
    write_table(out, &["layer", "area", "edition", "state"], &states)?;
    let history: Vec<Vec<String>> = reviews
        .iter()
        .flat_map(|r| {
            r.review.history().iter().map(move |e| {
                vec![
                    r.layer.to_string(),
                    r.area.to_string(),
                    e.edition.to_string(),
                    e.action.to_string(),
                    e.step.date.to_string(),
                    e.step.by.to_string(),
                    e.step.comment.clone(),
                ]
            })
        })
        .collect();
    writeln!(out, "\nHistory\n")?;
    write_table(out, &["layer", "area", "edition", "step", "date", "by", "comment"], &history)?;
    Ok(())
}

/// Writes rows as columns padded to the widest cell, the header first.
fn write_table(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) -> std::io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(cell, &w)| format!("{cell:<w$}")).collect();
        writeln!(out, "{}", cells.join("  ").trim_end())?;
    }
    Ok(())
}
