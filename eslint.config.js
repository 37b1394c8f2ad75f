// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import layers, { NODE_BUILTINS } from './eslint-layer-imports.js';

/**
 * Layer rules (README "Architecture"): imports point only toward shared/.
 * Each layer is an allowlist of folders and packages (a package covers its
 * subpaths), checked by eslint-layer-imports.js for static imports, `import()`
 * and `require()` alike, so `npm test` fails when a layer reaches where it must not.
 */
const UI = ['react', 'react-dom', 'react-i18next', 'i18next', '@mantine/core', '@mantine/hooks', '@tabler/icons-react'];
/** Plain-Node services of the cockpit: the local store, the sync engine, the web host. */
const COCKPIT_SERVICES = [NODE_BUILTINS, 'zod', 'kysely', 'better-sqlite3', 'ws', 'fastify', '@fastify/static'];
const SERVER = [
  NODE_BUILTINS, 'zod', 'kysely', 'pg', 'pg-copy-streams', '@electric-sql/pglite', 'fastify', '@fastify/', 'pino', 'ws',
];

/** @param {import('./eslint-layer-imports.js').LayerOptions} options */
const layer = (options) => ({ 'layers/allowed-imports': ['error', options] });

/** Node's globals, which neither the renderer nor the sandboxed preload has. */
const NODE_GLOBALS = ['process', 'Buffer', 'require', 'module', 'exports', '__dirname', '__filename', 'global', 'setImmediate'];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      'renderer/dist/**',
      'tests/e2e/screenshots/**',
      'tests/e2e/results/**',
      '.verity/**',
      '.native/**',
      'tests/electron/results/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { layers },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      ...layer({
        layer: 'shared/',
        why: 'shared/ is pure TypeScript: no Node API, Electron, DOM, storage or UI package',
        folders: ['shared'],
        packages: ['zod'],
      }),
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'process', 'Buffer', 'require', '__dirname', 'localStorage', 'navigator', 'fetch'].map(
          (name) => ({ name, message: 'shared/ uses no Node, DOM or Electron API' }),
        ),
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      ...layer({
        layer: 'renderer/',
        why: 'the renderer imports only shared/ and UI packages, and reaches data only through the IPC contract',
        folders: ['renderer', 'shared'],
        packages: [...UI, 'zod'],
      }),
      'no-restricted-globals': [
        'error',
        ...NODE_GLOBALS.map((name) => ({ name, message: 'the renderer runs in a browser: no Node API' })),
      ],
    },
  },
  {
    // The build configuration runs in Node, not in the renderer.
    files: ['renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['preload/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...layer({
        layer: 'preload/',
        why: 'preload is sandboxed (or runs in the browser): contract and Electron bridge only',
        folders: ['preload', 'shared'],
        packages: ['electron'],
      }),
      'no-restricted-globals': [
        'error',
        ...NODE_GLOBALS.map((name) => ({ name, message: 'preload is sandboxed: no Node API' })),
      ],
    },
  },
  {
    // main/ services are plain Node: only main/shell/ may touch Electron.
    files: ['main/**/*.ts'],
    ignores: ['main/shell/**'],
    rules: layer({
      layer: 'main/ services',
      why: 'only main/shell/ may import Electron; main/ never imports server/, renderer/ or preload/',
      folders: ['main', 'shared', 'platform'],
      exceptFolders: ['main/shell'],
      packages: COCKPIT_SERVICES,
    }),
  },
  {
    files: ['main/shell/**/*.ts'],
    rules: layer({
      layer: 'main/shell/',
      why: 'main/ never imports server/, renderer/ or preload/',
      folders: ['main', 'shared', 'platform'],
      packages: [...COCKPIT_SERVICES, 'electron', 'electron-updater'],
    }),
  },
  {
    files: ['server/**/*.ts'],
    rules: layer({
      layer: 'server/',
      why: 'the team server runs no Electron and no cockpit store, and never imports main/, preload/ or renderer/',
      folders: ['server', 'shared', 'platform'],
      packages: SERVER,
    }),
  },
  {
    // Node-only helpers both Node sides need (the data-folder lock, owner-only files): no business rule here.
    files: ['platform/**/*.ts'],
    rules: layer({
      layer: 'platform/',
      why: 'platform/ holds Node helpers for main/ and server/ alike: it imports only Node and zod, never a layer above it',
      folders: ['platform'],
      packages: [NODE_BUILTINS, 'zod'],
    }),
  },
  {
    files: ['tests/**/*.{ts,tsx}', 'bench/**/*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      // A focused or skipped test silently drops the rest of the suite from `npm test`.
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name=/^(describe|it|test)$/][property.name=/^(only|skip)$/]",
          message: 'no focused or skipped tests: .only and .skip leave tests unrun',
        },
        {
          selector: "MemberExpression[object.property.name='describe'][property.name=/^(only|skip)$/]",
          message: 'no focused or skipped tests: .only and .skip leave tests unrun',
        },
      ],
    },
  },
);
