import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../../shared/api/errors';
import type { Settings } from '../../shared/ipc/contract';
import { createDispatcher, type IpcHandlers } from '../../main/ipc/dispatch';
import type { Logger } from '../../main/services/logger';

const notUsed = () => Promise.reject(new Error('not used in this test'));
const SETTINGS: Settings = { locale: null, theme: 'auto', launchAtLogin: false };

function handlers(overrides: Partial<IpcHandlers> = {}): IpcHandlers {
  return {
    'app.info': async () => ({ version: '1.0.0', transport: 'web', dataDir: '/tmp/x', osLocale: 'en-US' }),
    'session.get': async () => ({ status: 'signed_out', lastServerUrl: null, lastEmail: null }),
    'session.signIn': notUsed,
    'session.signOut': notUsed,
    'settings.get': async () => SETTINGS,
    'settings.update': async (req) => ({ ...SETTINGS, ...req }),
    'sync.status': notUsed,
    'sync.now': notUsed,
    'sync.mutate': notUsed,
    'attention.list': notUsed,
    'attention.discard': notUsed,
    'attention.resend': notUsed,
    'workspace.summary': notUsed,
    'agenda.today': notUsed,
    'pipeline.summary': notUsed,
    'heatMap.get': notUsed,
    'opportunities.get': notUsed,
    'leads.list': async (req) => ({ leads: [], total: req.limit, clocks: {} }),
    'opportunities.list': notUsed,
    'leads.get': notUsed,
    'users.list': notUsed,
    'activities.list': notUsed,
    ...overrides,
  };
}

function recordingLog(): Logger & { errors: unknown[][] } {
  const errors: unknown[][] = [];
  return { info: () => {}, warn: () => {}, error: (...args: unknown[]) => errors.push(args), errors };
}

describe('createDispatcher', () => {
  it('passes a valid call through, with request defaults applied', async () => {
    const leadsList = vi.fn(handlers()['leads.list']);
    const dispatch = createDispatcher(handlers({ 'leads.list': leadsList }), recordingLog());
    const result = await dispatch('leads.list', { scope: 'mine' });
    expect(result).toEqual({ ok: true, value: { leads: [], total: 100, clocks: {} } });
    expect(leadsList).toHaveBeenCalledWith({ scope: 'mine', limit: 100, offset: 0 });
  });

  it('treats a missing request as {} for calls without arguments', async () => {
    const dispatch = createDispatcher(handlers(), recordingLog());
    expect(await dispatch('settings.get', undefined)).toEqual({ ok: true, value: SETTINGS });
  });

  it('refuses an unknown call as bad_request without calling anything', async () => {
    const dispatch = createDispatcher(handlers(), recordingLog());
    for (const call of ['leads.delete', 'toString', '__proto__', 42, null]) {
      const result = await dispatch(call, {});
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('bad_request');
    }
  });

  it('refuses a request that fails its schema, naming the fields', async () => {
    const dispatch = createDispatcher(handlers(), recordingLog());
    const result = await dispatch('leads.list', { scope: 'everything', limit: 0 });
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    if (!result.ok) expect(result.error.fields?.sort()).toEqual(['limit', 'scope']);
    const extra = await dispatch('settings.update', { theme: 'dark', colour: 'red' });
    expect(extra).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('turns an AppError into its code, message and fields', async () => {
    const dispatch = createDispatcher(
      handlers({
        'session.signIn': async () => {
          throw new AppError('invalid_credentials', 'Wrong email or password', ['password']);
        },
      }),
      recordingLog(),
    );
    const result = await dispatch('session.signIn', { serverUrl: 'http://127.0.0.1:1', email: 'a@b.co', password: 'x' });
    expect(result).toEqual({
      ok: false,
      error: { code: 'invalid_credentials', message: 'Wrong email or password', fields: ['password'] },
    });
  });

  it('turns an unexpected throw into internal, logged, with no stack for the renderer', async () => {
    const log = recordingLog();
    const dispatch = createDispatcher(
      handlers({
        'settings.get': async () => {
          throw new TypeError('secret detail at /home/me/file.ts:12');
        },
      }),
      log,
    );
    const result = await dispatch('settings.get', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('secret detail');
    expect(log.errors).toHaveLength(1);
  });

  it('turns a response that breaks the contract into internal', async () => {
    const log = recordingLog();
    const dispatch = createDispatcher(
      handlers({ 'settings.get': async () => ({ ...SETTINGS, theme: 'neon' }) as unknown as Settings }),
      log,
    );
    const result = await dispatch('settings.get', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(log.errors).toHaveLength(1);
  });
});
