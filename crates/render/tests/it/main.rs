//! Integration tests of `render`: one binary, one module per kind of output. Every picture is
//! parsed as XML and checked for the properties all pictures share (see `svg_check`).

mod charts;
mod format;
mod legend;
mod map;
mod svg_check;
