"""Peer of bench/aggregate.sh: the same three tables from the same Parquet records, in DuckDB SQL or
in Polars, written as CSV; and the comparison of bimo's published cells with a peer's counts.

    python aggregate_peer.py duckdb DATA OUT      # OUT/schueler.csv, OUT/uebergaenge.csv, OUT/kita.csv
    python aggregate_peer.py polars DATA OUT
    python aggregate_peer.py duckdb-checked|polars-checked DATA OUT   # with bimo's checks first
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


# The checks bimo makes on the records of the years a run reads: every value present (but the
# nullable columns) and in range, every residence area known, each person once a year; and the
# linkage report of the grade-4 and grade-5 records. `duckdb-checked` and `polars-checked` make them
# too, in passes like bimo's (one grouped by area, one by person), and fail on a finding.
PUPIL_COLUMNS = ["pseudonym", "schuljahr", "schule", "klasse", "schulform", "wohngebiet", "geschlecht",
                 "geburtsjahr", "familiensprache_nicht_deutsch", "neuzugewandert", "wiederholer"]
KITA_COLUMNS = ["pseudonym", "jahr", "kita", "alter", "betreuungsstunden", "wohngebiet"]
RANGES = {"klasse": (1, 13), "alter": (0, 7), "betreuungsstunden": (1, 60)}


def linkage(grades):
    """(grade the year before, grade in the year, persons) -> {(side, status): records}."""
    out = {}
    for before, after, n in grades:
        if before == 4:
            status = ("ohne Datensatz" if after is None else "verknüpft" if after == 5
                      else "wiederholt" if after == 4 else "andere Klasse")
            out[("Klasse 4", status)] = out.get(("Klasse 4", status), 0) + n
        if after == 5:
            status = "ohne Datensatz" if before is None else "verknüpft" if before == 4 else "andere Klasse"
            out[("Klasse 5", status)] = out.get(("Klasse 5", status), 0) + n
    return out


def check_duckdb(con, data, areas):
    s, k = f"read_parquet('{data}/schueler.parquet')", f"read_parquet('{data}/kita.parquet')"
    for source, columns, year, years in [(s, PUPIL_COLUMNS, "schuljahr", [YEAR - 1, YEAR]),
                                         (k, KITA_COLUMNS, "jahr", [YEAR])]:
        in_years = f"{year} IN ({', '.join(map(str, years))})"
        bad = [f"{c} IS NULL" + (f" OR {c} NOT BETWEEN {RANGES[c][0]} AND {RANGES[c][1]}" if c in RANGES else "")
               for c in columns]
        rows = con.execute(
            f"SELECT wohngebiet, {', '.join(f'count(*) FILTER (WHERE {b})' for b in bad)} FROM {source} "
            f"WHERE {in_years} OR {year} IS NULL GROUP BY 1").fetchall()
        assert all(sum(r[1:]) == 0 for r in rows), "a value is missing or out of range"
        assert all(r[0] in areas for r in rows), "an unknown area"
        per_year = [f"count(*) FILTER (WHERE {year} = {y}) AS n{i}" for i, y in enumerate(years)]
        twice = " OR ".join(f"n{i} > 1" for i in range(len(years)))
        if source == s:
            per_year += [f"max(klasse) FILTER (WHERE {year} = {y}) AS k{i}" for i, y in enumerate(years)]
            rows = con.execute(f"SELECT {twice}, k0, k1, count(*) FROM (SELECT pseudonym, {', '.join(per_year)} "
                               f"FROM {source} WHERE {in_years} GROUP BY 1) GROUP BY ALL").fetchall()
            assert linkage([r[1:] for r in rows if not r[0]])
        else:
            rows = con.execute(f"SELECT {twice}, count(*) FROM (SELECT pseudonym, {', '.join(per_year)} "
                               f"FROM {source} WHERE {in_years} GROUP BY 1) GROUP BY ALL").fetchall()
        assert not any(r[0] for r in rows), "a person twice in one year"


def check_polars(pl, data, areas):
    for name, columns, year, years in [("schueler", PUPIL_COLUMNS, "schuljahr", [YEAR - 1, YEAR]),
                                       ("kita", KITA_COLUMNS, "jahr", [YEAR])]:
        frame = pl.scan_parquet(f"{data}/{name}.parquet").filter(
            pl.col(year).is_in(years) | pl.col(year).is_null())
        bad = [pl.col(c).is_null() | (~pl.col(c).is_between(*RANGES[c]) if c in RANGES else pl.lit(False))
               for c in columns]
        by_area = frame.group_by("wohngebiet").agg([b.sum().alias(f"b{i}") for i, b in enumerate(bad)])
        aggs = [(pl.col(year) == y).sum().alias(f"n{i}") for i, y in enumerate(years)]
        if name == "schueler":
            aggs += [pl.col("klasse").filter(pl.col(year) == y).max().alias(f"k{i}") for i, y in enumerate(years)]
        twice = pl.any_horizontal([pl.col(f"n{i}") > 1 for i in range(len(years))]).alias("twice")
        keys = ["twice"] + (["k0", "k1"] if name == "schueler" else [])
        by_person = (frame.filter(pl.col(year).is_in(years)).group_by("pseudonym").agg(aggs)
                     .with_columns(twice).group_by(keys).agg(pl.len().alias("n")))
        area_rows, person_rows = pl.collect_all([by_area, by_person])
        assert area_rows.drop("wohngebiet").sum_horizontal().sum() == 0, "a value is missing or out of range"
        assert all(a in areas for a in area_rows["wohngebiet"]), "an unknown area"
        assert not person_rows["twice"].any(), "a person twice in one year"
        if name == "schueler":
            assert linkage(list(zip(person_rows["k0"], person_rows["k1"], person_rows["n"])))


def run_duckdb(data, out, layer, checked=False):
    import duckdb

    con = duckdb.connect()
    areas = layer_map(data, layer)
    if checked:
        check_duckdb(con, data, areas)
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


def run_polars(data, out, layer, checked=False):
    import polars as pl

    areas = layer_map(data, layer)
    if checked:
        check_polars(pl, data, areas)
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
        run = run_duckdb if what.startswith("duckdb") else run_polars
        run(sys.argv[2], sys.argv[3], sys.argv[4], checked=what.endswith("-checked"))
        print(f"{what.upper()}_MS={(time.perf_counter() - start) * 1000:.0f}")
