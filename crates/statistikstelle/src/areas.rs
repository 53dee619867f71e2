//! The area hierarchy residence is aggregated over: each area's key, layer, name and parent, from
//! the finest layer (where the individual records give residence) up to the whole Kommune.
//!
//! The file is `;`-separated CSV with the header `schluessel;ebene;name;oberschluessel`; the top
//! area has an empty parent. `statistikstelle mikrodaten` writes it for the Köln demo
//! (`gebiete.csv`, from the demo's layers); an office writes its own from its layer files.

use std::collections::HashMap;
use std::path::Path;

use crate::Error;

/// One area of the hierarchy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    /// The key, as the store knows it (`101`).
    pub key: String,
    /// The layer, e.g. `stadtteil`.
    pub layer: String,
    /// The display name.
    pub name: String,
    /// The parent's key; `None` for the top.
    pub parent: Option<String>,
}

/// The areas of one Kommune with their layers, ordered from the top to the finest.
#[derive(Debug, Clone)]
pub struct Areas {
    areas: Vec<Area>,
    index: HashMap<String, usize>,
    layers: Vec<String>,
}

impl Areas {
    /// Checks and indexes the areas: unique keys, one top, every parent known, every layer one
    /// level of the tree (all areas of a layer at the same depth).
    pub fn new(areas: Vec<Area>) -> Result<Areas, Error> {
        let invalid = |message: String| Error::Areas { message };
        let mut index = HashMap::new();
        for (i, a) in areas.iter().enumerate() {
            if index.insert(a.key.clone(), i).is_some() {
                return Err(invalid(format!("area {:?} appears twice", a.key)));
            }
        }
        let tops: Vec<&Area> = areas.iter().filter(|a| a.parent.is_none()).collect();
        if tops.len() != 1 {
            return Err(invalid(format!("{} areas without a parent; exactly one (the Kommune) is needed", tops.len())));
        }
        let mut depth_of_layer: HashMap<&str, usize> = HashMap::new();
        for a in &areas {
            let mut depth = 0;
            let mut at = a;
            while let Some(p) = &at.parent {
                let Some(&i) = index.get(p) else {
                    return Err(invalid(format!("the parent {p:?} of area {:?} is not in the file", at.key)));
                };
                at = &areas[i];
                depth += 1;
                if depth > areas.len() {
                    return Err(invalid(format!("area {:?} is its own ancestor", a.key)));
                }
            }
            if *depth_of_layer.entry(&a.layer).or_insert(depth) != depth {
                return Err(invalid(format!("the areas of layer {:?} are not all at the same level", a.layer)));
            }
        }
        let mut layers: Vec<(&str, usize)> = depth_of_layer.into_iter().collect();
        layers.sort_by_key(|(_, d)| *d);
        if layers.iter().enumerate().any(|(i, (_, d))| i != *d) {
            return Err(invalid("every level of the tree needs its own layer".into()));
        }
        let layers = layers.into_iter().map(|(l, _)| l.to_owned()).collect();
        Ok(Areas { areas, index, layers })
    }

