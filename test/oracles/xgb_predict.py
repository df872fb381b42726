#!/usr/bin/python3
"""Oracle: load an XGBoost JSON model with Python's xgboost (Debian python3-xgboost) and predict.

usage: xgb_predict.py MODEL.json X.f32 NROW NCOL OUT.f32 [--contribs]
X.f32 is row-major little-endian float32 (NaN = missing); OUT.f32 receives float32 predictions
(or TreeSHAP contributions, nrow x (ncol+1), with --contribs).
"""
import sys

import numpy as np
import xgboost as xgb


def main() -> None:
    model, xfile, nrow, ncol, out = sys.argv[1:6]
    contribs = "--contribs" in sys.argv[6:]
    X = np.fromfile(xfile, dtype="<f4").reshape(int(nrow), int(ncol))
    bst = xgb.Booster()
    bst.load_model(model)
    d = xgb.DMatrix(X, missing=np.nan)
    p = bst.predict(d, pred_contribs=contribs)
    np.asarray(p, dtype="<f4").tofile(out)
    print(xgb.__version__)


if __name__ == "__main__":
    main()
