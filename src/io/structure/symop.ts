import { fail } from '../../core/errors.js';
import type { ErrorPath } from '../../core/errors.js';
import type { Vec3 } from '../../structure/types.js';

/** A space-group operation on fractional coordinates: f' = R f + t. */
export interface SymOp {
  readonly rotation: readonly [Vec3, Vec3, Vec3];
  readonly translation: Vec3;
  readonly text: string;
}

/**
 * Parse a Jones-faithful symmetry operation as written in `_symmetry_equiv_pos_as_xyz` /
 * `_space_group_symop_operation_xyz`: three comma-separated affine expressions in x, y, z, e.g.
 * 'x, y, z', '-x+1/2, y, -z', 'x-y, x, z+1/3', '1/2+X, 0.5-y, z' (International Tables Vol. A, §1.2 notation).
 */
export function parseSymOp(text: string, where: ErrorPath = {}): SymOp {
  const parts = text.split(',');
  if (parts.length !== 3) fail('parse', `symmetry operation '${text}' does not have three components`, where);
  const rotation: number[][] = [];
  const translation: number[] = [];
  for (const raw of parts) {
    const s = raw.replace(/\s+/g, '').toLowerCase();
    if (s === '') fail('parse', `symmetry operation '${text}' has an empty component`, where);
    const row = [0, 0, 0];
    let t = 0;
    const term = /([+-]?)(\d+(?:\.\d*)?|\.\d+)?(?:\/(\d+(?:\.\d*)?))?(\*)?([xyz])?/y;
    let pos = 0;
    while (pos < s.length) {
      term.lastIndex = pos;
      const m = term.exec(s);
      if (!m || m[0] === '' || (m[2] === undefined && m[5] === undefined))
        fail('parse', `cannot read '${raw.trim()}' in symmetry operation '${text}'`, where);
      const sign = m[1] === '-' ? -1 : 1;
      let coef = m[2] !== undefined ? Number(m[2]) : 1;
      if (m[3] !== undefined) coef /= Number(m[3]);
      if (m[5] !== undefined) row['xyz'.indexOf(m[5])]! += sign * coef;
      else {
        if (m[4] !== undefined) fail('parse', `dangling '*' in symmetry operation '${text}'`, where);
        t += sign * coef;
      }
      pos = term.lastIndex;
    }
    rotation.push(row);
    translation.push(t);
  }
  return {
    rotation: rotation as unknown as [Vec3, Vec3, Vec3],
    translation: translation as unknown as Vec3,
    text: text.trim(),
  };
}

export function applySymOp(op: SymOp, f: Vec3): Vec3 {
  const R = op.rotation;
  return [
    R[0][0] * f[0] + R[0][1] * f[1] + R[0][2] * f[2] + op.translation[0],
    R[1][0] * f[0] + R[1][1] * f[1] + R[1][2] * f[2] + op.translation[1],
    R[2][0] * f[0] + R[2][1] * f[1] + R[2][2] * f[2] + op.translation[2],
  ];
}
