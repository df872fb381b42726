#!/usr/bin/python3
"""Oracle/benchmark peer: train XGBoost in Python with the same parameters as our FFI binding.

usage: xgb_train.py X.f32 y.f32 NROW NCOL PARAMS.json ROUNDS OUT_MODEL.json
Prints the CPU time and the wall time of DMatrix construction + training (seconds): `cpu_seconds: C`,
then `train_seconds: T` as the last line.
"""
import json
import sys
import time

import numpy as np
import xgboost as xgb


def main() -> None:
    xfile, yfile, nrow, ncol, pfile, rounds, out = sys.argv[1:8]
    X = np.fromfile(xfile, dtype="<f4").reshape(int(nrow), int(ncol))
    y = np.fromfile(yfile, dtype="<f4")
    with open(pfile) as f:
        params = json.load(f)
    t0 = time.perf_counter()
    c0 = time.process_time()
    d = xgb.DMatrix(X, label=y, missing=np.nan)
    bst = xgb.train(params, d, num_boost_round=int(rounds))
    t1 = time.perf_counter()
    c1 = time.process_time()
    bst.save_model(out)
    print(f"cpu_seconds: {c1 - c0:.6f}")
    print(f"train_seconds: {t1 - t0:.6f}")


if __name__ == "__main__":
    main()
