"""Peer of `bimo indicators`: the same catalogue indicators computed with SQL in DuckDB.

Reads the input tables that `bimo indicators --export-inputs DIR` wrote (observations, areas,
variables, institution terms), translates every definition of the catalogue into SQL (one
SELECT per definition, all of them one UNION ALL query), times that query alone (tables already
loaded), and compares its result with bimo's CSV: same rows, same reported/not reported, the
same reason class, and numerator, denominator and value equal to 1e-9 (relative).

    python indicators_peer.py INPUT_DIR CATALOGUE.toml BIMO.csv [RUNS]
"""

import math
import statistics
import sys
import time
import tomllib

import duckdb

AREA_KM2 = "flaeche_km2"


def split_terms(text):
    """Signed terms of an expression, split at + and - outside brackets."""
    terms, depth, sign, start = [], 0, 1, 0
    text = text.strip()
    if text.startswith("-"):
        sign, start = -1, 1
    for i, c in enumerate(text):
        if c in "[(":
            depth += 1
        elif c in "])":
            depth -= 1
        elif c in "+-" and depth == 0 and i >= start and i > 0 and text[start:i].strip():
            terms.append((sign, text[start:i].strip()))
            sign, start = (1 if c == "+" else -1), i + 1
    terms.append((sign, text[start:].strip()))
    return [(s, parse_term(t)) for s, t in terms]


def parse_term(t):
    if t[0].isdigit():
        return ("number", float(t))
    if t.startswith("einrichtungen"):
        rest = t[len("einrichtungen"):]
        attribute, filters = None, []
        if rest.startswith("."):
            attribute = rest[1:].split("(")[0].strip()
            rest = rest[1 + len(rest[1:].split("(")[0]):]
        if rest.startswith("("):
            for part in rest.strip()[1:-1].split(";"):
                k, v = part.split("=", 1)
                filters.append((k.strip(), v.strip()))
        key = "einrichtungen" + (f".{attribute}" if attribute else "")
        if filters:
            key += "(" + ";".join(f"{k}={v}" for k, v in filters) + ")"
        return ("institutions", key)
    name, _, sel = t.partition("[")
    name = name.strip()
    if not sel:
        return ("series", name, None)
    parts = [p for p in sel.rstrip("]").split(";")]
    if len(parts) != 1:
        raise NotImplementedError(f"more than one selector: {t}")
    dim, value = (x.strip() for x in parts[0].split("=", 1))
    if ".." in value:
        lo, hi = value.split("..")
        return ("range", name, dim, int(lo), int(hi) if hi.strip() else None)
    return ("series", name, f"{dim}={value}")


def q(s):
    return "'" + s.replace("'", "''") + "'"