    /// Reads the areas file.
    pub fn read(path: &Path) -> Result<Areas, Error> {
        let file = path.display().to_string();
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_path(path)
            .map_err(|e| Error::input(&file, None, None, format!("cannot read: {e}")))?;
        let header = reader.headers().map_err(|e| Error::input(&file, Some(1), None, e.to_string()))?.clone();
        let columns = ["schluessel", "ebene", "name", "oberschluessel"];
        let mut at = [0; 4];
        for (slot, name) in at.iter_mut().zip(columns) {
            *slot = header
                .iter()
                .position(|h| h.trim() == name)
                .ok_or_else(|| Error::input(&file, Some(1), Some(name), "column missing".into()))?;
        }
        let mut areas = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                Error::input(&file, e.position().map(|p| p.line()), None, format!("unreadable row: {e}"))
            })?;
            let field = |i: usize| record.get(at[i]).unwrap_or("").trim().to_owned();
            let line = record.position().map(|p| p.line());
            for (i, name) in columns.iter().enumerate().take(2) {
                if field(i).is_empty() {
                    return Err(Error::input(&file, line, Some(name), "empty field".into()));
                }
            }
            let parent = field(3);
            areas.push(Area {
                key: field(0),
                layer: field(1),
                name: field(2),
                parent: (!parent.is_empty()).then_some(parent),
            });
        }
        Areas::new(areas).map_err(|e| Error::input(&file, None, None, e.to_string()))
    }

    /// Writes the areas file.
    pub fn write(&self, path: &Path) -> Result<(), Error> {
        let io = |e: csv::Error| Error::io(path, std::io::Error::other(e));
        let mut w = csv::WriterBuilder::new().delimiter(b';').from_path(path).map_err(io)?;
        w.write_record(["schluessel", "ebene", "name", "oberschluessel"]).map_err(io)?;
        for a in &self.areas {
            w.write_record([&a.key, &a.layer, &a.name, a.parent.as_deref().unwrap_or("")]).map_err(io)?;
        }
        w.flush().map_err(|e| Error::io(path, e))
    }

    /// The layers from the top (the Kommune) to the finest.
    pub fn layers(&self) -> &[String] {
        &self.layers
    }

    /// The area of a key.
    pub fn get(&self, key: &str) -> Option<&Area> {
        self.index.get(key).map(|&i| &self.areas[i])
    }

    /// Every area, in file order.
    pub fn iter(&self) -> impl Iterator<Item = &Area> {
        self.areas.iter()
    }

    /// The areas of a layer, in file order.
    pub fn of_layer<'a>(&'a self, layer: &'a str) -> impl Iterator<Item = &'a Area> + 'a {
        self.areas.iter().filter(move |a| a.layer == layer)
    }

    /// The key of the area of `layer` that contains area `key` (itself if it is of that layer);
    /// `None` if the key is unknown or `layer` is finer than the key's layer.
    pub fn ancestor(&self, key: &str, layer: &str) -> Option<&str> {
        let mut at = self.get(key)?;
        loop {
            if at.layer == layer {
                return Some(&at.key);
            }
            at = self.get(at.parent.as_deref()?)?;
        }
    }

    /// The disclosure hierarchy of `layer` and the layers above it: the top is the Kommune.
    pub fn hierarchy(&self, layer: &str) -> Result<disclosure::Hierarchy, Error> {
        let depth = self.layers.iter().position(|l| l == layer).ok_or_else(|| Error::Areas {
            message: format!("no layer {layer:?}; the areas file has {}", self.layers.join(", ")),
        })?;
        let top = self.areas.iter().find(|a| a.parent.is_none()).map(|a| a.key.clone()).unwrap_or_default();
        let mut h = disclosure::Hierarchy::new(layer, top);
        for l in &self.layers[1..=depth] {
            for a in self.of_layer(l) {
                let parent = a.parent.as_deref().unwrap_or_default();
                h.add(a.key.clone(), parent).map_err(|e| Error::Areas { message: e.to_string() })?;
            }
        }
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(key: &str, layer: &str, parent: Option<&str>) -> Area {
        Area { key: key.into(), layer: layer.into(), name: key.into(), parent: parent.map(Into::into) }
    }

    fn demo() -> Areas {
        Areas::new(vec![
            area("0", "stadt", None),
            area("1", "bezirk", Some("0")),
            area("11", "teil", Some("1")),
            area("111", "viertel", Some("11")),
            area("112", "viertel", Some("11")),
        ])
        .unwrap()
    }

    #[test]
    fn ancestors_and_layers() {
        let a = demo();
        assert_eq!(a.layers(), ["stadt", "bezirk", "teil", "viertel"]);
        assert_eq!(a.ancestor("112", "bezirk"), Some("1"));
        assert_eq!(a.ancestor("11", "teil"), Some("11"));
        assert_eq!(a.ancestor("11", "viertel"), None, "a coarser area has no finer ancestor");
        assert_eq!(a.ancestor("999", "stadt"), None);
        let h = a.hierarchy("teil").unwrap();
        assert_eq!((h.total(), h.len()), ("0", 3));
        assert_eq!(h.parent("11"), Some("1"));
    }

    #[test]
    fn inconsistent_hierarchies_are_refused() {
        let twice = Areas::new(vec![area("0", "stadt", None), area("0", "bezirk", Some("0"))]);
        assert_eq!(twice.unwrap_err().to_string(), "the areas: area \"0\" appears twice");
        let orphan = Areas::new(vec![area("0", "stadt", None), area("1", "bezirk", Some("9"))]);
        assert_eq!(orphan.unwrap_err().to_string(), "the areas: the parent \"9\" of area \"1\" is not in the file");
        let uneven =
            Areas::new(vec![area("0", "stadt", None), area("1", "bezirk", Some("0")), area("2", "bezirk", Some("1"))]);
        assert!(uneven.unwrap_err().to_string().contains("not all at the same level"));
        let two_tops = Areas::new(vec![area("0", "stadt", None), area("1", "stadt", None)]);
        assert!(two_tops.unwrap_err().to_string().contains("2 areas without a parent"));
    }
}
