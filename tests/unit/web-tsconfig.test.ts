import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { contextBridge as realContextBridge, ipcRenderer as realIpcRenderer, IpcRendererEvent as RealEvent } from 'electron';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as Sandbox from '../../preload/electron-sandbox';

/**
 * The renderer and the preload run where Node is absent, so their tsconfig
 * must not know Node's globals. @types/node used to leak in through a file
 * whose types reference it (renderer/vite.config.ts pulled in vite's Node
 * types, Electron's pull in @types/node too), and `process.env` type-checked
 * in renderer code. This compiles the real tsconfig.web.json program plus
 * probe files and expects the Node globals to be unknown.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const probes: Record<string, string> = {
  [join(root, 'renderer/src/node-globals.probe.ts')]: [
    'export const env = process.env;',
    "export const bytes = Buffer.from('x');",
    'export const here = __dirname;',
    'export type Timer = NodeJS.Timeout;',
  ].join('\n'),
  [join(root, 'preload/node-globals.probe.ts')]: [
    "import { contextBridge } from 'electron';",
    'contextBridge.exposeInMainWorld("probe", process.versions);',
  ].join('\n'),
};

function compileWebProgram(): ts.Program {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.web.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error('tsconfig.web.json did not parse');
  const host = ts.createCompilerHost(parsed.options);
  const probe = (fileName: string): string | undefined => probes[ts.sys.resolvePath(fileName)];
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, language, ...rest) => {
    const text = probe(fileName);
    return text === undefined ? getSourceFile.call(host, fileName, language, ...rest) : ts.createSourceFile(fileName, text, language);
  };
  host.fileExists = (fileName) => probe(fileName) !== undefined || fileExists.call(host, fileName);
  host.readFile = (fileName) => probe(fileName) ?? readFile.call(host, fileName);
  return ts.createProgram({ rootNames: [...parsed.fileNames, ...Object.keys(probes)], options: parsed.options, host });
}

const program = compileWebProgram();

function errorsIn(fileName: string): { line: number; message: string }[] {
  const file = program.getSourceFile(fileName);
  if (!file) throw new Error(`probe ${fileName} is not in the program`);
  return program.getSemanticDiagnostics(file).map((d) => ({
    line: d.start === undefined ? -1 : file.getLineAndCharacterOfPosition(d.start).line + 1,
    message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
}

describe('tsconfig.web.json (renderer and preload)', () => {
  it('loads no Node type definitions', () => {
    const nodeTypes = program.getSourceFiles().filter((f) => f.fileName.includes('/node_modules/@types/node/'));
    expect(nodeTypes.map((f) => f.fileName)).toEqual([]);
  });

  it('does not know process, Buffer, __dirname or NodeJS in renderer code', { timeout: 120_000 }, () => {
    const errors = errorsIn(join(root, 'renderer/src/node-globals.probe.ts'));
    expect(errors.map((e) => e.line)).toEqual([1, 2, 3, 4]);
    expect(errors[0]?.message).toContain("'process'");
    expect(errors[1]?.message).toContain("'Buffer'");
  });

  it('gives the preload Electron bridge types but not Node', { timeout: 120_000 }, () => {
    const errors = errorsIn(join(root, 'preload/node-globals.probe.ts'));
    expect(errors).toEqual([{ line: 2, message: expect.stringContaining("'process'") }]);
  });
});

describe('preload/electron-sandbox.d.ts', () => {
  it("promises only what Electron's own types provide", () => {
    // Type-level: checked by `tsc -p tsconfig.test.json`, where `electron` is Electron's real typing.
    expectTypeOf<typeof realContextBridge>().toExtend<Sandbox.ContextBridge>();
    expectTypeOf<typeof realIpcRenderer>().toExtend<Sandbox.IpcRenderer>();
    expectTypeOf<RealEvent>().toExtend<Sandbox.IpcRendererEvent>();
  });
});
