// @ts-check
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';

/**
 * The layer rule as an allowlist (README "Architecture"): each layer names the
 * folders and packages it may import, and everything else is refused. A
 * denylist let `better-sqlite3/lib/database`, `pg/lib/client` and
 * `import('../../main/…')` through; here a package entry covers the package
 * and all its subpaths, and static imports, re-exports, `import()`,
 * `require()`, `import x = require()` and `import('…').T` types are all checked.
 */

/** Stands for every Node built-in, with or without the `node:` prefix. */
export const NODE_BUILTINS = 'node:';

/**
 * @typedef {object} LayerOptions
 * @property {string} layer how the layer is named in messages, e.g. "shared/"
 * @property {string} why the reason the layer is closed, shown with every refusal
 * @property {string[]} folders repo folders (relative to the repo root) this layer may import from
 * @property {string[]} [exceptFolders] sub-folders of those it still may not import from
 * @property {string[]} packages package names it may import (each with its subpaths); NODE_BUILTINS for Node
 */

const builtins = new Set(builtinModules);

/** @param {string} spec */
function isBuiltin(spec) {
  if (spec.startsWith('node:')) return true;
  const top = spec.split('/')[0] ?? spec;
  return builtins.has(spec) || builtins.has(top);
}

/** @param {string} spec @param {string} entry */
function packageMatches(spec, entry) {
  if (entry === NODE_BUILTINS) return isBuiltin(spec);
  if (entry.endsWith('/')) return spec.startsWith(entry); // a whole npm scope, e.g. "@fastify/"
  return spec === entry || spec.startsWith(`${entry}/`);
}

/** @param {string} folder @param {string} path repo-relative, '/'-separated */
function inFolder(path, folder) {
  return path === folder || path.startsWith(`${folder}/`);
}

/**
 * Why `spec` (imported from `filename`) is outside the layer, or null when allowed.
 * @param {string} spec @param {string} filename @param {string} root @param {LayerOptions} options
 * @returns {string | null}
 */
export function refusal(spec, filename, root, options) {
  const bare = spec.split('?')[0] ?? spec; // Vite-style "./x.css?inline"
  if (bare.startsWith('.') || bare.startsWith('/')) {
    const target = relative(root, resolve(dirname(filename), bare)).split(sep).join('/');
    if (target.startsWith('..')) return `'${spec}' reaches outside the repository`;
    const allowed = options.folders.some((f) => inFolder(target, f));
    const excepted = (options.exceptFolders ?? []).find((f) => inFolder(target, f));
    if (excepted) return `${options.layer} must not import from ${excepted}/: ${options.why}`;
    if (!allowed) {
      const top = target.split('/')[0] ?? target;
      return `${options.layer} must not import from ${top}/ (only ${options.folders.map((f) => `${f}/`).join(', ')}): ${options.why}`;
    }
    return null;
  }
  if (options.packages.some((entry) => packageMatches(bare, entry))) return null;
  const what = isBuiltin(bare) ? 'the Node API' : 'this package';
  return `${options.layer} must not import '${spec}' (${what} is not on its allowlist): ${options.why}`;
}

/** @param {import('estree').Node | null | undefined} node @returns {string | null} */
function staticString(node) {
  if (!node) return null;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0]?.value.cooked ?? null;
  return null;
}

/** @type {import('eslint').Rule.RuleModule} */
export const allowedImports = {
  meta: {
    type: 'problem',
    docs: { description: "Each layer imports only the folders and packages on its allowlist (README 'Architecture')" },
    schema: [
      {
        type: 'object',
        properties: {
          layer: { type: 'string' },
          why: { type: 'string' },
          folders: { type: 'array', items: { type: 'string' } },
          exceptFolders: { type: 'array', items: { type: 'string' } },
          packages: { type: 'array', items: { type: 'string' } },
        },
        required: ['layer', 'why', 'folders', 'packages'],
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const options = /** @type {LayerOptions} */ (context.options[0]);
    const root = context.cwd;
    /** @param {import('estree').Node} node @param {import('estree').Node | null | undefined} source */
    const check = (node, source) => {
      const spec = staticString(source);
      if (spec === null) {
        context.report({
          node,
          message: `${options.layer} may load modules only by a literal name, so the layer allowlist can check it: ${options.why}`,
        });
        return;
      }
      const why = refusal(spec, context.filename, root, options);
      if (why) context.report({ node, message: why });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => {
        if (node.source) check(node, node.source);
      },
      ImportExpression: (node) => check(node, node.source),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node, node.arguments[0]);
      },
      // typescript-eslint nodes, which estree's types do not know.
      /** @param {any} node */
      TSExternalModuleReference: (node) => check(node, node.expression),
      /** @param {any} node */
      TSImportType: (node) => check(node, node.source ?? node.argument?.literal),
    };
  },
};

export default { rules: { 'allowed-imports': allowedImports } };
