// Public API of the web layer: start the local web app server.
import { registerAnalysisRoutes } from './analysis.js';
import { registerDatasetRoutes } from './dataset.js';
import { type RunningServer, type ServerOptions, buildApp } from './server.js';

export type { RunningServer, ServerOptions } from './server.js';
export { DEFAULT_MAX_UPLOAD_BYTES, defaultStaticDir, isLoopback } from './server.js';

/** Start the server; resolves once it listens. `url` is http://host:port (IPv6 hosts bracketed). */
export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const { app } = await buildApp(opts, [registerAnalysisRoutes, registerDatasetRoutes]);
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ port: opts.port ?? 8080, host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 8080);
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    port,
    close: () => app.close(),
  };
}
