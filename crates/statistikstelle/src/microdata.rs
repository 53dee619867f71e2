//! `statistikstelle mikrodaten`: writes the generator's records as Parquet, one file per kind,
//! with the true transitions, the areas, the schools and their Schulbezirke beside them.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, BooleanBuilder, Date32Builder, Int32Builder, RecordBatch, StringBuilder};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::WriterProperties;

use crate::generator::{self, Calibration, Exam, KitaChild, Person, Pupil, Settings, Sink, Truth};
use crate::records::Kind;
use crate::{Areas, Error};

/// Rows per record batch and Parquet row group (at most; each year's last one is smaller).
const BATCH: usize = 256 * 1024;

/// The builders of one kind's columns, in the kind's column order.
enum Builder {
    Text(StringBuilder),
    Integer(Int32Builder),
    Boolean(BooleanBuilder),
    Date(Date32Builder),
}

impl Builder {
    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Text(b) => Arc::new(b.finish()),
            Builder::Integer(b) => Arc::new(b.finish()),
            Builder::Boolean(b) => Arc::new(b.finish()),
            Builder::Date(b) => Arc::new(b.finish()),
        }
    }
}

/// One Parquet file being written: records are gathered per year and written in row groups of
/// one year each, so that a reader asking for some years skips the others' row groups.
struct Output {
    kind: Kind,
    path: PathBuf,
    writer: ArrowWriter<File>,
    /// Per year: the column builders and their rows.
    years: BTreeMap<i32, (Vec<Builder>, usize)>,
    /// The year of the record being appended.
    current: i32,
    written: u64,
}

impl Output {
    fn create(dir: &Path, kind: Kind) -> Result<Output, Error> {
        let path = dir.join(format!("{}.parquet", kind.name()));
        let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
        let properties = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
        let writer = ArrowWriter::try_new(file, kind.schema(), Some(properties))
            .map_err(|e| Error::io(&path, std::io::Error::other(e)))?;
        Ok(Output { kind, path, writer, years: BTreeMap::new(), current: 0, written: 0 })
    }

    /// Starts a record of `year`.
    fn begin(&mut self, year: i32) {
        self.current = year;
        let kind = self.kind;
        self.years.entry(year).or_insert_with(|| {
            let builders = kind
                .columns()
                .iter()
                .map(|c| match c.ty {
                    crate::records::ColumnType::Text => Builder::Text(StringBuilder::new()),
                    crate::records::ColumnType::Integer => Builder::Integer(Int32Builder::new()),
                    crate::records::ColumnType::Boolean => Builder::Boolean(BooleanBuilder::new()),
                    crate::records::ColumnType::Date => Builder::Date(Date32Builder::new()),
                })
                .collect();
            (builders, 0)
        });
    }

    fn column(&mut self, i: usize) -> Option<&mut Builder> {
        self.years.get_mut(&self.current).map(|(b, _)| &mut b[i])
    }

    fn text(&mut self, i: usize, v: Option<&str>) {
        if let Some(Builder::Text(b)) = self.column(i) {
            b.append_option(v);
        }
    }

    fn int(&mut self, i: usize, v: i32) {
        match self.column(i) {
            Some(Builder::Integer(b)) => b.append_value(v),
            Some(Builder::Date(b)) => b.append_value(v),
            _ => {}
        }
    }

    fn bool(&mut self, i: usize, v: bool) {
        if let Some(Builder::Boolean(b)) = self.column(i) {
            b.append_value(v);
        }
    }

    fn row_done(&mut self) -> Result<(), Error> {
        let year = self.current;
        let full = self.years.get_mut(&year).is_some_and(|(_, rows)| {
            *rows += 1;
            *rows == BATCH
        });
        if full { self.flush(year) } else { Ok(()) }
    }

    /// Writes the gathered records of `year` as one row group.
    fn flush(&mut self, year: i32) -> Result<(), Error> {
        let Some((builders, rows)) = self.years.get_mut(&year) else { return Ok(()) };
        if *rows == 0 {
            return Ok(());
        }
        let columns: Vec<ArrayRef> = builders.iter_mut().map(Builder::finish).collect();
        let n = std::mem::take(rows);
        let io = |e: &dyn std::fmt::Display| Error::io(&self.path, std::io::Error::other(e.to_string()));
        let batch = RecordBatch::try_new(self.kind.schema(), columns).map_err(|e| io(&e))?;
        self.writer.write(&batch).map_err(|e| io(&e))?;
        self.writer.flush().map_err(|e| io(&e))?;
        self.written += n as u64;
        Ok(())
    }

    fn close(mut self) -> Result<u64, Error> {
        let years: Vec<i32> = self.years.keys().copied().collect();
        for year in years {
            self.flush(year)?;
        }
        let path = self.path.clone();
        self.writer.close().map_err(|e| Error::io(&path, std::io::Error::other(e)))?;
        Ok(self.written)
    }
}

/// The four Parquet files.
struct Writers {
    pupils: Output,
    kita: Output,
    exams: Output,
    register: Output,
}

fn hex(pseudonym: u64) -> String {
    format!("{pseudonym:016x}")
}

impl Sink for Writers {
    fn pupil(&mut self, r: &Pupil<'_>) -> Result<(), Error> {
        let o = &mut self.pupils;
        o.begin(r.year);
        o.text(0, Some(&hex(r.pseudonym)));
        o.int(1, r.year);
        o.text(2, Some(r.school));
        o.int(3, r.grade);
        o.text(4, Some(r.form));
        o.text(5, Some(r.area));
        o.text(6, Some(r.sex));
        o.int(7, r.birth_year);
        o.bool(8, r.family_language);
        o.text(9, r.focus);
        o.bool(10, r.newcomer);
        o.bool(11, r.repeater);
        o.text(12, r.qualification);
        o.row_done()
    }

