import type { Kysely } from 'kysely';
import { SettingsSchema, type Settings } from '../../shared/ipc/contract';
import type { LocalDatabase } from '../db/schema';
import type { KeyValueStore } from './key-value.store';

export const DEFAULT_SETTINGS: Settings = { locale: null, theme: 'auto', launchAtLogin: false };

const SETTING_KEYS = {
  locale: 'settings.locale',
  theme: 'settings.theme',
  launchAtLogin: 'settings.launchAtLogin',
} as const satisfies Record<keyof Settings, string>;

export type SettingsListener = (settings: Settings, changed: (keyof Settings)[]) => void;

/** The user's cockpit preferences, one row per setting in the local store. */
export class SettingsService {
  readonly #db: Kysely<LocalDatabase>;
  readonly #kv: KeyValueStore;
  readonly #listeners = new Set<SettingsListener>();

  constructor(db: Kysely<LocalDatabase>, kv: KeyValueStore) {
    this.#db = db;
    this.#kv = kv;
  }

  async get(): Promise<Settings> {
    const shape = SettingsSchema.shape;
    const [locale, theme, launchAtLogin] = await Promise.all([
      this.#kv.read(SETTING_KEYS.locale, shape.locale),
      this.#kv.read(SETTING_KEYS.theme, shape.theme),
      this.#kv.read(SETTING_KEYS.launchAtLogin, shape.launchAtLogin),
    ]);
    return {
      locale: locale ?? DEFAULT_SETTINGS.locale,
      theme: theme ?? DEFAULT_SETTINGS.theme,
      launchAtLogin: launchAtLogin ?? DEFAULT_SETTINGS.launchAtLogin,
    };
  }

  /** Applies a validated partial update atomically and tells listeners what changed. */
  async update(patch: Partial<Settings>): Promise<Settings> {
    const before = await this.get();
    const next = SettingsSchema.parse({ ...before, ...patch });
    const changed = (Object.keys(SETTING_KEYS) as (keyof Settings)[]).filter((k) => next[k] !== before[k]);
    if (changed.length === 0) return next;
    await this.#db.transaction().execute(async (trx) => {
      for (const key of changed) await this.#kv.write(SETTING_KEYS[key], next[key], trx);
    });
    for (const listener of [...this.#listeners]) listener(next, changed);
    return next;
  }

  onChange(listener: SettingsListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }
}
