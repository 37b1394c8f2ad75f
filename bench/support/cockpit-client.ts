import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { SignInResponseSchema } from '../../shared/api/http';
import { SyncHttp } from '../../main/sync/sync-http';
import type { SnapshotManifest } from '../../shared/sync/protocol';
import type { PartBytes } from './floor-load';

/** Signs in over HTTP, as the cockpit does; returns the bearer token. */
export async function signIn(serverUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(new URL('/api/auth/sign-in', serverUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`sign-in as ${email} failed: HTTP ${response.status}`);
  return SignInResponseSchema.parse(await response.json()).token;
}

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface DownloadedSnapshot {
  manifest: SnapshotManifest;
  parts: PartBytes[];
  manifestSeconds: number;
  /** Seconds spent per entity receiving its parts (the server builds them as it sends). */
  entitySeconds: Record<string, number>;
  seconds: number;
}

/** Downloads every part of a snapshot into memory, one after another, doing nothing else. */
export async function downloadSnapshot(serverUrl: string, token: string): Promise<DownloadedSnapshot> {
  const http = new SyncHttp({ serverUrl, token: async () => token, locale: () => 'en', clientId: randomUUID() });
  const started = performance.now();
  const manifest = await http.manifest();
  const manifestSeconds = (performance.now() - started) / 1000;
  const parts: PartBytes[] = [];
  const entitySeconds: Record<string, number> = {};
  for (const p of manifest.parts) {
    const t = performance.now();
    parts.push({ entity: p.entity, part: p.part, gz: await drain(await http.part(manifest, p)) });
    entitySeconds[p.entity] = (entitySeconds[p.entity] ?? 0) + (performance.now() - t) / 1000;
  }
  return { manifest, parts, manifestSeconds, entitySeconds, seconds: (performance.now() - started) / 1000 };
}
