import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Where the team server's bearer token is kept between runs. */
export interface TokenStore {
  read(): Promise<string | null>;
  write(token: string): Promise<void>;
  clear(): Promise<void>;
}

/**
 * How the token is turned into file content. The web host keeps it as is
 * (file mode 0600); the Electron shell encrypts it with the OS keychain
 * (safeStorage), which the engine reaches across its port, hence a promise.
 */
export interface TokenCodec {
  encode(token: string): string | Promise<string>;
  decode(stored: string): string | Promise<string>;
}

export const plainTokenCodec: TokenCodec = { encode: (t) => t, decode: (s) => s };

export class FileTokenStore implements TokenStore {
  readonly #file: string;
  readonly #codec: TokenCodec;
  /** This process is the file's only writer; every query and sync request asks, so keep the decoded token. */
  #cached: string | null | undefined = undefined;

  constructor(file: string, codec: TokenCodec = plainTokenCodec) {
    this.#file = file;
    this.#codec = codec;
  }

  async read(): Promise<string | null> {
    if (this.#cached === undefined) this.#cached = await this.#readFile();
    return this.#cached;
  }

  async #readFile(): Promise<string | null> {
    let stored: string;
    try {
      stored = (await readFile(this.#file, 'utf8')).trim();
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
    if (!stored) return null;
    try {
      const token = await this.#codec.decode(stored);
      return token || null;
    } catch {
      // A token another OS account or keychain encrypted is useless here: sign in again.
      return null;
    }
  }

  async write(token: string): Promise<void> {
    await mkdir(dirname(this.#file), { recursive: true });
    const temp = `${this.#file}.${process.pid}.tmp`;
    await writeFile(temp, await this.#codec.encode(token), { mode: 0o600 });
    // mode applies only to new files; a leftover temp file keeps its old mode.
    await chmod(temp, 0o600);
    await rename(temp, this.#file);
    this.#cached = token;
  }

  async clear(): Promise<void> {
    await rm(this.#file, { force: true });
    this.#cached = null;
  }
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
