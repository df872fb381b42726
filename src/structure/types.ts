/**
 * The crystal-structure domain model. Immutable: every operation returns a new Structure.
 * Lengths in Å, angles in degrees, fractional coordinates in the lattice basis.
 */

/** Row-major 3×3: rows are the lattice vectors a, b, c in Cartesian Å. */
export type Mat3 = readonly [
  readonly [number, number, number],
  readonly [number, number, number],
  readonly [number, number, number],
];
export type Vec3 = readonly [number, number, number];

export interface Site {
  /** Element symbol, canonical capitalisation ('Ni'). */
  readonly element: string;
  /** Fractional coordinates. */
  readonly frac: Vec3;
  /** Optional site label from the file (e.g. 'Ni1'). */
  readonly label?: string;
  /** Formal oxidation state if known (assigned or from the file). */
  readonly oxidation?: number;
  /** Site occupancy (1 unless the file says otherwise). */
  readonly occupancy?: number;
}

export type DefectKind = 'o-vacancy' | 'antisite' | 'li-vacancy' | 'substitution';

export interface DefectRecord {
  readonly kind: DefectKind;
  /** Index (in the built structure) of the sites involved; for a vacancy, the nearest remaining cations. */
  readonly sites: readonly number[];
  /** Fractional position of a removed atom (vacancies). */
  readonly frac?: Vec3;
  readonly description: string;
}

export interface ChargeCompensation {
  /** Which sites changed formal valence, from what to what, and why. */
  readonly changes: readonly { site: number; element: string; from: number; to: number; reason: string }[];
  /** Sum of formal charges after compensation (0 when balanced). */
  readonly netCharge: number;
}

export interface StructureMetadata {
  readonly title?: string;
  readonly source?: string;
  /** Builder provenance: composition, supercell, seed, defect requests. */
  readonly build?: Readonly<Record<string, unknown>>;
  readonly defects?: readonly DefectRecord[];
  readonly chargeCompensation?: ChargeCompensation;
}

export interface Structure {
  readonly lattice: Mat3;
  readonly sites: readonly Site[];
  readonly metadata: StructureMetadata;
}
