#!/usr/bin/env python3
"""Peer of bench/projection.sh: the cohort-component projection of crates/domain/src/projection.rs,
vectorised in NumPy over areas × sexes × ages.

    projection_peer.py DIR [RUNS]

Reads the inputs the Rust example `projection_bench` wrote into DIR (`NAME.f64`: an ASCII header
line `f64 d1 d2 …`, then little-endian f64 in C order; `meta.txt`: key=value) and projects the
status quo (no control totals, no new housing) for `jahre` years, in the order projection.rs
documents for each year:

1. ageing and survival, `P'(a+1) = P(a)·(1−q(a))` with the table of the area's type, the open
   group keeping its own survivors; deaths at the age reached;
2. migration of ages 1+: external and internal out-movers `P'·m`, then external in-migrants
   `Z·profile(s,a)·share(r)` and internal in-movers `pool(s,a)·destination(r,s,a)`, the pool being
   the internal out-movers of that sex and age summed over all areas;
3. births `Σ_a f(type, a)·(W_start(a) + W_after_step_2(a))/2`, boys `B·sr/(1+sr)`, girls
   `B/(1+sr)`, age 0 the survivors `B_s·(1−q0_s)`, infant deaths at age 0;
4. migration of age 0 as in step 2.

Two variants, like bimo's `projiziere` and `projiziere_ohne_komponenten`: one keeps every
component of every year (deaths, external and internal out- and in-movers: 5 × years × cells)
beside the population, the other the population of every year and the births only. Each is run
RUNS times; the time counted is the projection alone (inputs read). Output: key=value lines with
each run, the medians and the city total of the last year (repr: full precision).
"""

import sys
import time
from pathlib import Path

import numpy as np


def lies(dir_, name):
    daten = (dir_ / f"{name}.f64").read_bytes()
    kopf, _, rumpf = daten.partition(b"\n")
    art, *form = kopf.decode().split()
    assert art == "f64", name
    return np.frombuffer(rumpf, dtype="<f8").reshape([int(d) for d in form])


def eingabe(dir_):
    meta = dict(z.split("=", 1) for z in (dir_ / "meta.txt").read_text().split())
    e = {name: lies(dir_, name) for name in [
        "bestand", "gebietstyp", "sterbewahrscheinlichkeit", "fruchtbarkeit", "fortzug_extern",
        "fortzug_intern", "zuzug_profil", "zuzug_anteile", "umzug_ziele", "saeuglingssterblichkeit"]}
    e["jahre"] = int(meta["jahre"])
    e["sexualproportion"] = float(meta["sexualproportion"])
    e["zuzug_extern"] = float(meta["zuzug_extern"])
    return e


def projiziere(e, komponenten):
    """Returns the population (years + 1, areas, 2, ages), the births (years, areas, 2) and, if
    `komponenten`, the five components (5, years, areas, 2, ages)."""
    p0 = e["bestand"]
    g, _, n = p0.shape
    jahre = e["jahre"]
    typ = e["gebietstyp"].astype(np.intp)
    q = e["sterbewahrscheinlichkeit"][typ]              # (g, 2, n), by the area's type
    f = e["fruchtbarkeit"][typ][:, 1:]                  # (g, n-1), ages 1+
    me, mi, ziel = e["fortzug_extern"], e["fortzug_intern"], e["umzug_ziele"]
    # External in-migrants per cell: (Z · share) · profile, as bimo multiplies.
    zuzug = (e["zuzug_extern"] * e["zuzug_anteile"])[:, None, None] * e["zuzug_profil"][None, :, :]
    q0 = e["saeuglingssterblichkeit"]
    sr = e["sexualproportion"]
    anteil_jungen = sr / (1.0 + sr)
    anteile = np.array([anteil_jungen, 1.0 - anteil_jungen])

    bev = np.empty((jahre + 1, g, 2, n))
    bev[0] = p0
    geburten = np.empty((jahre, g, 2))
    if komponenten:
        komp = np.empty((5, jahre, g, 2, n))
    else:
        komp = np.empty((5, 1, g, 2, n))               # one reused year of scratch space

    for k in range(1, jahre + 1):
        vorher, p = bev[k - 1], bev[k]
        tote, fe, fi, ze, zi = komp[:, k - 1 if komponenten else 0]
        # 1. ageing and survival, open group at the top.
        tote[:, :, 0] = 0.0
        np.multiply(vorher[:, :, :-1], q[:, :, :-1], out=tote[:, :, 1:])
        p[:, :, 0] = 0.0
        np.subtract(vorher[:, :, :-1], tote[:, :, 1:], out=p[:, :, 1:])
        tote_oben = vorher[:, :, -1] * q[:, :, -1]
        tote[:, :, -1] += tote_oben
        p[:, :, -1] += vorher[:, :, -1] - tote_oben
        # 2. migration of ages 1+.
        wandern(p, me, mi, zuzug, ziel, fe, fi, ze, zi, slice(1, None))
        # 3. births from the mean of women at the start and after migration.
        b = (f * (vorher[:, 1, 1:] + p[:, 1, 1:]) * 0.5).sum(axis=1)
        b_s = b[:, None] * anteile[None, :]
        geburten[k - 1] = b_s
        p[:, :, 0] = b_s * (1.0 - q0)
        tote[:, :, 0] = b_s * q0
        # 4. migration of age 0.
        wandern(p, me, mi, zuzug, ziel, fe, fi, ze, zi, slice(0, 1))
    return bev, geburten, komp


def wandern(p, me, mi, zuzug, ziel, fe, fi, ze, zi, a):
    np.multiply(p[:, :, a], me[:, :, a], out=fe[:, :, a])
    np.multiply(p[:, :, a], mi[:, :, a], out=fi[:, :, a])
    p[:, :, a] -= fe[:, :, a] + fi[:, :, a]
    pool = fi[:, :, a].sum(axis=0)
    ze[:, :, a] = zuzug[:, :, a]
    np.multiply(pool[None], ziel[:, :, a], out=zi[:, :, a])
    p[:, :, a] += ze[:, :, a] + zi[:, :, a]


def main():
    dir_ = Path(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    e = eingabe(dir_)
    summen = []
    for name, komponenten in [("MIT_KOMPONENTEN", True), ("OHNE_KOMPONENTEN", False)]:
        ms = []
        for _ in range(max(runs, 1)):
            start = time.perf_counter()
            bev, _, _ = projiziere(e, komponenten)
            ms.append((time.perf_counter() - start) * 1e3)
            summe = float(bev[-1].sum())
        print(f"NUMPY_{name}_RUNS_MS=" + " ".join(f"{m:.3f}" for m in ms))
        print(f"NUMPY_{name}_MS={np.median(ms):.3f}")
        summen.append(summe)
    if summen[0] != summen[1]:
        sys.exit(f"the two NumPy variants differ: {summen[0]!r} vs {summen[1]!r}")
    print(f"NUMPY_TOTAL={summen[0]!r}")
    print(f"NUMPY_VERSION={np.__version__}")


if __name__ == "__main__":
    main()
