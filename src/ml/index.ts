// Public API of the ml layer: named exports only.
export {
  type MlDataset,
  type ModeData,
  type SpectraBundle,
  columnMode,
  loadDbDataset,
  loadParquetDataset,
  makeGrid,
  modeColumn,
  requireLabel,
  spectraOf,
  subsetDataset,
} from './data.js';
export {
  type FeatureDef,
  type FeatureKind,
  type FeatureOptions,
  type FeatureRecipe,
  FEATURE_KINDS,
  cdf,
  cubicFit,
  fitFeatureRecipe,
  fitPca,
  fitPeaks,
  transformFeatures,
} from './features.js';
export {
  type Estimate,
  type MetricName,
  accuracy,
  bootstrapMetric,
  f1,
  mae,
  r2,
  rmse,
  rocAuc,
} from './metrics.js';
export {
  type FittedModel,
  type Hyper,
  type ModelKind,
  MODEL_KINDS,
  type Task,
  assertKind,
  inferTask,
} from './models.js';
export { type Split, assertGroupedSplit, groupHoldout, groupKFold } from './split.js';
export { type CompiledForest, compileXgboostJson, forestMargin, forestPredict } from './tree-eval.js';
export {
  type Fusion,
  type PipelineOptions,
  type TargetModel,
  type TargetPrediction,
  type TrainedPipeline,
  predictPipeline,
  trainPipeline,
} from './train.js';
export {
  type CompareResult,
  type CompareRow,
  type CompareVerdict,
  type CvResult,
  type HoldoutReport,
  type TargetEvaluation,
  compareModes,
  crossValidate,
  evaluateHoldout,
  evaluatePipeline,
  modeCombinations,
} from './evaluate.js';
export {
  type EnergyWindow,
  type ImportanceReport,
  importanceReport,
  permutationImportance,
  shapImportance,
  windowImportance,
} from './explain.js';
export {
  type Conformal,
  type OodModel,
  conformalFromResiduals,
  coverage,
  fitOod,
  oodScore,
} from './uncertainty.js';
export {
  type ModelPrediction,
  type SfmModel,
  buildModelFile,
  loadModelFile,
  parseModelJson,
  pipelineOf,
  predictWithModel,
  saveModelFile,
} from './model-file.js';
export { Booster, type DenseMatrix, xgboostAvailable, xgboostVersion } from './xgboost.js';
export { syntheticDataset, writeParquetDataset } from './synthetic.js';