def definition_sql(d, n):
    """One SELECT giving every row of definition `d` (its CTE names are suffixed with n)."""
    num = split_terms(d["numerator"])
    den = split_terms(d["denominator"]) if "denominator" in d else None
    terms = num + (den or [])
    variables = sorted({t[1] for _, t in terms if t[0] in ("series", "range")})
    period_vars = [v for v in variables if v != AREA_KM2]
    uses_inst = any(t[0] == "institutions" for _, t in terms)
    ctes, joins = [], []
    # Kommunen that can feed the definition.
    conds = [f"EXISTS (SELECT 1 FROM variables v WHERE v.kommune = k.kommune AND v.variable = {q(v)})"
             for v in period_vars]
    if uses_inst:
        conds.append("k.kommune IN (SELECT kommune FROM inst_kommunen)")
    ctes.append(f"k{n} AS (SELECT kommune FROM kommunen k WHERE {' AND '.join(conds) or 'true'})")
    # Periods every variable has; layers on which every variable has data.
    if period_vars:
        per = " INTERSECT ".join(f"SELECT kommune, period FROM var_periods WHERE variable = {q(v)}" for v in period_vars)
        lay = " INTERSECT ".join(f"SELECT kommune, layer FROM var_layers WHERE variable = {q(v)}" for v in period_vars)
    else:
        per = "SELECT kommune, NULL::VARCHAR AS period FROM kommunen"
        lay = "SELECT DISTINCT kommune, layer FROM areas"
    ctes.append(f"p{n} AS ({per})")
    ctes.append(f"l{n} AS ({lay})")
    ctes.append(
        f"""s{n} AS (
        SELECT a.kommune, a.layer, a.release, a.area, p.period, a.area_km2
        FROM k{n} JOIN l{n} l ON l.kommune = k{n}.kommune JOIN p{n} p ON p.kommune = l.kommune
        JOIN versions v ON v.kommune = l.kommune AND v.layer = l.layer
             AND (p.period IS NULL OR ((v.valid_from IS NULL OR v.valid_from <= year_of(p.period))
                                       AND (v.valid_to IS NULL OR year_of(p.period) <= v.valid_to)))
        JOIN areas a ON a.kommune = v.kommune AND a.layer = v.layer AND a.release = v.release
        QUALIFY v.release = max(v.release) OVER (PARTITION BY a.kommune, a.layer, p.period))""")
    exprs = []
    for which, expr in (("num", num), ("den", den)):
        if expr is None:
            exprs.append("NULL::DOUBLE")
            continue
        parts = []
        for i, (sign, t) in enumerate(expr):
            alias = f"t{n}_{which}{i}"
            if t[0] == "number":
                v = repr(t[1])
            elif t[0] == "institutions":
                joins.append(f"LEFT JOIN inst_terms {alias} ON {alias}.kommune = s.kommune AND {alias}.layer = s.layer "
                             f"AND {alias}.release = s.release AND {alias}.area = s.area AND {alias}.term = {q(t[1])}")
                v = f"{alias}.value"
            elif t[0] == "series" and t[1] == AREA_KM2 and t[2] is None:
                v = "s.area_km2"
            elif t[0] == "series":
                joins.append(f"LEFT JOIN resolved {alias} ON {alias}.kommune = s.kommune AND {alias}.layer = s.layer "
                             f"AND {alias}.area = s.area AND {alias}.period = s.period "
                             f"AND {alias}.variable = {q(t[1])} AND {alias}.breakdown = {q(t[2] or '')}")
                v = f"{alias}.value"
            else:
                _, var, dim, lo, hi = t
                hi_sql = "NULL" if hi is None else str(hi)
                inside = f"lo >= {lo} AND " + ("true" if hi is None else f"hi IS NOT NULL AND hi <= {hi}")
                # The bands inside the range must tile it exactly.
                ctes.append(f"""b{alias} AS (
                    SELECT kommune, breakdown, lo, hi,
                           lag(hi) OVER (PARTITION BY kommune ORDER BY lo) AS prev,
                           min(lo) OVER (PARTITION BY kommune) AS minlo, max(lo) OVER (PARTITION BY kommune) AS maxlo
                    FROM bands WHERE variable = {q(var)} AND dim = {q(dim)} AND {inside})""")
                ctes.append(f"""c{alias} AS (
                    SELECT kommune, count(*) AS n FROM b{alias} GROUP BY kommune
                    HAVING bool_and(CASE WHEN lo = minlo THEN lo = {lo} ELSE lo IS NOT DISTINCT FROM prev END)
                       AND bool_or(lo = maxlo AND hi IS NOT DISTINCT FROM {hi_sql}))""")
                ctes.append(f"""v{alias} AS (
                    SELECT r.kommune, r.layer, r.area, r.period,
                           CASE WHEN count(r.value) = any_value(c.n) THEN sum(r.value) END AS value
                    FROM resolved r JOIN b{alias} b ON b.kommune = r.kommune AND b.breakdown = r.breakdown
                    JOIN c{alias} c ON c.kommune = r.kommune
                    WHERE r.variable = {q(var)} GROUP BY ALL)""")
                joins.append(f"LEFT JOIN v{alias} {alias} ON {alias}.kommune = s.kommune AND {alias}.layer = s.layer "
                             f"AND {alias}.area = s.area AND {alias}.period = s.period")
                v = f"{alias}.value"
            parts.append(("-" if sign < 0 else ("+" if parts else "")) + f" {v}")
        exprs.append("(" + " ".join(parts) + ")")
    num_sql, den_sql = exprs
    factor = float(d.get("factor", 1))
    minimum = float(d.get("min_denominator", 0))
    proportion = d["kind"] == "proportion"
    if den is None:
        body = f"""SELECT *, CASE WHEN z IS NULL THEN 'gap' END AS grund,
                   z * {factor!r} AS wert FROM x{n}"""
    else:
        body = f"""SELECT *, CASE WHEN z IS NULL OR nn IS NULL THEN 'gap' WHEN nn <= 0 THEN 'zero'
                   WHEN nn < {minimum!r} THEN 'below' {f"WHEN z > nn THEN 'exceeds'" if proportion else ''} END AS grund,
                   {factor!r} * z / nn AS wert FROM x{n}"""
    ctes.append(f"""x{n} AS (SELECT s.kommune, s.layer, s.area, s.period, {num_sql} AS z, {den_sql} AS nn
        FROM s{n} s {' '.join(joins)})""")
    sql = f"""SELECT {q(d['key'])} AS indikator, kommune, layer, area, coalesce(period, '') AS period,
              CASE WHEN grund IS NULL THEN z END AS zaehler, CASE WHEN grund IS NULL THEN nn END AS nenner,
              CASE WHEN grund IS NULL THEN wert END AS wert, grund FROM ({body})"""
    return ctes, sql


