import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

/**
 * Desktop build: main (the Electron shell and its services), the sandboxed
 * preload, and the renderer. `npm run build:renderer` builds the renderer alone
 * for the web host with renderer/vite.config.ts.
 */
export default defineConfig({
  main: {
    build: {
      // Dependencies (better-sqlite3 above all: a native addon) stay in node_modules.
      externalizeDeps: true,
      // engine: the utility process that runs the cockpit's services (main/shell/engine-process.ts forks it).
      rollupOptions: { input: { index: resolve('main/shell/index.ts'), engine: resolve('main/engine/utility-entry.ts') } },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require() anything but electron: bundle it whole, as CommonJS.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    build: {
      rollupOptions: { input: { index: resolve('renderer/index.html') } },
    },
    plugins: [react()],
  },
});
