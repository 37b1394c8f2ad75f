import { safeStorage } from 'electron';
import type { TokenCodec } from '../services/token-store';

const PREFIX = 'safe:v1:';

/**
 * Encrypts the bearer token with the OS keychain (safeStorage). Where no
 * keychain is available the token stays in the 0600 file as is, like the web host's.
 */
export function safeStorageCodec(warn: (message: string) => void): TokenCodec {
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
