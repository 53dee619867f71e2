//! `bimo angebote` and `bimo massnahmen`: lists of support offers and of measures from files into
//! the store, as the command line (`system`) – the way a city brings in a Träger's list or the
//! demo its examples. A record whose current version is the same is skipped, so a file can be
//! read again; every problem of a file is reported with file, line and column and nothing of that
//! file is stored.

use std::path::Path;

use domain::indicator::Definition;
use store::{Actor, NewAngebot, Store};

/// What reading a file did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Saved {
    /// Records saved as new versions.
    pub saved: usize,
    /// Records already stored as they are.
    pub unchanged: usize,
}

/// Reads a list of offers (`[[angebot]]`) and saves each changed one.
pub fn offers(store: &Store, path: &Path, now: &str) -> anyhow::Result<Saved> {
    let entries = import::read_offers(path).map_err(|e| anyhow::anyhow!("{e}"))?;
    let departments = store.departments()?;
    // Every owner must exist before the first is saved, so a file lands whole or not at all.
    if let Some(e) = entries.iter().find(|e| !departments.iter().any(|d| d.key == e.owner)) {
        anyhow::bail!(
            "{}: offer {}: unknown department {} (add it with `bimo konto amt`)",
            path.display(),
            e.angebot.key,
            e.owner
        );
    }
    let mut done = Saved::default();
    for e in entries {
        let current = store.all_angebote(&e.kommune)?;
        let same = current.iter().any(|c| {
            c.angebot == e.angebot && c.owner == e.owner && c.audience == e.audience && c.example == e.example
        });
        if same {
            done.unchanged += 1;
            continue;
        }
        let new = NewAngebot { angebot: e.angebot, owner: e.owner, audience: e.audience, example: e.example };
        store.save_angebot(Actor::System, &e.kommune, &new, now)?;
        done.saved += 1;
    }
    Ok(done)
}

/// Reads a list of measures (`[[massnahme]]`), whose indicators must be in `catalogue`, and saves
/// each changed one.
pub fn measures(store: &Store, path: &Path, catalogue: &[Definition], now: &str) -> anyhow::Result<Saved> {
    let known = |key: &str| catalogue.iter().any(|d| d.key.as_str() == key);
    let entries = import::read_measures(path, &known).map_err(|e| anyhow::anyhow!("{e}"))?;
    let departments = store.departments()?;
    if let Some(e) = entries.iter().find(|e| !departments.iter().any(|d| d.key == e.massnahme.lead)) {
        anyhow::bail!(
            "{}: measure {}: unknown department {} (add it with `bimo konto amt`)",
            path.display(),
            e.massnahme.key,
            e.massnahme.lead
        );
    }
    let mut done = Saved::default();
    for e in entries {
        let current = store.all_massnahmen(&e.kommune)?;
        if current.iter().any(|c| c.massnahme == e.massnahme && c.layer == e.layer && c.audience == e.audience) {
            done.unchanged += 1;
            continue;
        }
        store.save_massnahme(Actor::System, &e.kommune, &e.layer, e.audience, &e.massnahme, now)?;
        done.saved += 1;
    }
    Ok(done)
}
