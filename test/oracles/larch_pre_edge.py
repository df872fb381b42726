#!/usr/bin/env python3
"""Oracle: Larch's pre_edge() on a batch of spectra (run with Debian's /usr/bin/python3 + python3-xraylarch).

stdin:  JSON {"spectra": [{"energy": [...], "mu": [...], "pre1": .., "pre2": .., "norm1": .., "norm2": ..,
                           "nnorm": .., "e0": optional}]}
stdout: JSON {"larch": version, "results": [{"e0", "edge_step", "pre_slope", "pre_offset", "norm": [...],
                                              "flat": [...]}]}
One process handles the whole batch so the (slow) import happens once per test file.
"""
import json
import sys

import numpy as np
import larch
from larch import Group
from larch.xafs import pre_edge


def run(item):
    g = Group(energy=np.asarray(item["energy"], dtype=float), mu=np.asarray(item["mu"], dtype=float))
    kw = {k: item[k] for k in ("pre1", "pre2", "norm1", "norm2", "nnorm", "e0") if item.get(k) is not None}
    pre_edge(g, **kw)
    det = getattr(g, "pre_edge_details", g)
    return {
        "e0": num(g.e0),
        "edge_step": num(g.edge_step),
        "pre_slope": num(getattr(det, "pre_slope", None)),
        "pre_offset": num(getattr(det, "pre_offset", None)),
        "nnorm": num(getattr(det, "nnorm", None)),
        "norm": [num(v) for v in g.norm],
        "flat": [num(v) for v in getattr(g, "flat", g.norm)],
    }


def num(v):
    """JSON has no NaN: absent or non-finite values become null."""
    if v is None:
        return None
    v = float(v)
    return v if np.isfinite(v) else None


def main():
    req = json.load(sys.stdin)
    out = {"larch": larch.__version__, "results": [run(s) for s in req["spectra"]]}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
