//! Each kind of bad input is an error naming file, line (or feature) and column (or field).
