"""Peer of bench/aggregate.sh: the same three tables from the same Parquet records, in DuckDB SQL or
in Polars, written as CSV; and the comparison of bimo's published cells with a peer's counts.

    python aggregate_peer.py duckdb DATA OUT      # OUT/schueler.csv, OUT/uebergaenge.csv, OUT/kita.csv
    python aggregate_peer.py polars DATA OUT
    python aggregate_peer.py compare RELEASE/tabellen.csv OUT LAYER

The tables (school year 2024/25, residence summed from the Stadtviertel to LAYER through
DATA/gebiete.csv): pupils by area × Schulform × grade × sex; grade-4 (2023) → grade-5 (2024)
transitions by area × target Schulform, linked by pseudonym; Kita children (2024) by area × age.
The peers check nothing (duplicates, ranges, unknown areas) and protect nothing; bimo does both.
"""

import csv
import sys
import time

YEAR = 2024


def layer_map(data, layer):
    """Stadtviertel key -> key of its area on `layer`."""
    rows = list(csv.DictReader(open(f"{data}/gebiete.csv", encoding="utf-8"), delimiter=";"))
    parent = {r["schluessel"]: r["oberschluessel"] for r in rows}
    level = {r["schluessel"]: r["ebene"] for r in rows}
    out = {}
    for key, lvl in level.items():
        if lvl != "stadtviertel":
            continue
        at = key
        while level[at] != layer:
            at = parent[at]
        out[key] = at
    return out


def run_duckdb(data, out, layer):
    import duckdb

    con = duckdb.connect()
    areas = layer_map(data, layer)
    con.execute("CREATE TABLE g (viertel VARCHAR, gebiet VARCHAR)")
    con.executemany("INSERT INTO g VALUES (?, ?)", list(areas.items()))
    s, k = f"read_parquet('{data}/schueler.parquet')", f"read_parquet('{data}/kita.parquet')"
    con.execute(
        f"COPY (SELECT g.gebiet, schulform, klasse, geschlecht, count(*) AS anzahl FROM {s} s "
        f"JOIN g ON s.wohngebiet = g.viertel WHERE schuljahr = {YEAR} GROUP BY ALL) "
        f"TO '{out}/schueler.csv' (HEADER, DELIMITER ';')"
    )
    con.execute(
        f"COPY (SELECT g.gebiet, b.schulform AS ziel_schulform, count(*) AS anzahl FROM {s} a "
        f"JOIN {s} b ON a.pseudonym = b.pseudonym JOIN g ON a.wohngebiet = g.viertel "
        f"WHERE a.schuljahr = {YEAR - 1} AND a.klasse = 4 AND b.schuljahr = {YEAR} AND b.klasse = 5 GROUP BY ALL) "
        f"TO '{out}/uebergaenge.csv' (HEADER, DELIMITER ';')"
    )
    con.execute(
        f"COPY (SELECT g.gebiet, alter, count(*) AS anzahl FROM {k} k JOIN g ON k.wohngebiet = g.viertel "
        f"WHERE jahr = {YEAR} GROUP BY ALL) TO '{out}/kita.csv' (HEADER, DELIMITER ';')"
    )


def run_polars(data, out, layer):
    import polars as pl

    areas = layer_map(data, layer)
    g = pl.LazyFrame({"wohngebiet": list(areas.keys()), "gebiet": list(areas.values())})
    s = pl.scan_parquet(f"{data}/schueler.parquet")
    k = pl.scan_parquet(f"{data}/kita.parquet")
    pupils = (
        s.filter(pl.col("schuljahr") == YEAR)
        .join(g, on="wohngebiet")
        .group_by("gebiet", "schulform", "klasse", "geschlecht")
        .agg(pl.len().alias("anzahl"))
    )
    a = s.filter((pl.col("schuljahr") == YEAR - 1) & (pl.col("klasse") == 4)).select("pseudonym", "wohngebiet")
    b = s.filter((pl.col("schuljahr") == YEAR) & (pl.col("klasse") == 5)).select(
        "pseudonym", pl.col("schulform").alias("ziel_schulform")
    )
    flows = a.join(b, on="pseudonym").join(g, on="wohngebiet").group_by("gebiet", "ziel_schulform").agg(
        pl.len().alias("anzahl")
    )
    kita = (
        k.filter(pl.col("jahr") == YEAR)
        .join(g, on="wohngebiet")
        .group_by("gebiet", "alter")
        .agg(pl.len().alias("anzahl"))
    )
    frames = pl.collect_all([pupils, flows, kita])
    for name, frame in zip(["schueler", "uebergaenge", "kita"], frames):
        frame.write_csv(f"{out}/{name}.csv", separator=";")


def compare(release, out):
    """Every published leaf cell of bimo's release equals the peer's count (0 if the peer has none)."""
    peer = {}
    spec = {
        "schueler": ("schueler", ["schulform", "klasse", "geschlecht"]),
        "uebergaenge": ("uebergaenge_5", ["ziel_schulform"]),
        "kita": ("kitakinder", ["alter"]),
    }
    for name, (variable, dims) in spec.items():
        for r in csv.DictReader(open(f"{out}/{name}.csv", encoding="utf-8"), delimiter=";"):
            peer[(variable, r["gebiet"], tuple(r[d] for d in dims))] = int(r["anzahl"])
    checked = withheld = 0
    areas = {key[1] for key in peer}
    for r in csv.DictReader(open(release, encoding="utf-8"), delimiter=";"):
        variable = r["merkmal"]
        dims = spec[[n for n, (v, _) in spec.items() if v == variable][0]][1]
        codes = tuple(r[d] for d in dims)
        if r["gebiet"] not in areas or "" in codes:
            continue
        if r["anzahl"] == ".":
            withheld += 1
            continue
        expected = peer.get((variable, r["gebiet"], codes), 0)
        if int(r["anzahl"]) != expected:
            print(f"MATCH=no {variable} {r['gebiet']} {codes}: bimo {r['anzahl']}, peer {expected}")
            return
        checked += 1
    print(f"MATCH=yes {checked} published leaf cells equal, {withheld} withheld")


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        start = time.perf_counter()
        (run_duckdb if what == "duckdb" else run_polars)(sys.argv[2], sys.argv[3], sys.argv[4])
        print(f"{what.upper()}_MS={(time.perf_counter() - start) * 1000:.0f}")
