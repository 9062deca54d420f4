/**
 * strand — STructured RAndom Network Dynamics. The one public entry point.
 *
 * Model: dx/dt = -x + J (G ⊙ phi(x)) + I with phi = tanh or erf(sqrt(pi) x / 2) (docs/THEORY_MAP.md maps each
 * equation to its function). This module re-exports the public API of the core, which runs in Node, browsers,
 * Web Workers and edge runtimes; Node-only helpers (files, worker threads) are in `strand/io`, the Fetch-API
 * handler in `strand/web/handler`. Everything else is internal.
 *
 * @packageDocumentation
 */
export { VERSION } from "./version.ts";
export {
  createBackend,
  simdSupported,
  isWasmForbidden,
  WasmUnavailableError,
  BACKEND_CHOICES,
  type BackendChoice,
  type BackendOptions,
} from "./backend/select.ts";
export type { WasmOptions } from "./backend/wasm-load.ts";
export type {
  Backend,
  BackendName,
  Buf,
  Coupling,
  Rng,
  PhiName,
  EulerScratch,
  Rk4Scratch,
  TangentScratch,
} from "./backend/types.ts";
export { PHI_KINDS } from "./backend/types.ts";
export { seedState, STREAMS } from "./backend/rng.ts";
export { Team, TeamTrajectory, teamSupported, type TeamOptions, type TeamTrajectorySpec } from "./backend/team.ts";
export { Kernels, loadKernels, PHI_NAMES, type CouplingArrays, type StepOptions } from "./kernels.ts";
export type { DType, FloatArray } from "./errors.ts";
export {
  makeNetwork,
  denseJ,
  standInNetwork,
  type Network,
  type NetworkSpec,
  type IidSpec,
  type RmmSpec,
  type GainSpec,
  type DenseCoupling,
  type LowRankCoupling,
  type EnsembleSummary,
} from "./network/ensembles.ts";
export { overlapProfile, solveUFlip } from "./network/rmm-spectrum.ts";
export { SPECTRUM_KINDS, participationRatio, moment, type SpectrumKind } from "./network/spectra.ts";
export { couplingStructure, gram, prSTheory, singularValueEdges, type StructureSummary } from "./network/structure.ts";
export {
  parseEdgeList,
  parseDenseMatrix,
  connectomeFromMatrix,
  ConnectomeFormatError,
  type Connectome,
  type ConnectomeStats,
  type EdgeListOptions,
  type MatrixOptions,
} from "./network/connectome.ts";
export {
  applySigns,
  normalizeBalanced,
  FLY_SIGNS,
  type SignOptions,
  type SignSummary,
  type NormalizeResult,
} from "./network/signs.ts";
export { singularValues, bidiagonalValues } from "./linalg/svd.ts";
export { symmetricEigen, tridiagonalEigen, type SymmetricEigen } from "./linalg/symmetric.ts";
export { provenance, type Provenance } from "./provenance.ts";
export {
  eigenvalues,
  singularVectors,
  modeOverlaps,
  type Eigenvalues,
  type SingularVectors,
  type ModeOverlaps,
} from "./linalg/dense.ts";
export {
  simulate,
  SimulationError,
  METHODS,
  STARTS,
  type SimulateOptions,
  type SimulationResult,
  type Method,
} from "./simulate/simulate.ts";
export { CovarianceAccumulator, type CovarianceSummary } from "./simulate/stats.ts";
export {
  crossBlock,
  jackknife,
  jackknifeSe,
  meanAndSe,
  estimateStatus,
  type EstimateStatus,
  type EstimateContext,
} from "./stats/estimators.ts";
export { decayTime, pcTimescales, type PcTimescales } from "./stats/timescales.ts";
export {
  theory,
  solveDmft,
  dimensionTheory,
  harmonicPr,
  gainDimensions,
  type TheoryOptions,
  type TheoryResult,
  type DmftSolution,
} from "./theory/index.ts";
export {
  structuredTheory,
  structureOf,
  structureModel,
  type Structure,
  type StructuredTheoryOptions,
  type StructuredTheoryResult,
} from "./theory/structured.ts";
export {
  sampleSingleSite,
  GridTooShortError,
  type SamplerOptions,
  type SamplerResult,
  type SelfCouplingModel,
} from "./theory/selfcoupled.ts";
export type { ChunkExecutor, ChunkTask, ChunkResult } from "./theory/selfcoupled-chunk.ts";
export { ConvergenceError } from "./errors.ts";
export { lyapunov, spectrumSummary, type LyapunovOptions, type LyapunovResult } from "./chaos/lyapunov.ts";
export { predictMaximalExponent, type ExponentPrediction } from "./chaos/predict.ts";
export { solveDrivenDmft, drivenDimension, type DrivenDmft } from "./theory/driven.ts";
export { noiseIncrement } from "./simulate/group.ts";
export {
  maximalExponent,
  maximalExponentEuler,
  discreteDmft,
  gainCovariance,
  type MaximalExponent,
} from "./theory/lyapunov.ts";
export {
  networkCovariance,
  covarianceOf,
  checkedCovariance,
  directionTimescales,
  equivalentNetwork,
  singleSite,
  linearSite,
  staticLinearCovariance,
  frequencyGrid,
  type NetworkCovariance,
  type CovarianceOptions,
  type SingleSite,
  type EquivalentNetwork,
} from "./theory/linear-equivalence.ts";
export { modeForm, type ModeForm } from "./theory/mode-form.ts";
export { complexProduct, realProduct, type CMatrix } from "./linalg/complex.ts";
export { eigenDecomposition, type EigenDecomposition } from "./linalg/eigenvectors.ts";
export { compareCovariance, type CovarianceComparison, type CompareCovarianceOptions } from "./covariance/compare.ts";
export { agreement, spectrumBrief, type Agreement, type SpectrumBrief } from "./covariance/agreement.ts";
export { comparisonFigureSpec } from "./covariance/figure.ts";
export { pcDynamics, principalAxes, type PcDynamics } from "./simulate/pc-dynamics.ts";
export { pcSpectrum, principalComponents, PC_SPECTRUM_N_MAX } from "./simulate/pc-spectrum.ts";
