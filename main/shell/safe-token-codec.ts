import { safeStorage } from 'electron';
import type { TokenCodec } from '../services/token-store';

const PREFIX = 'safe:v1:';

/** safeStorage answers at once; the engine reaches it across its port as a TokenCodec. */
export interface SyncTokenCodec extends TokenCodec {
  encode(token: string): string;
  decode(stored: string): string;
}

/**
 * Encrypts the bearer token with the OS keychain (safeStorage). Where no
 * keychain is available the token stays in the 0600 file as is, like the web host's.
 */
export function safeStorageCodec(warn: (message: string) => void): SyncTokenCodec {
  return {
    encode(token) {
      if (!safeStorage.isEncryptionAvailable()) {
        warn('OS keychain unavailable; the session token is kept in a file readable only by you');
        return token;
      }
      return PREFIX + safeStorage.encryptString(token).toString('base64');
    },
    decode(stored) {
      if (!stored.startsWith(PREFIX)) return stored;
      return safeStorage.decryptString(Buffer.from(stored.slice(PREFIX.length), 'base64'));
    },
  };
}
