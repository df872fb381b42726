import { afterAll, describe, expect, it } from 'vitest';

describe('missing XGBoost library', () => {
  const saved = process.env.SPECFUSE_XGBOOST_LIB;
  afterAll(() => {
    if (saved === undefined) delete process.env.SPECFUSE_XGBOOST_LIB;
    else process.env.SPECFUSE_XGBOOST_LIB = saved;
  });
  it('is reported as a clear SpecfuseError("engine")', async () => {
    // a file that exists but is no shared library: loading must fail cleanly, not crash
    process.env.SPECFUSE_XGBOOST_LIB = new URL(import.meta.url).pathname;
    const { Booster, xgboostAvailable } = await import('./xgboost.js');
    expect(xgboostAvailable()).toBe(false);
    let err: unknown;
    try {
      Booster.train({ data: new Float32Array(2), nrow: 2, ncol: 1 }, new Float32Array(2), {}, 1);
    } catch (e) {
      err = e;
    }
    expect((err as { code?: string }).code).toBe('engine');
    expect(String((err as Error).message)).toMatch(/cannot load XGBoost library/);
  });
});
