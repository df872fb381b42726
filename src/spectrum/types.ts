/**
 * The spectrum domain model. Energies in eV on a strictly increasing Float64Array; intensity in arbitrary units
 * unless `intensityUnit` says otherwise.
 */

export type Technique = 'XAS' | 'EELS';

export interface SimulatedOrigin {
  readonly kind: 'simulated';
  /** Engine name ('fms', 'multiplet', 'feff', 'fdmnes', 'xspectra'). */
  readonly engine: string;
  readonly engineVersion: string;
  /** Every parameter that determines the result (for provenance and reruns). */
  readonly parameters: Readonly<Record<string, unknown>>;
}

export interface MeasuredOrigin {
  readonly kind: 'measured';
  /** File the data came from, and the group / pixel within it if any. */
  readonly file?: string;
  readonly group?: string;
}

export type SpectrumOrigin = SimulatedOrigin | MeasuredOrigin;

export interface EelsConditions {
  /** Beam energy (keV). */
  readonly beamEnergyKeV?: number;
  /** Convergence semi-angle α (mrad). */
  readonly convergenceMrad?: number;
  /** Collection semi-angle β (mrad). */
  readonly collectionMrad?: number;
  readonly exposureS?: number;
  readonly microscope?: string;
  /** Spectrometer name (e.g. 'GIF Quantum ER'). */
  readonly spectrometer?: string;
}

export interface SpectrumMeta {
  readonly element?: string;
  /** 'K', 'L2', 'L3', 'L23', 'M23', … */
  readonly edge?: string;
  readonly technique?: Technique;
  readonly origin: SpectrumOrigin;
  /** Energy resolution (eV, FWHM) if known. */
  readonly resolutionEv?: number;
  readonly eels?: EelsConditions;
  readonly label?: string;
  readonly intensityUnit?: string;
  /** Free-form metadata from the file (flattened tag tree, header fields…). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface Spectrum {
  readonly energy: Float64Array;
  readonly intensity: Float64Array;
  readonly meta: SpectrumMeta;
}

/** Mode key used throughout: `${element}:${edge}` e.g. 'O:K', 'Ni:L23'. */
export type ModeKey = string;

/** One sample's spectra for several element/edge modes. */
export interface SpectrumBundle {
  readonly sample: string;
  readonly modes: ReadonlyMap<ModeKey, Spectrum>;
}

/** Linear energy-axis calibration: energy(i) = offset + scale·i (eV). */
export interface AxisCalibration {
  readonly offset: number;
  readonly scale: number;
  readonly units: string;
  readonly name?: string;
}

/**
 * A spectrum image: navigation shape (e.g. [ny, nx]) × channels, data row-major with the channel index fastest:
 * data[(iy*nx + ix)*channels + ic].
 */
export interface SpectrumImage {
  readonly navShape: readonly number[];
  readonly channels: number;
  readonly data: Float32Array | Float64Array;
  readonly energyAxis: AxisCalibration;
  readonly navAxes: readonly AxisCalibration[];
  readonly meta: SpectrumMeta;
}
