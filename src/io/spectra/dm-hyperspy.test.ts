/**
 * Cross-check of the DigitalMicrograph reader against an independent implementation: HyperSpy 1.7 (Debian
 * python3-hyperspy) run as an oracle on every DM fixture — pixel values, the energy calibration, and the EELS
 * metadata must agree.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonHas, SYSTEM_PYTHON } from '../../../test/oracles/oracle.js';
import { hasShared, requireTool, sharedPath } from '../../../test/shared.js';
import { dmAcquisition, parseDm } from './dm.js';
import { readSpectra } from './read.js';

const ORACLE = `
import json, sys
import numpy as np
import hyperspy.api as hs
out = {}
for p in json.loads(sys.stdin.read()):
    s = hs.load(p)
    s = s[0] if isinstance(s, list) else s
    d = np.asarray(s.data)
    axes = [dict(size=int(a.size), offset=float(a.offset), scale=float(a.scale), units=str(a.units),
                 navigate=bool(a.navigate)) for a in s.axes_manager._axes]
    out[p] = dict(shape=list(d.shape), data=np.real(d).astype(float).ravel().tolist(), axes=axes,
                  metadata=s.metadata.as_dictionary())
print(json.dumps(out, default=str))
`;

interface HsAxis {
  size: number;
  offset: number;
  scale: number;
  units: string;
  navigate: boolean;
}
interface HsResult {
  shape: number[];
  data: number[];
  axes: HsAxis[];
  metadata: {
    General: { title: string; date?: string; time?: string };
    Signal: { signal_type: string; quantity: string };
    Acquisition_instrument?: {
      TEM: {
        beam_energy?: number;
        microscope?: string;
        acquisition_mode?: string;
        convergence_angle?: number;
        camera_length?: number;
        magnification?: number;
        Detector?: {
          EELS?: {
            collection_angle?: number;
            exposure?: number;
            frame_number?: number;
            spectrometer?: string;
            aperture_size?: number;
            dwell_time?: number;
          };
        };
      };
    };
  };
}

const enabled = hasShared() && requireTool('python3-hyperspy', pythonHas('hyperspy'));

const DM_FILES = enabled
  ? [
      ...readdirSync(sharedPath('data', 'eels', 'digitalmicrograph')).map((f) =>
        sharedPath('data', 'eels', 'digitalmicrograph', f),
      ),
      ...['TM_TM-O_EELS_Spectrum_Image.dm3', 'ZLP_EELS_Spectrum_Image.dm3'].map((f) =>
        join(sharedPath('data', 'eels', 'nmc-si-doped'), f),
      ),
    ].sort()
  : [];
const MSA_FILES = enabled
  ? ['exspy', 'nmc-si-doped'].flatMap((d) =>
      readdirSync(sharedPath('data', 'eels', d))
        .filter((f) => f.endsWith('.msa'))
        .map((f) => sharedPath('data', 'eels', d, f)),
    )
  : [];
/** One HyperSpy run for every file (importing HyperSpy takes seconds). */
const ORACLE_RESULTS: Record<string, HsResult> = enabled
  ? (JSON.parse(
      execFileSync(SYSTEM_PYTHON, ['-c', ORACLE], {
        input: JSON.stringify([...DM_FILES, ...MSA_FILES]),
        maxBuffer: 1 << 28,
        stdio: ['pipe', 'pipe', 'ignore'],
        env: { ...process.env, MPLBACKEND: 'Agg', PYTHONWARNINGS: 'ignore' },
        timeout: 120_000,
      }).toString('utf8'),
    ) as Record<string, HsResult>)
  : {};

