/**
 * Where a worker thread's code is. In a build (the Electron bundle) it is a built `.js` beside the
 * module that starts it; from the TypeScript sources (CLI, tests, benchmarks) it is the `.ts` file,
 * loaded through tsx's loader inside the worker. `moduleUrl` is the caller's `import.meta.url`.
 */
export function workerEntry(moduleUrl: string, builtFile: string, sourceFile: string): { source: string | URL; eval: boolean } {
  if (!moduleUrl.endsWith('.ts')) return { source: new URL(`./${builtFile}`, moduleUrl), eval: false };
  const target = new URL(`./${sourceFile}`, moduleUrl).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return { source: `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`, eval: true };
}
