import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/** The web host injects `<script type="module" src="/web-bridge.js">`, so that chunk's name is fixed. */
const WEB_BRIDGE_ENTRY = 'web-bridge';

export default defineConfig({
  root: here('.'),
  // Relative asset URLs work both under Electron's file:// and the web host.
  base: './',
  plugins: [react()],
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    // Served from disk or loopback, never over a slow network: one app chunk is fine.
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      input: {
        index: here('./index.html'),
        [WEB_BRIDGE_ENTRY]: here('../preload/web-bridge.ts'),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === WEB_BRIDGE_ENTRY ? `${WEB_BRIDGE_ENTRY}.js` : 'assets/[name]-[hash].js'),
      },
    },
  },
});