    fn kita(&mut self, r: &KitaChild<'_>) -> Result<(), Error> {
        let o = &mut self.kita;
        o.begin(r.year);
        o.text(0, Some(&hex(r.pseudonym)));
        o.int(1, r.year);
        o.text(2, Some(&r.kita));
        o.int(3, r.age);
        o.int(4, r.hours);
        o.text(5, Some(r.area));
        o.row_done()
    }

    fn exam(&mut self, r: &Exam<'_>) -> Result<(), Error> {
        let o = &mut self.exams;
        o.begin(r.year);
        o.text(0, Some(&hex(r.pseudonym)));
        o.int(1, r.year);
        o.text(2, Some(r.area));
        o.int(3, r.kita_years);
        o.text(4, Some(r.language));
        o.text(5, Some(r.bmi));
        o.row_done()
    }

    fn person(&mut self, r: &Person<'_>) -> Result<(), Error> {
        let o = &mut self.register;
        o.begin(r.year);
        o.text(0, Some(&hex(r.pseudonym)));
        o.int(1, r.year);
        o.int(2, r.birth_date);
        o.text(3, Some(r.sex));
        o.text(4, Some(r.citizenship));
        o.text(5, Some(r.area));
        o.row_done()
    }
}

/// How many records of each kind were written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Pupil-year records.
    pub pupils: u64,
    /// Kita-year records.
    pub kita: u64,
    /// School-entry examinations.
    pub exams: u64,
    /// Persons of the register extract.
    pub register: u64,
    /// Cells of the true transition matrix.
    pub transitions: usize,
}

/// Generates the records into `output` (created if missing): `schueler.parquet`, `kita.parquet`,
/// `einschulung.parquet`, `melderegister.parquet`, `wahre_uebergaenge.csv`, `gebiete.csv`,
/// `schulen.csv`, `schulbezirke.csv` and `SOURCES.md`.
pub fn write(calibration: &Calibration, areas: &Areas, settings: &Settings, output: &Path) -> Result<Written, Error> {
    std::fs::create_dir_all(output).map_err(|e| Error::io(output, e))?;
    let mut writers = Writers {
        pupils: Output::create(output, Kind::Schueler)?,
        kita: Output::create(output, Kind::Kita)?,
        exams: Output::create(output, Kind::Einschulung)?,
        register: Output::create(output, Kind::Melderegister)?,
    };
    let truth = generator::generate(calibration, settings, &mut writers)?;
    let written = Written {
        pupils: writers.pupils.close()?,
        kita: writers.kita.close()?,
        exams: writers.exams.close()?,
        register: writers.register.close()?,
        transitions: truth.len(),
    };
    write_truth(&truth, &output.join("wahre_uebergaenge.csv"))?;
    areas.write(&output.join("gebiete.csv"))?;
    let path = output.join("schulen.csv");
    let mut w = csv::WriterBuilder::new().delimiter(b';').from_path(&path).map_err(|e| Error::csv(&path, e))?;
    w.write_record(["schule", "schulform", "laenge", "breite"]).map_err(|e| Error::csv(&path, e))?;
    for s in &calibration.schools {
        let record = [s.key.clone(), s.form.clone(), s.location.0.to_string(), s.location.1.to_string()];
        w.write_record(&record).map_err(|e| Error::csv(&path, e))?;
    }
    w.flush().map_err(|e| Error::io(&path, e))?;
    let path = output.join("schulbezirke.csv");
    let mut w = csv::WriterBuilder::new().delimiter(b';').from_path(&path).map_err(|e| Error::csv(&path, e))?;
    w.write_record(["wohngebiet", "schule"]).map_err(|e| Error::csv(&path, e))?;
    for (v, d) in calibration.viertel.iter().zip(generator::districts(calibration)) {
        if let Some(d) = d {
            w.write_record([&v.key, &calibration.schools[d].key]).map_err(|e| Error::csv(&path, e))?;
        }
    }
    w.flush().map_err(|e| Error::io(&path, e))?;
    let path = output.join("SOURCES.md");
    let text = format!(
        "# Synthetische Individualdaten (erfunden)\n\nGeschrieben von `statistikstelle mikrodaten --seed {} \
         --erstes-jahr {} --jahre {} --skala {}`. Alle Personen sind erfunden; kalibriert auf die Bevölkerung \
         {} der Kölner Stadtteile nach Alter und Migrationshintergrund (Stadt Köln, CC BY 3.0 DE) und die \
         öffentlichen allgemeinbildenden Schulen Kölns aus dem NRW-Schulverzeichnis 2024/25 (IT.NRW, \
         dl-de/by-2-0). Verfahren: docs/STATISTIKSTELLE.md.\n",
        settings.seed,
        settings.first_year,
        settings.years,
        settings.scale,
        crate::calibration::BASE_YEAR
    );
    std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    Ok(written)
}

/// Writes the true transitions: `schuljahr;wohngebiet;herkunft_schule;ziel_schulform;anzahl`.
pub fn write_truth(truth: &Truth, path: &Path) -> Result<(), Error> {
    let io = |e: csv::Error| Error::io(path, std::io::Error::other(e));
    let mut w = csv::WriterBuilder::new().delimiter(b';').from_path(path).map_err(io)?;
    w.write_record(["schuljahr", "wohngebiet", "herkunft_schule", "ziel_schulform", "anzahl"]).map_err(io)?;
    for ((year, area, school, form), n) in truth {
        w.write_record([&year.to_string(), area, school, form, &n.to_string()]).map_err(io)?;
    }
    w.flush().map_err(|e| Error::io(path, e))
}