def setup(con, inputs):
    con.execute(f"""
        CREATE TABLE obs AS SELECT * FROM read_csv('{inputs}/observations.csv', header = true, all_varchar = true,
            columns = {{'kommune': 'VARCHAR', 'layer': 'VARCHAR', 'area': 'VARCHAR', 'variable': 'VARCHAR',
                        'period': 'VARCHAR', 'breakdown': 'VARCHAR', 'value': 'DOUBLE', 'symbol': 'VARCHAR'}});
        CREATE TABLE areas AS SELECT * FROM read_csv('{inputs}/areas.csv', header = true,
            columns = {{'kommune': 'VARCHAR', 'layer': 'VARCHAR', 'parent_layer': 'VARCHAR', 'release': 'BIGINT',
                        'valid_from': 'INTEGER', 'valid_to': 'INTEGER', 'area': 'VARCHAR', 'parent': 'VARCHAR',
                        'area_km2': 'DOUBLE'}});
        CREATE TABLE variables AS SELECT * FROM read_csv('{inputs}/variables.csv', header = true,
            columns = {{'kommune': 'VARCHAR', 'variable': 'VARCHAR', 'additive': 'BOOLEAN'}});
        CREATE TABLE inst_terms AS SELECT * FROM read_csv('{inputs}/institution_terms.csv', header = true,
            columns = {{'kommune': 'VARCHAR', 'layer': 'VARCHAR', 'release': 'BIGINT', 'area': 'VARCHAR',
                        'term': 'VARCHAR', 'value': 'DOUBLE'}});
        UPDATE obs SET breakdown = '' WHERE breakdown IS NULL;
        CREATE MACRO year_of(p) AS CAST(split_part(p, '/', 1) AS INTEGER);
    """)


def build_query(catalogue, levels):
    ctes = [
        "kommunen AS (SELECT DISTINCT kommune FROM areas)",
        "inst_kommunen AS (SELECT DISTINCT kommune FROM inst_terms)",
        "var_periods AS (SELECT DISTINCT kommune, variable, period FROM obs)",
        "var_layers AS (SELECT DISTINCT kommune, variable, layer FROM obs)",
        "versions AS (SELECT DISTINCT kommune, layer, release, valid_from, valid_to FROM areas)",
        # Age bands (and any other range dimension) parsed from the single-dimension breakdowns.
        r"""bands AS MATERIALIZED (
            SELECT kommune, variable, breakdown, dim, lo, hi FROM (
              SELECT DISTINCT kommune, variable, breakdown, split_part(breakdown, '=', 1) AS dim,
                     trim(substr(breakdown, strpos(breakdown, '=') + 1)) AS cat FROM obs
              WHERE breakdown <> '' AND NOT contains(breakdown, ';')),
            LATERAL (SELECT
              CASE WHEN regexp_matches(cat, '^unter (\d+)$') THEN 0
                   WHEN regexp_matches(cat, '^(\d+)\s*(und älter|und mehr|\+|Jahre und älter)$')
                     THEN CAST(regexp_extract(cat, '^(\d+)', 1) AS INTEGER)
                   WHEN regexp_matches(cat, '^(\d+)\s*(bis unter|-\s*<)\s*(\d+)$')
                     THEN CAST(regexp_extract(cat, '^(\d+)', 1) AS INTEGER) END AS lo,
              CASE WHEN regexp_matches(cat, '^unter (\d+)$') THEN CAST(regexp_extract(cat, '(\d+)$', 1) AS INTEGER)
                   WHEN regexp_matches(cat, '^(\d+)\s*(bis unter|-\s*<)\s*(\d+)$')
                     THEN CAST(regexp_extract(cat, '(\d+)$', 1) AS INTEGER) END AS hi)
            WHERE lo IS NOT NULL AND (hi IS NULL OR hi > lo))""",
        # Stored cells (a symbol has no value), then counts summed from complete child areas
        # where an area has no cell of its own, one hierarchy level per step.
        "r0 AS (SELECT kommune, layer, area, variable, period, breakdown, value FROM obs)",
    ]
    for i in range(1, levels):
        ctes.append(f"""r{i} AS (
            SELECT * FROM r{i-1} UNION ALL
            SELECT p.kommune, p.layer, p.area, c.variable, c.period, c.breakdown, sum(c.value)
            FROM areas p
            JOIN (SELECT kommune, layer, parent, count(*) AS n FROM newest_areas GROUP BY ALL) kids
              ON kids.kommune = p.kommune AND kids.parent = p.area
            JOIN newest_areas ch ON ch.kommune = p.kommune AND ch.parent = p.area AND ch.layer = kids.layer
            JOIN r{i-1} c ON c.kommune = ch.kommune AND c.layer = ch.layer AND c.area = ch.area
            JOIN variables v ON v.kommune = c.kommune AND v.variable = c.variable AND v.additive
            WHERE ch.parent_layer = p.layer
              AND NOT EXISTS (SELECT 1 FROM r{i-1} o WHERE o.kommune = p.kommune AND o.layer = p.layer
                              AND o.area = p.area AND o.variable = c.variable AND o.period = c.period
                              AND o.breakdown = c.breakdown)
            GROUP BY p.kommune, p.layer, p.area, c.variable, c.period, c.breakdown, kids.n
            HAVING count(c.value) = kids.n)""")
    ctes.insert(5, """newest_areas AS (SELECT * FROM areas
            QUALIFY release = max(release) OVER (PARTITION BY kommune, layer))""")
    ctes.append(f"resolved AS MATERIALIZED (SELECT * FROM r{levels - 1})")
    selects = []
    for n, d in enumerate(catalogue):
        c, s = definition_sql(d, n)
        ctes.extend(c)
        selects.append(s)
    return "WITH " + ",\n".join(ctes) + "\n" + "\nUNION ALL\n".join(selects)


