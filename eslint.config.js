// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

/**
 * Layer rules (README "Architecture"): imports point only toward shared/.
 * Enforced here so `npm test` fails when a layer reaches where it must not.
 */
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const serverOnly = ['better-sqlite3', 'kysely', 'kysely-pglite', 'pg', '@electric-sql/pglite', 'fastify', '@fastify/*', 'ws', 'pino'];
const electronPkgs = ['electron', 'electron-updater', 'electron/*'];

/** @param {string[]} folders */
const folderPatterns = (folders) =>
  folders.map((f) => ({
    group: [`**/${f}`, `**/${f}/**`, `${f}/**`],
    message: `this layer must not import from ${f}/ (see README, Architecture)`,
  }));

/** @param {string[]} names @param {string} why */
const pkgPaths = (names, why) => names.filter((n) => !n.includes('*')).map((name) => ({ name, message: why }));
/** @param {string[]} names @param {string} why */
const pkgGroups = (names, why) => names.filter((n) => n.includes('*')).map((n) => ({ group: [n], message: why }));

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
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-only-tests': 'off',
    },
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...pkgPaths(nodeBuiltins, 'shared/ is pure TypeScript: no Node API'),
            ...pkgPaths(electronPkgs, 'shared/ is pure TypeScript: no Electron'),
            ...pkgPaths(serverOnly, 'shared/ is pure TypeScript: no storage or server packages'),
            ...pkgPaths(['react', 'react-dom', '@mantine/core', '@mantine/hooks'], 'shared/ is pure TypeScript: no UI'),
          ],
          patterns: [
            ...folderPatterns(['main', 'preload', 'renderer', 'server', 'tests', 'bench']),
            ...pkgGroups([...serverOnly, ...electronPkgs], 'shared/ is pure TypeScript'),
          ],
        },
      ],
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
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...pkgPaths(nodeBuiltins, 'the renderer reaches data only through the IPC contract'),
            ...pkgPaths([...electronPkgs, ...serverOnly], 'the renderer reaches data only through the IPC contract'),
          ],
          patterns: [
            ...folderPatterns(['main', 'preload', 'server', 'tests', 'bench']),
            ...pkgGroups([...serverOnly, ...electronPkgs], 'the renderer reaches data only through the IPC contract'),
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['preload/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: pkgPaths([...nodeBuiltins, ...serverOnly], 'preload is sandboxed: contract and Electron bridge only'),
          patterns: folderPatterns(['main', 'renderer', 'server', 'tests', 'bench']),
        },
      ],
    },
  },
  {
    // main/ services are plain Node: only main/shell/ may touch Electron.
    files: ['main/**/*.ts'],
    ignores: ['main/shell/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: pkgPaths(electronPkgs, 'only main/shell/ may import Electron; services stay plain Node'),
          patterns: [
            ...folderPatterns(['renderer', 'preload', 'server', 'tests', 'bench', 'shell']),
            ...pkgGroups(electronPkgs, 'only main/shell/ may import Electron'),
          ],
        },
      ],
    },
  },
  {
    files: ['main/shell/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: folderPatterns(['renderer', 'preload', 'server', 'tests', 'bench']) },
      ],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: pkgPaths([...electronPkgs, 'better-sqlite3'], 'the team server runs no Electron and no cockpit store'),
          patterns: folderPatterns(['main', 'preload', 'renderer', 'tests', 'bench']),
        },
      ],
    },
  },
  {
    files: ['tests/**/*.{ts,tsx}', 'bench/**/*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
