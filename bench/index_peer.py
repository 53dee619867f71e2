"""The peer of bench/index.sh: the composite index of an index configuration computed end to end in
DuckDB SQL (read the CSV, z-scores with the population SD, weighted sum, re-standardised, classes at
the configured cuts, combined code, written to a CSV), the synthetic input it runs on, and the
comparison of its result with bimo's.

    index_peer.py generate CONFIG.toml SOURCE.csv AREAS SEED OUT.csv
    index_peer.py run CONFIG.toml INPUT.csv OUTPUT.csv
    index_peer.py compare CONFIG.toml BIMO.csv DUCKDB.csv
    index_peer.py sensitivity CONFIG.toml INPUT.csv OUTPUT.csv
    index_peer.py compare-sensitivity BIMO.csv NUMPY.csv

Only the method the Berlin MSS uses is translated (normalisation `zscore_population`, aggregation
`sum`, `restandardise = true`, `cuts`); any other configuration is refused rather than computed
differently.

`sensitivity` is the NumPy peer of `bimo index --sensitivity`: the configuration's [sensitivity]
table (normalisations drawn from z-scores, min–max and ranks, weights moved by up to ±spread, one
indicator left out) as a loop over the runs with NumPy arrays. Its generator is not bimo's ChaCha8,
so the runs differ: only the time and the base ranks (rank 1 = highest index) can be compared.
"""

import sys
import time
import tomllib

import duckdb
import numpy as np
import pandas as pd


def load(config_path):
    with open(config_path, "rb") as f:
        config = tomllib.load(f)
    for part in config["index"]:
        method = (part["normalisation"], part.get("aggregation", "sum"), part.get("restandardise", False))
        if method != ("zscore_population", "sum", True) or "cuts" not in part:
            sys.exit(f"index {part['key']}: the peer translates only zscore_population, sum, restandardise, cuts")
    return config


def columns(config):
    """Every input column the configuration reads, in order: indicator columns of each index."""
    return [c for part in config["index"] for c in part["columns"]]


