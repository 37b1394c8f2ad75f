import { z } from 'zod';
import type { ChildGroup } from './child-processes';
import { bin, REPO_ROOT } from './repo-paths';

const ListeningLineSchema = z.object({ msg: z.literal('listening'), url: z.url() });
const HIDES_INFO = new Set(['warn', 'error', 'fatal', 'silent']);

/**
 * Starts the team server from source on its embedded store with demo data,
 * relaying its output, and resolves with its URL once it logs "listening".
 */
export function startDemoServer(children: ChildGroup, port: number, timeoutMs = 120_000): Promise<{ url: string; exited: Promise<number> }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => finish(new Error(`the team server did not report "listening" within ${timeoutMs / 1000} s`)), timeoutMs);
    const finish = (error: Error | null, url?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve({ url: url ?? '', exited });
    };
    // The "listening" line is logged at info: a quieter LOG_LEVEL would leave the launcher waiting forever.
    const level = process.env.LOG_LEVEL;
    const env = level && HIDES_INFO.has(level) ? { ...process.env, LOG_LEVEL: 'info' } : process.env;
    const child = children.start('server', process.execPath, [bin('tsx', 'dist/cli.mjs'), 'server/cli.ts', '--demo', '--port', String(port)], {
      cwd: REPO_ROOT,
      env,
      onLine: (line) => {
        if (!line.startsWith('{')) return;
        try {
          const parsed = ListeningLineSchema.safeParse(JSON.parse(line));
          if (parsed.success) finish(null, parsed.data.url);
        } catch {
          // not JSON after all
        }
      },
    });
    const exited = new Promise<number>((done) => {
      child.once('error', (error) => {
        finish(error);
        done(1);
      });
      child.once('exit', (code) => {
        finish(new Error(`the team server exited (code ${code ?? 'signal'}) before it was listening`));
        done(code ?? 1);
      });
    });
  });
}
