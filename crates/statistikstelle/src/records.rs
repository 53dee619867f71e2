//! The four kinds of individual records (Datenarten) and their columns: what the generator writes
//! and what the engine checks before it aggregates.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Schema};

/// A kind of individual records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Pupils per school year (Schülerinnen und Schüler): one record per pupil and school year.
    Schueler,
    /// Children in Kitas: one record per child and year.
    Kita,
    /// School-entry examinations (Schuleingangsuntersuchung): one record per child.
    Einschulung,
    /// A register extract (Melderegister): one record per person and year.
    Melderegister,
}

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Text (keys, codes).
    Text,
    /// A whole number.
    Integer,
    /// Yes or no.
    Boolean,
    /// A calendar date.
    Date,
}

/// One column of a kind of records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The column name.
    pub name: &'static str,
    /// Its type.
    pub ty: ColumnType,
    /// Whether it may be empty (no special-needs focus, no leaving qualification).
    pub nullable: bool,
    /// The admitted range of a whole number, inclusive.
    pub range: Option<(i64, i64)>,
}

const fn col(name: &'static str, ty: ColumnType) -> Column {
    Column { name, ty, nullable: false, range: None }
}

const fn optional(name: &'static str) -> Column {
    Column { name, ty: ColumnType::Text, nullable: true, range: None }
}

const fn ranged(name: &'static str, from: i64, to: i64) -> Column {
    Column { name, ty: ColumnType::Integer, nullable: false, range: Some((from, to)) }
}

use ColumnType::{Boolean, Date, Integer, Text};

const SCHUELER: [Column; 13] = [
    col("pseudonym", Text),
    col("schuljahr", Integer),
    col("schule", Text),
    ranged("klasse", 1, 13),
    col("schulform", Text),
    col("wohngebiet", Text),
    col("geschlecht", Text),
    col("geburtsjahr", Integer),
    col("familiensprache_nicht_deutsch", Boolean),
    optional("foerderschwerpunkt"),
    col("neuzugewandert", Boolean),
    col("wiederholer", Boolean),
    optional("abschluss"),
];

const KITA: [Column; 6] = [
    col("pseudonym", Text),
    col("jahr", Integer),
    col("kita", Text),
    ranged("alter", 0, 7),
    ranged("betreuungsstunden", 1, 60),
    col("wohngebiet", Text),
];

const EINSCHULUNG: [Column; 6] = [
    col("pseudonym", Text),
    col("jahr", Integer),
    col("wohngebiet", Text),
    ranged("kitadauer", 0, 7),
    col("sprache", Text),
    col("bmi_klasse", Text),
];

const MELDEREGISTER: [Column; 6] = [
    col("person", Text),
    col("jahr", Integer),
    col("geburtsdatum", Date),
    col("geschlecht", Text),
    col("staatsangehoerigkeit", Text),
    col("wohngebiet", Text),
];

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 4] = [Kind::Schueler, Kind::Kita, Kind::Einschulung, Kind::Melderegister];

    /// The name, as in a table specification.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Schueler => "schueler",
            Kind::Kita => "kita",
            Kind::Einschulung => "einschulung",
            Kind::Melderegister => "melderegister",
        }
    }

    /// The columns, in the order the generator writes them.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Kind::Schueler => &SCHUELER,
            Kind::Kita => &KITA,
            Kind::Einschulung => &EINSCHULUNG,
            Kind::Melderegister => &MELDEREGISTER,
        }
    }

    /// The column of the (school) year a record belongs to.
    pub fn year_column(self) -> &'static str {
        match self {
            Kind::Schueler => "schuljahr",
            _ => "jahr",
        }
    }

    /// The columns that identify a record: a person appears once per year.
    pub fn key(self) -> [&'static str; 2] {
        match self {
            Kind::Melderegister => ["person", "jahr"],
            Kind::Schueler => ["pseudonym", "schuljahr"],
            _ => ["pseudonym", "jahr"],
        }
    }

    /// A column by name.
    pub fn column(self, name: &str) -> Option<&'static Column> {
        self.columns().iter().find(|c| c.name == name)
    }

    /// The Arrow schema: text as `Utf8`, whole numbers as `Int32`, dates as `Date32`.
    pub fn schema(self) -> Arc<Schema> {
        let fields: Vec<Field> = self
            .columns()
            .iter()
            .map(|c| {
                let ty = match c.ty {
                    Text => DataType::Utf8,
                    Integer => DataType::Int32,
                    Boolean => DataType::Boolean,
                    Date => DataType::Date32,
                };
                Field::new(c.name, ty, c.nullable)
            })
            .collect();
        Arc::new(Schema::new(fields))
    }
}

/// Whether an Arrow type read from a file holds values of a column type.
pub fn admits(ty: ColumnType, data: &DataType) -> bool {
    match ty {
        Text => match data {
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
            DataType::Dictionary(_, value) => {
                matches!(**value, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
            }
            _ => false,
        },
        Integer => data.is_integer(),
        Boolean => *data == DataType::Boolean,
        Date => matches!(data, DataType::Date32 | DataType::Date64),
    }
}
