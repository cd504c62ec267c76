/**
 * The web app's build: React, from web/ into dist/web, served by the same Fastify process as the API
 * (src/server/web.ts). Office pages are split into their own chunk; the build prints the main bundle's size.
 */
import react from '@vitejs/plugin-react';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/** Prints the entry chunk's size (raw and gzip) against its budget, so a growing bundle is seen in every build. */
function bundleBudget(budgetKiB: number): Plugin {
  return {
    name: 'plenum-bundle-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      let raw = 0;
      let gz = 0;
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk' && chunk.isEntry) {
          raw += chunk.code.length;
          gz += gzipSync(chunk.code).length;
        }
      }
      const kib = (n: number) => (n / 1024).toFixed(1);
      this.info(`main bundle: ${kib(raw)} KiB, ${kib(gz)} KiB gzip (budget ${budgetKiB} KiB gzip)`);
      if (gz / 1024 > budgetKiB) this.warn(`main bundle is over its budget: ${kib(gz)} KiB gzip > ${budgetKiB} KiB`);
    },
  };
}

export default defineConfig({
  root: 'web',
  plugins: [react(), bundleBudget(120)],
  build: { outDir: '../dist/web', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
