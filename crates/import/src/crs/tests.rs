use super::*;

fn close(c: Coord<f64>, x: f64, y: f64, tolerance: f64) {
    assert!((c.x - x).abs() < tolerance && (c.y - y).abs() < tolerance, "{c:?} not near ({x}, {y})");
}

#[test]
fn utm_32n_point_lands_in_koeln() {
    let crs = Crs::parse("EPSG:25832").unwrap();
    let c = crs.to_wgs84(Coord { x: 356_000.0, y: 5_645_000.0 }).unwrap();
    close(c, 6.96, 50.94, 0.01);
    let urn = Crs::parse("urn:ogc:def:crs:EPSG::25832").unwrap();
    assert_eq!(urn.to_wgs84(Coord { x: 356_000.0, y: 5_645_000.0 }).unwrap(), c);
}

#[test]
fn koeln_esri_wkt_is_read_from_its_parameters() {
    let wkt = include_str!("../../../../data/demo/koeln/Stadtteil.prj");
    let crs = Crs::parse(wkt).unwrap();
    // Same ellipsoid and central meridian as UTM 32N, shifted false easting 2 500 000.
    let c = crs.to_wgs84(Coord { x: 2_356_000.0, y: 5_645_000.0 }).unwrap();
    let utm = Crs::parse("EPSG:25832").unwrap().to_wgs84(Coord { x: 356_000.0, y: 5_645_000.0 }).unwrap();
    close(c, utm.x, utm.y, 1e-6);
}

#[test]
fn gauss_krueger_and_wgs84_names() {
    let gk = Crs::parse("EPSG:31466").unwrap();
    let c = gk.to_wgs84(Coord { x: 2_567_400.0, y: 5_645_700.0 }).unwrap();
    close(c, 6.958, 50.941, 0.01);
    for name in ["EPSG:4326", "urn:ogc:def:crs:OGC:1.3:CRS84", "WGS84"] {
        let c = Crs::parse(name).unwrap().to_wgs84(Coord { x: 6.9, y: 50.9 }).unwrap();
        close(c, 6.9, 50.9, 1e-9);
    }
}

#[test]
fn unknown_crs_is_an_error() {
    assert!(Crs::parse("EPSG:1").unwrap_err().contains("unknown crs"));
    assert!(Crs::parse("Gauß").unwrap_err().contains("unknown crs"));
}