def generate(config_path, source, areas, seed, out):
    """`areas` rows made of copies of the source's rows, with the columns the configuration reads:
    fresh ids (the source id followed by the copy number), each indicator multiplied by a factor
    from [0.95, 1.05] and the inhabitants by one from [0.5, 1.5] (so that some areas fall below the
    minimum population), all drawn with `seed`."""
    config = load(config_path)
    config_columns = columns(config)
    population = config.get("population", [])
    id_name = [config["id"], *([config["name"]] if "name" in config else [])]
    base = pd.read_csv(source, dtype={config["id"]: str}, usecols=[*id_name, *population, *config_columns])
    base = base[[*id_name, *population, *config_columns]]
    copies = -(-areas // len(base))
    rng = np.random.default_rng(seed)
    big = pd.concat([base] * copies, ignore_index=True).iloc[:areas].copy()
    copy = np.arange(len(big)) // len(base)
    big[config["id"]] = big[config["id"]] + pd.Series(copy).map("{:05d}".format)
    if "name" in config:
        big[config["name"]] = big[config["name"]] + " " + pd.Series(copy).astype(str)
    for p in population:
        big[p] = np.rint(big[p] * rng.uniform(0.5, 1.5, len(big))).astype(np.int64)
    for c in config_columns:
        big[c] = (big[c] * rng.uniform(0.95, 1.05, len(big))).round(5)
    big.to_csv(out, index=False)
    print(f"{len(big)} areas ({copies} copies of {len(base)}), seed {seed}: {out}")


def sql(config, header, input_path, output_path):
    """The whole computation as one COPY statement; `header` names the input's columns in order."""
    q = lambda s: "'" + str(s).replace("'", "''") + "'"  # noqa: E731
    ident = lambda s: '"' + s.replace('"', '""') + '"'  # noqa: E731
    key, name, population = config["id"], config.get("name"), config.get("population", [])
    values = columns(config)
    numeric = set(values + population)
    types = {c: "DOUBLE" if c in numeric else "VARCHAR" for c in header}
    reason = ["CASE"]
    for e in config.get("exclude", []):
        reason.append(f"WHEN {ident(key)} = {q(e['id'])} THEN {q(e['reason'])}")
    reason.append(f"WHEN {' AND '.join(f'{ident(c)} IS NULL' for c in values)} THEN 'keine Daten in dieser Ausgabe'")
    if "min_population" in config and population:
        smallest = f"least({', '.join(ident(p) for p in population)})"
        reason.append(
            f"WHEN {smallest} < {config['min_population']} "
            f"THEN 'weniger als {config['min_population']} Einwohner (' || {smallest} || ')'"
        )
    reason.append("END")
    z, summe, index, klasse, out = [], [], [], [], []
    for part in config["index"]:
        k = part["key"]
        for c in part["columns"]:
            z.append(
                f"({ident(c)} - avg({ident(c)}) OVER ()) / stddev_pop({ident(c)}) OVER () AS {ident(k + '_z_' + c)}"
            )
        summe.append(
            " + ".join(f"({w}) * {ident(k + '_z_' + c)}" for c, w in part["columns"].items())
            + f" AS {ident(k + '_summe')}"
        )
        s = ident(k + "_summe")
        index.append(f"({s} - avg({s}) OVER ()) / stddev_pop({s}) OVER () AS {ident(k + '_index')}")
        i, cuts, classes = ident(k + "_index"), part["cuts"], part["classes"]
        # A value on a cut belongs to the lower class, except on the first cut.
        case = [f"WHEN {i} < {cuts[0]} THEN {q(classes[0])}"]
        case += [f"WHEN {i} <= {cut} THEN {q(label)}" for cut, label in zip(cuts[1:], classes[1:])]
        klasse.append(f"CASE {' '.join(case)} ELSE {q(classes[-1])} END AS {ident(k + '_klasse')}")
        out += [f"{ident(c)} AS {ident(k + '_wert_' + c)}" for c in part["columns"]]
        out += [ident(k + "_z_" + c) for c in part["columns"]]
        out += [s, i, ident(k + "_klasse")]
    combined = config.get("combined") or "{" + config["index"][0]["key"] + "}"
    code = q(combined)
    for part in config["index"]:
        code = f"replace({code}, {q('{' + part['key'] + '}')}, {ident(part['key'] + '_klasse')})"
    type_list = ", ".join(f"{q(c)}: {q(t)}" for c, t in types.items())
    return f"""
COPY (
    WITH src AS (
        SELECT {ident(key)}, {ident(name) if name else "''"} AS name, {', '.join(ident(c) for c in population + values)},
            {' '.join(reason)} AS ausgeschlossen
        FROM read_csv({q(input_path)}, header = true, columns = {{{type_list}}}, auto_detect = false)
    ),
    z AS (SELECT {ident(key)}, {', '.join(z)} FROM src WHERE ausgeschlossen IS NULL),
    summe AS (SELECT *, {', '.join(summe)} FROM z),
    idx AS (SELECT *, {', '.join(index)} FROM summe),
    cls AS (SELECT *, {', '.join(klasse)} FROM idx)
    SELECT src.{ident(key)} AS schluessel, name, ausgeschlossen, {', '.join(out)},
        CASE WHEN ausgeschlossen IS NULL THEN {code} END AS code
    FROM src LEFT JOIN cls USING ({ident(key)})
) TO {q(output_path)} (HEADER, DELIMITER ';')
"""


def run(config_path, input_path, output_path):
    config = load(config_path)
    with open(input_path, encoding="utf-8") as f:
        header = f.readline().rstrip("\r\n").split(",")
    statement = sql(config, header, input_path, output_path)
    start = time.perf_counter()
    duckdb.connect().execute(statement)
    print(f"DUCKDB_MS={(time.perf_counter() - start) * 1000:.1f}")


def compare(config_path, bimo_path, duck_path):
    """Same areas, same exclusions, same class of every index and the same code for every area;
    the largest difference of an index value is reported (classes decide, values are close)."""
    config = load(config_path)
    con = duckdb.connect()
    read = lambda p: f"read_csv('{p}', delim = ';', header = true, all_varchar = true)"  # noqa: E731
    con.execute(f"CREATE TABLE b AS SELECT * FROM {read(bimo_path)}")
    con.execute(f"CREATE TABLE d AS SELECT * FROM {read(duck_path)}")
    (nb,), (nd,) = con.execute("SELECT count(*) FROM b").fetchone(), con.execute("SELECT count(*) FROM d").fetchone()
    parts = [p["key"] for p in config["index"]]
    differ = " OR ".join(
        ["b.schluessel IS NULL", "d.schluessel IS NULL",
         "(coalesce(b.ausgeschlossen, '') = '') <> (coalesce(d.ausgeschlossen, '') = '')",
         "coalesce(b.code, '') <> coalesce(d.code, '')"]
        + [f"coalesce(b.{k}_klasse, '') <> coalesce(d.{k}_klasse, '')" for k in parts]
    )
    (mismatches,) = con.execute(f"SELECT count(*) FROM b FULL JOIN d ON b.schluessel = d.schluessel WHERE {differ}").fetchone()
    deltas = ", ".join(f"max(abs(b.{k}_index::DOUBLE - d.{k}_index::DOUBLE))" for k in parts)
    worst = con.execute(f"SELECT {deltas} FROM b JOIN d USING (schluessel)").fetchone()
    (included,) = con.execute("SELECT count(*) FROM b WHERE coalesce(ausgeschlossen, '') = ''").fetchone()
    codes = con.execute(
        "SELECT code, count(*) FROM b WHERE coalesce(code, '') <> '' GROUP BY code ORDER BY code"
    ).fetchall()
    print(f"areas: bimo {nb}, DuckDB {nd}; included {included}; areas that differ: {mismatches}")
    print("largest |index difference|: " + ", ".join(f"{k} {w:.2e}" for k, w in zip(parts, worst)))
    print("codes: " + ", ".join(f"{c} {n}" for c, n in codes))
    print(f"MATCH={'yes' if nb == nd and mismatches == 0 else 'no'}")


def mid_ranks(v):
    """1 for the smallest value; tied values share the mean of their ranks."""
    order = np.argsort(v, kind="stable")
    sorted_v = v[order]
    starts = np.r_[True, sorted_v[1:] != sorted_v[:-1]]
    first = np.flatnonzero(starts)
    last = np.r_[first[1:], len(v)] - 1
    ranks = np.empty(len(v))
    ranks[order] = ((first + last) / 2 + 1)[np.cumsum(starts) - 1]
    return ranks


def index_of(x, weights, normalisation, cuts):
    """Normalised with the direction of each weight, summed with |w|, re-standardised, classed."""
    n = len(x)
    turn = weights < 0
    if normalisation in ("zscore_population", "zscore_sample"):
        ddof = 0 if normalisation == "zscore_population" else 1
        y = (x - x.mean(axis=0)) / x.std(axis=0, ddof=ddof)
        y = np.where(turn, -y, y)
    elif normalisation == "minmax":
        lo, hi = x.min(axis=0), x.max(axis=0)
        y = (x - lo) / (hi - lo)
        y = np.where(turn, 1 - y, y)
    elif normalisation == "rank":
        y = np.column_stack([mid_ranks(x[:, c]) for c in range(x.shape[1])])
        y = np.where(turn, n + 1 - y, y)
    else:
        sys.exit(f"the peer does not draw the normalisation {normalisation}")
    aggregate = y @ np.abs(weights)
    ddof = 1 if normalisation == "zscore_sample" else 0
    index = (aggregate - aggregate.mean()) / aggregate.std(ddof=ddof)
    classes = (index >= cuts[0]).astype(np.int64) + (index[:, None] > np.asarray(cuts[1:])[None, :]).sum(axis=1)
    return index, classes


def sensitivity(config_path, input_path, output_path):
    config = load(config_path)
    s = config["sensitivity"]
    runs, spread, drop_one = s["runs"], s.get("weight_spread", 0.0), s.get("drop_one", False)
    start = time.perf_counter()
    data = pd.read_csv(input_path, dtype={config["id"]: str})
    included = np.ones(len(data), dtype=bool)
    included &= ~data[config["id"]].isin([e["id"] for e in config.get("exclude", [])]).to_numpy()
    included &= ~data[columns(config)].isna().all(axis=1).to_numpy()
    if "min_population" in config and config.get("population"):
        included &= (data[config["population"]].min(axis=1) >= config["min_population"]).to_numpy()
    data = data[included]
    rng = np.random.default_rng(s["seed"])
    out, shifts = [], []
    for part in config["index"]:
        x = data[list(part["columns"])].to_numpy(dtype=float)
        weights = np.array(list(part["columns"].values()), dtype=float)
        base_index, base_classes = index_of(x, weights, part["normalisation"], part["cuts"])
        base_ranks = len(x) + 1 - mid_ranks(base_index)
        ranks = np.empty((runs, len(x)))
        kept = np.zeros(len(x))
        for run in range(runs):
            normalisations = s.get("normalisations", [part["normalisation"]])
            normalisation = normalisations[rng.integers(len(normalisations))]
            w = weights * rng.uniform(1 - spread, 1 + spread, len(weights)) if spread > 0 else weights
            keep = np.arange(len(w))
            if drop_one:
                keep = np.delete(keep, rng.integers(len(w)))
            index, classes = index_of(x[:, keep], w[keep], normalisation, part["cuts"])
            ranks[run] = len(x) + 1 - mid_ranks(index)
            kept += classes == base_classes
        shifts.append((part["key"], np.abs(ranks - base_ranks).mean()))
        q05, median, q95 = np.quantile(ranks, [0.05, 0.5, 0.95], axis=0, method="median_unbiased")
        out.append(
            pd.DataFrame(
                {
                    "index": part["key"],
                    "schluessel": data[config["id"]].to_numpy(),
                    "rang": base_ranks,
                    "rang_median": median,
                    "rang_p05": q05,
                    "rang_p95": q95,
                    "klasse_gehalten": kept / runs,
                }
            )
        )
    pd.concat(out).to_csv(output_path, sep=";", index=False)
    print(f"NUMPY_MS={(time.perf_counter() - start) * 1000:.1f}")
    for key, shift in shifts:
        print(f"NumPy sensitivity of {key}: mean absolute rank shift {shift:.2f}")


def compare_sensitivity(bimo_path, numpy_path):
    """The same areas of every index with the same base rank."""
    read = lambda p: pd.read_csv(p, sep=";", dtype={"schluessel": str}, usecols=["index", "schluessel", "rang"])  # noqa: E731
    both = read(bimo_path).merge(read(numpy_path), on=["index", "schluessel"], how="outer", suffixes=("_b", "_n"))
    differ = int((both["rang_b"] != both["rang_n"]).sum())
    print(f"area ranks: {len(both)}; base ranks that differ: {differ}")
    print(f"BASE_RANKS_MATCH={'yes' if differ == 0 else 'no'}")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "generate":
        generate(args[0], args[1], int(args[2]), int(args[3]), args[4])
    elif command == "run":
        run(*args)
    elif command == "compare":
        compare(*args)
    elif command == "sensitivity":
        sensitivity(*args)
    elif command == "compare-sensitivity":
        compare_sensitivity(*args)
    else:
        sys.exit(__doc__)
