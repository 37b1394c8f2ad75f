/**
 * The part of Electron's API a sandboxed preload can use, and all that
 * preload/index.ts needs. tsconfig.web.json maps `electron` here because
 * Electron's own types pull in @types/node (`/// <reference types="node" />`),
 * which would let Node globals type-check in code that has none.
 * tests/unit/preload-electron-types.test.ts checks it against Electron's types.
 */
/** Electron's event: its own `Event` (preventDefault), not the DOM's. */
export interface IpcRendererEvent {
  preventDefault(): void;
  readonly defaultPrevented: boolean;
  readonly ports: MessagePort[];
  readonly sender: IpcRenderer;
}

export interface IpcRenderer {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): this;
  removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): this;
}

export interface ContextBridge {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}

export declare const contextBridge: ContextBridge;
export declare const ipcRenderer: IpcRenderer;
