//! `bimo angebote` and `bimo massnahmen`: lists of support offers and of measures from files into
//! the store, as the command line (`system`) – the way a city brings in a Träger's list or the
//! demo its examples. A record whose current version is the same is skipped, and a withdrawn offer
//! stays withdrawn, so a file can be read again. A file is checked whole before the first record
//! is saved – its syntax and values (with file, line and column), a key twice, an unknown
//! Kommune or department, an offer kept by another department – so nothing of a bad file is stored.

use std::path::Path;

use anyhow::Context;
use domain::indicator::Definition;
use store::{Actor, NewAngebot, Store};

/// What reading a file did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Saved {
    /// Records saved as new versions.
    pub saved: usize,
    /// Records already stored as they are.
    pub unchanged: usize,
    /// Offers withdrawn in the store, left withdrawn.
    pub withdrawn: usize,
}

/// Reads a list of offers (`[[angebot]]`) and saves each changed one.
pub fn offers(store: &Store, path: &Path, now: &str) -> anyhow::Result<Saved> {
    let entries = import::read_offers(path).map_err(|e| anyhow::anyhow!("{e}"))?;
    let departments = store.departments()?;
    for (i, e) in entries.iter().enumerate() {
        let at = format!("{}: offer {}", path.display(), e.angebot.key);
        if entries[..i].iter().any(|o| o.kommune == e.kommune && o.angebot.key == e.angebot.key) {
            anyhow::bail!("{at}: the key is in the file twice");
        }
        if !store.has_kommune(&e.kommune)? {
            anyhow::bail!("{at}: unknown Kommune {} (import its data first)", e.kommune);
        }
        if !departments.iter().any(|d| d.key == e.owner) {
            anyhow::bail!("{at}: unknown department {} (add it with `bimo konto amt`)", e.owner);
        }
        if let Some(kept) = store.angebot_owner(&e.kommune, e.angebot.key.as_str())?
            && kept != e.owner
        {
            anyhow::bail!("{at}: the offer is kept by {kept}, not {}", e.owner);
        }
    }
    let mut done = Saved::default();
    for e in entries {
        if store.angebot_withdrawn(&e.kommune, e.angebot.key.as_str())? {
            done.withdrawn += 1;
            continue;
        }
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
    for (i, e) in entries.iter().enumerate() {
        let at = format!("{}: measure {}", path.display(), e.massnahme.key);
        if entries[..i].iter().any(|o| o.kommune == e.kommune && o.massnahme.key == e.massnahme.key) {
            anyhow::bail!("{at}: the key is in the file twice");
        }
        if !departments.iter().any(|d| d.key == e.massnahme.lead) {
            anyhow::bail!("{at}: unknown department {} (add it with `bimo konto amt`)", e.massnahme.lead);
        }
        let versions = store.layer_versions(e.kommune.as_str(), e.layer.as_str())?;
        let layer =
            versions.first().with_context(|| format!("{at}: Kommune {} has no layer {}", e.kommune, e.layer))?;
        if let Some(area) = e.massnahme.areas.iter().find(|a| !layer.areas.iter().any(|x| &x.key == *a)) {
            anyhow::bail!("{at}: no area {area} on the layer {}", e.layer);
        }
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