def reason_class(text):
    if not text:
        return None
    if "Nenner ist null" in text:
        return "zero"
    if "unter dem Mindestwert" in text:
        return "below"
    if "größer als" in text:
        return "exceeds"
    return "gap"


def main():
    inputs, catalogue_file, bimo_csv = sys.argv[1:4]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    with open(catalogue_file, "rb") as f:
        catalogue = tomllib.load(f)["indikator"]
    con = duckdb.connect()
    setup(con, inputs)
    levels = con.execute("SELECT count(DISTINCT layer) FROM areas GROUP BY kommune ORDER BY 1 DESC LIMIT 1").fetchone()[0]
    sql = build_query(catalogue, levels)
    times, rows = [], None
    for _ in range(runs):
        started = time.perf_counter()
        rows = con.execute(sql).fetchall()
        times.append(time.perf_counter() - started)
    print(f"duckdb {duckdb.__version__}: {len(rows)} rows, {sum(r[7] is not None for r in rows)} reported; "
          f"query times ms: {' '.join(f'{t * 1e3:.1f}' for t in times)}")
    peer = {(r[1], r[0], r[2], r[3], r[4]): r for r in rows}
    if len(peer) != len(rows):
        sys.exit("the SQL result has duplicate rows")
    bimo = {}
    with open(bimo_csv, encoding="utf-8") as f:
        header = f.readline()
        assert header.startswith("kommune;indikator;ebene;gebiet;zeitraum;wert")
        import csv
        for rec in csv.reader(f, delimiter=";"):
            k, ind, layer, area, period, wert, _lo, _hi, z, nn, grund = rec
            num = lambda s: float(s) if s else None  # noqa: E731
            bimo[(k, ind, layer, area, period)] = (num(wert), num(z), num(nn), reason_class(grund))
    problems = []
    for key in sorted(set(bimo) - set(peer))[:5]:
        problems.append(f"only bimo: {key}")
    for key in sorted(set(peer) - set(bimo))[:5]:
        problems.append(f"only DuckDB: {key}")
    missing = len(set(bimo) ^ set(peer))
    close = lambda a, b: (a is None and b is None) or (  # noqa: E731
        a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12))
    differing = 0
    for key in set(bimo) & set(peer):
        wert, z, nn, grund = bimo[key]
        r = peer[key]
        if not (close(wert, r[7]) and close(z, r[5]) and close(nn, r[6]) and grund == r[8]):
            differing += 1
            if differing <= 5:
                problems.append(f"differs {key}: bimo {bimo[key]} DuckDB {(r[7], r[5], r[6], r[8])}")
    print(f"compared: bimo {len(bimo)} rows, DuckDB {len(peer)} rows, {missing} in only one, {differing} differing")
    for p in problems:
        print("  " + p)
    print(f"DUCKDB_MEDIAN_MS={statistics.median(times) * 1e3:.3f}")
    print(f"MATCH={'yes' if not problems else 'no'}")


if __name__ == "__main__":
    main()
