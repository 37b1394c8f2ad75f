import type { VerityBridge } from '../../shared/ipc/contract';

declare global {
  interface Window {
    /** Installed by the Electron preload or by the web host's bridge script; absent if neither ran. */
    verity?: VerityBridge;
  }
}

export {};
