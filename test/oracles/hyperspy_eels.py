#!/usr/bin/env python3
"""Oracle: HyperSpy's EELS power-law background removal and Fourier-ratio deconvolution
(run with Debian's /usr/bin/python3 + python3-hyperspy). One process per batch: hyperspy imports slowly.

stdin JSON:
  {"backgrounds": [{"offset": eV, "scale": eV, "data": [...], "from": eV, "to": eV}],
   "deconvolutions": [{"core": {"offset", "scale", "data"}, "low": {"offset", "scale", "data"},
                       "fwhm": optional eV, "threshold": optional eV}],
   "thickness": [{"offset", "scale", "data", "threshold": eV}],
   "image": optional {"offset", "scale", "nav": [ny, nx], "data": flat row-major, "from", "to", "repeat": n}}
stdout JSON:
  {"hyperspy": version,
   "backgrounds": [{"fast": {"A", "r", "signal"}, "fit": {"A", "r", "signal"}}],
   "deconvolutions": [{"signal": [...]}],
   "thickness": [{"t_over_lambda"}]  (log-ratio, HyperSpy estimate_thickness),
   "image_ms": wall time of remove_background on the image (best of `repeat`)}
"""
import json
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")
import hyperspy.api as hs  # noqa: E402


def spectrum(d):
    s = hs.signals.EELSSpectrum(np.asarray(d["data"], dtype=float))
    ax = s.axes_manager.signal_axes[0]
    ax.offset = float(d["offset"])
    ax.scale = float(d["scale"])
    ax.units = "eV"
    return s


def background(item):
    out = {}
    for key, fast in (("fast", True), ("fit", False)):
        s = spectrum(item)
        res, model = s.remove_background(
            signal_range=(item["from"], item["to"]),
            background_type="PowerLaw",
            fast=fast,
            return_model=True,
            show_progressbar=False,
        )
        comp = model[0] if hasattr(model, "__getitem__") else model
        out[key] = {"A": float(comp.A.value), "r": float(comp.r.value), "signal": [float(v) for v in res.data]}
    return out


def deconvolution(item):
    core = spectrum(item["core"])
    low = spectrum(item["low"])
    kw = {}
    if item.get("fwhm") is not None:
        kw["fwhm"] = item["fwhm"]
    if item.get("threshold") is not None:
        kw["threshold"] = item["threshold"]
    res = core.fourier_ratio_deconvolution(low, **kw)
    return {"signal": [float(v) for v in res.data]}


def thickness(item):
    s = spectrum(item)
    t = s.estimate_thickness(threshold=float(item["threshold"]))
    return {"t_over_lambda": float(np.asarray(t.data).ravel()[0])}


def image_time(item):
    ny, nx = item["nav"]
    data = np.asarray(item["data"], dtype=np.float32).reshape(ny, nx, -1)
    best = float("inf")
    for _ in range(int(item.get("repeat", 1))):
        s = hs.signals.EELSSpectrum(data.copy())
        ax = s.axes_manager.signal_axes[0]
        ax.offset = float(item["offset"])
        ax.scale = float(item["scale"])
        t0 = time.perf_counter()
        s.remove_background(
            signal_range=(item["from"], item["to"]), background_type="PowerLaw", fast=True, show_progressbar=False
        )
        best = min(best, (time.perf_counter() - t0) * 1000)
    return best


def main():
    req = json.load(sys.stdin)
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # hyperspy/dask progress bars must not pollute the JSON document
    out = {"hyperspy": hs.__version__ if hasattr(hs, "__version__") else "unknown"}
    out["backgrounds"] = [background(b) for b in req.get("backgrounds", [])]
    out["deconvolutions"] = [deconvolution(d) for d in req.get("deconvolutions", [])]
    out["thickness"] = [thickness(t) for t in req.get("thickness", [])]
    if req.get("image"):
        out["image_ms"] = image_time(req["image"])
    json.dump(out, real_stdout)


if __name__ == "__main__":
    main()