(enabled ? describe : describe.skip)('DM reader vs HyperSpy (oracle)', () => {
  const files = DM_FILES;
  const oracle = ORACLE_RESULTS;

  for (const f of files)
    it(`${f.split('/').slice(-2).join('/')}: same pixels, calibration and metadata`, () => {
      const hs = oracle[f] as HsResult;
      const dm = parseDm(new Uint8Array(readFileSync(f)), f);
      const im = dm.images.find((i) => !i.thumbnail);
      if (!im) throw new Error('no image');
      const r = readSpectra(f).value;
      if (r.image && hs.metadata.Signal.signal_type === 'EELS') {
        // spectrum images: HyperSpy puts the energy axis last, as our channel-fastest SpectrumImage does
        expect([...r.image.navShape, r.image.channels]).toEqual(hs.shape);
        expect(Array.from(r.image.data)).toEqual(hs.data);
      } else {
        // DM stores x fastest = C order of the reversed dimensions, which is how HyperSpy lays out its array
        expect([...im.dims].reverse()).toEqual(hs.shape);
        expect(Array.from(im.data)).toEqual(hs.data);
      }
      const signal = hs.axes.filter((a) => !a.navigate);
      if (hs.metadata.Signal.signal_type === 'EELS') {
        const axis = signal[signal.length - 1] as HsAxis;
        const ours = r.image
          ? r.image.energyAxis
          : {
              offset: r.spectra[0]?.energy[0],
              scale: (r.spectra[0]?.energy[1] as number) - (r.spectra[0]?.energy[0] as number),
            };
        expect(ours.offset).toBeCloseTo(axis.offset, 4);
        expect(ours.scale).toBeCloseTo(axis.scale, 6);
        if (r.image) expect(r.image.navShape).toEqual(hs.shape.slice(0, -1));
      }
      const a = dmAcquisition(im);
      expect(a.title).toBe(hs.metadata.General.title);
      if (hs.metadata.General.date) expect(a.date).toBe(hs.metadata.General.date);
      if (hs.metadata.General.time) expect(a.time).toBe(hs.metadata.General.time);
      const tem = hs.metadata.Acquisition_instrument?.TEM;
      if (tem) {
        if (tem.beam_energy !== undefined) expect(a.beamEnergyKeV).toBe(tem.beam_energy);
        if (tem.microscope !== undefined) expect(a.microscope).toBe(tem.microscope);
        if (tem.acquisition_mode !== undefined) expect(a.mode).toBe(tem.acquisition_mode);
        if (tem.convergence_angle !== undefined) expect(a.convergenceMrad).toBe(tem.convergence_angle);
        if (tem.camera_length !== undefined) expect(a.cameraLengthMm).toBe(tem.camera_length);
        if (tem.magnification !== undefined) expect(a.magnification).toBe(tem.magnification);
        const eels = tem.Detector?.EELS;
        if (eels?.collection_angle !== undefined) expect(a.collectionMrad).toBe(eels.collection_angle);
        if (eels?.frame_number !== undefined) expect(a.frames).toBe(eels.frame_number);
        if (eels?.spectrometer !== undefined) expect(a.spectrometer).toBe(eels.spectrometer);
        if (eels?.aperture_size !== undefined) expect(a.apertureMm).toBe(eels.aperture_size);
        const exposure = eels?.exposure ?? eels?.dwell_time;
        if (exposure !== undefined) expect(a.exposureS).toBeCloseTo(exposure, 9);
      }
      if (hs.metadata.Signal.signal_type === 'EELS')
        expect(a.signalQuantity).toBe(hs.metadata.Signal.quantity);
    });
});

(enabled ? describe : describe.skip)('MSA reader vs HyperSpy (oracle)', () => {
  const files = MSA_FILES;
  const oracle = ORACLE_RESULTS;
  for (const f of files)
    it(`${f.split('/').slice(-2).join('/')}: same values and energy axis`, () => {
      const hs = oracle[f] as HsResult;
      const s = readSpectra(f).value.spectra[0];
      if (!s) throw new Error('no spectrum');
      const axis = hs.axes[0] as HsAxis;
      expect(s.energy.length).toBe(axis.size);
      expect(Array.from(s.intensity)).toEqual(hs.data);
      for (let i = 0; i < s.energy.length; i += 97)
        // XY files print x with 7 significant digits (e.g. -1.800002), so agree to 1e-5 eV
        expect(s.energy[i]).toBeCloseTo(axis.offset + axis.scale * i, 4);
      // (HyperSpy keeps BEAMKV 300000 as 300000 kV; this reader reads such values as volts → 300 kV, with a warning)
    });
});
