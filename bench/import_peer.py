"""The named peer of `bimo demo --no-serve`: the same demo files loaded with GeoPandas.

    bench/.venv/bin/python bench/import_peer.py OUT.gpkg [DATA_DIR]

Reads the three Köln shapefiles (whose .prj is a custom transverse Mercator with a false easting
of 2 500 000 m, so the CRS is built from the .prj's parameters), reprojects them to EPSG:4326 and
dissolves the Stadtbezirke into the city; reads the Köln population statistics, the NRW school
list filtered to Köln (Gemeindeschlüssel 5315000) as points, the Hamburg Stadtteilprofile
(German number format) and the Hamburg Stadtteil polygons; writes everything into one
GeoPackage (an SQLite file): spatial layers through GDAL (pyogrio), tables through sqlite3.
Prints one line per step and the total time.
"""

import re
import sqlite3
import sys
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pyproj import CRS

T0 = time.perf_counter()


def log(msg: str) -> None:
    print(f"{time.perf_counter() - T0:7.3f} s  {msg}", file=sys.stderr)


def tm_crs_from_prj(prj: Path) -> CRS:
    """The custom transverse Mercator of the Köln .prj, from its PARAMETER values."""
    text = prj.read_text()
    params = {k.lower(): float(v) for k, v in re.findall(r'PARAMETER\["([^"]+)",\s*([-\d.]+)\]', text)}
    return CRS.from_proj4(
        "+proj=tmerc +lat_0={lat} +lon_0={lon} +k={k} +x_0={x0} +y_0={y0} +ellps=WGS84 +units=m +no_defs".format(
            lat=params.get("latitude_of_origin", 0.0),
            lon=params["central_meridian"],
            k=params["scale_factor"],
            x0=params["false_easting"],
            y0=params["false_northing"],
        )
    )


def main() -> None:
    out = Path(sys.argv[1])
    data = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parent.parent / "data" / "demo"
    if out.exists():
        out.unlink()
    koeln = data / "koeln"
    layers: dict[str, gpd.GeoDataFrame] = {}
    tables: dict[str, pd.DataFrame] = {}

    # Köln geometry: three shapefiles in a custom TM, to WGS 84.
    for name, key, label in [
        ("Stadtbezirk", "STB_NR", "STB_NAME"),
        ("Stadtteil", "STT_NR", "STT_NAME"),
        ("Stadtviertel", "STV_NR", "STV_NAME"),
    ]:
        gdf = gpd.read_file(koeln / f"{name}.shp")
        gdf = gdf.set_crs(tm_crs_from_prj(koeln / f"{name}.prj"), allow_override=True).to_crs(4326)
        gdf = gdf.rename(columns={key: "key", label: "name"})[["key", "name", "geometry"]]
        gdf["key"] = gdf["key"].astype(str)
        layers[f"koeln_{name.lower()}"] = gdf
        log(f"koeln {name}: {len(gdf)} areas")
    stadt = layers["koeln_stadtbezirk"].dissolve().assign(key="000", name="Stadt Köln")[["key", "name", "geometry"]]
    layers["koeln_stadt"] = stadt
    log("koeln Stadt: dissolved the Stadtbezirke")

    # Köln population, long format.
    bev = pd.read_csv(koeln / "bevoelkerung.csv", dtype={"tab_id": str, "raum_id": str, "zei_id": str})
    tables["koeln_bevoelkerung"] = bev
    log(f"koeln bevoelkerung: {len(bev)} rows")

    # NRW schools, Köln only, as points.
    schools = pd.read_csv(next((data / "nrw-schulen").glob("AS_BS_Verzeichnis_*Koordinaten*.csv")), low_memory=False)
    schools = schools[schools["Amtlicher Gemeindeschlüssel"] == 5315000]
    schools = gpd.GeoDataFrame(schools, geometry=gpd.points_from_xy(schools["longitude"], schools["latitude"]), crs=4326)
    layers["koeln_schulen"] = schools
    log(f"koeln schulen: {len(schools)} schools")

    # Hamburg: Stadtteilprofile (";", decimal comma, space as thousands separator, "." = no data).
    hh = data / "hamburg"
    profile = pd.read_csv(
        hh / "Daten_fuer_die_Stadtteilprofile_2014.csv",
        sep=";",
        decimal=",",
        thousands=" ",
        na_values=["."],
        skipinitialspace=True,
        encoding="utf-8-sig",
    )
    profile.columns = [c.strip() for c in profile.columns]
    profile["Stadtgebiet"] = profile["Stadtgebiet"].str.strip()
    tables["hamburg_stadtteilprofile"] = profile
    log(f"hamburg stadtteilprofile: {len(profile)} rows, {len(profile.columns)} columns")
    hgeo = gpd.read_file(hh / "hamburg.geojson").to_crs(4326)
    layers["hamburg_stadtteil"] = hgeo[["name", "geometry"]]
    log(f"hamburg geometry: {len(hgeo)} areas")

    # One GeoPackage: layers through GDAL, then the plain tables into the same SQLite file.
    for name, gdf in layers.items():
        gdf.to_file(out, layer=name, driver="GPKG", engine="pyogrio")
    with sqlite3.connect(out) as con:
        for name, df in tables.items():
            df.to_sql(name, con, index=False)
    log(f"wrote {len(layers)} layers and {len(tables)} tables to {out} ({out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
