import type { SpectrumFile } from '../io/spectra/common.js';
import { regionSum } from '../preprocess/spectrum-image.js';
import { imageEnergyAxis, makeSpectrum, pixelCount } from '../spectrum/spectrum.js';
import type { MeasuredInput } from './predict.js';

/**
 * The measured inputs of read files, as `specfuse predict` and the web app's Analyze page take them: every spectrum
 * of every file (`name#i` when a file holds several), and for a spectrum image the sum of all its pixels.
 */
export function measuredInputs(files: readonly { name: string; file: SpectrumFile }[]): MeasuredInput[] {
  const inputs: MeasuredInput[] = [];
  for (const { name, file } of files) {
    for (const [i, spectrum] of file.spectra.entries())
      inputs.push({ source: file.spectra.length > 1 ? `${name}#${i}` : name, spectrum });
    const im = file.image;
    if (im) {
      const sum = regionSum(im, new Uint8Array(pixelCount(im)).fill(1));
      inputs.push({
        source: `${name} (sum of ${pixelCount(im)} pixels)`,
        spectrum: makeSpectrum(imageEnergyAxis(im), sum.intensity, {
          ...im.meta,
          label: 'sum of all pixels',
        }),
      });
    }
  }
  return inputs;
}
