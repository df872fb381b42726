#!/usr/bin/python3
"""Oracle: load XGBoost JSON models with Python's xgboost (Debian python3-xgboost) and predict.

usage: xgb_predict.py X.f32 NROW NCOL OUT_PREFIX MODEL.json [MODEL.json ...]
X.f32 is row-major little-endian float32 (NaN = missing); for the k-th model, OUT_PREFIX.k.f32 receives its
float32 predictions (output space, as `Booster.predict`).
"""
import sys

import numpy as np
import xgboost as xgb


def main() -> None:
    xfile, nrow, ncol, prefix = sys.argv[1:5]
    X = np.fromfile(xfile, dtype="<f4").reshape(int(nrow), int(ncol))
    d = xgb.DMatrix(X, missing=np.nan)
    for k, model in enumerate(sys.argv[5:]):
        bst = xgb.Booster()
        bst.load_model(model)
        np.asarray(bst.predict(d), dtype="<f4").tofile(f"{prefix}.{k}.f32")
    print(xgb.__version__)


if __name__ == "__main__":
    main()
