import { randomUUID } from 'node:crypto';
import { SignInResponseSchema } from '../../shared/api/http';
import {
  PullResponseSchema,
  PushResponseSchema,
  SYNC_PROTOCOL_VERSION,
  SYNC_SCHEMA_VERSION,
  type MutationResult,
} from '../../shared/sync/protocol';
import { DEMO_PASSWORD } from './app-helpers';
import { e2eEnv } from './env';

/**
 * Another user acting on the team server directly over HTTP (not through the
 * cockpit under test, and not through its relay).
 */
export class TeamServerUser {
  private constructor(
    private readonly token: string,
    private readonly clientId = randomUUID(),
    private nextMutationId = 1,
  ) {}

  static async signIn(email: string): Promise<TeamServerUser> {
    const response = await fetch(`${e2eEnv('realServerUrl')}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: DEMO_PASSWORD }),
    });
    if (response.status !== 200) throw new Error(`sign-in of ${email} failed: ${response.status} ${await response.text()}`);
    return new TeamServerUser(SignInResponseSchema.parse(await response.json()).token);
  }

  private headers(): Record<string, string> {
    return { 'content-type': 'application/json', authorization: `Bearer ${this.token}`, 'accept-language': 'en' };
  }

  /** Pushes one mutation as this user's own cockpit would; returns the server's verdict. */
  async mutate(name: string, args: unknown): Promise<MutationResult> {
    const response = await fetch(`${e2eEnv('realServerUrl')}/sync/push`, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify({
        protocolVersion: SYNC_PROTOCOL_VERSION,
        schemaVersion: SYNC_SCHEMA_VERSION,
        clientId: this.clientId,
        mutations: [{ id: this.nextMutationId++, name, args, at: new Date().toISOString() }],
      }),
    });
    if (response.status !== 200) throw new Error(`push failed: ${response.status} ${await response.text()}`);
    const result = PushResponseSchema.parse(await response.json()).results[0];
    if (!result) throw new Error('push answered no result');
    return result;
  }

  /** PATCH /api/users/:id as this user (an admin): e.g. deactivate or reactivate an account. */
  async patchUser(userId: string, patch: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${e2eEnv('realServerUrl')}/api/users/${encodeURIComponent(userId)}`, {
      method: 'PATCH',
      headers: this.headers(),
      body: JSON.stringify(patch),
    });
    if (response.status !== 200) throw new Error(`PATCH user failed: ${response.status} ${await response.text()}`);
  }

  /** The latest version of one row this user can see, read from the server's change log. */
  async latestRow(entity: string, id: string): Promise<Record<string, unknown> | null> {
    let cursor = 0;
    let row: Record<string, unknown> | null = null;
    for (;;) {
      const query = new URLSearchParams({
        protocolVersion: String(SYNC_PROTOCOL_VERSION),
        schemaVersion: String(SYNC_SCHEMA_VERSION),
        clientId: this.clientId,
        cursor: String(cursor),
        limit: '5000',
      });
      const response = await fetch(`${e2eEnv('realServerUrl')}/sync/pull?${query.toString()}`, { headers: this.headers() });
      if (response.status !== 200) throw new Error(`pull failed: ${response.status} ${await response.text()}`);
      const page = PullResponseSchema.parse(await response.json());
      for (const change of page.changes) if (change.entity === entity && change.id === id) row = change.row;
      cursor = page.cursor;
      if (!page.hasMore) return row;
    }
  }
}
