import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The specfuse web app (issue 11): a single-page app served by `specfuse serve` from `<repo>/dist-web`.
 * Everything (Plotly, 3Dmol.js) is bundled: the app never fetches anything from the internet.
 * Build: `npm run build:web`.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist-web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    sourcemap: false,
    rollupOptions: {
      onwarn(warning, warn) {
        // 3Dmol.js's bundle contains an eval in an optional code path the app does not use
        if (warning.code === 'EVAL' && warning.id?.includes('3dmol')) return;
        warn(warning);
      },
    },
  },
});
