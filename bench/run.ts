import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { BenchScenario } from './scenario';
import { scenarios } from './scenarios/index';

/**
 * `npm run bench [-- name …]`: runs the registered scenarios (all, or those
 * named), prints a table and writes bench/results/latest.json.
 */

const USAGE = `Usage: npm run bench -- [scenario …] [--list]

Runs every scenario in bench/scenarios/index.ts, or only those named, and
writes the results to bench/results/latest.json.`;

const ArgsSchema = z.object({
  list: z.boolean().default(false),
  help: z.boolean().default(false),
  names: z.array(z.string().min(1)),
});

interface ScenarioResult {
  name: string;
  /** When this scenario ran (results of scenarios not run this time are kept from earlier runs). */
  ranAt: string;
  ok: boolean;
  seconds: number;
  metrics: Record<string, number | string>;
  error?: string;
}

function formatValue(value: number | string): string {
  if (typeof value === 'string') return value;
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

function printTable(results: readonly ScenarioResult[]): void {
  const rows: [string, string, string][] = [];
  for (const r of results) {
    rows.push([r.name, r.ok ? 'wall_s' : 'FAILED', r.ok ? formatValue(Math.round(r.seconds * 100) / 100) : (r.error ?? '')]);
    for (const [key, value] of Object.entries(r.metrics)) rows.push(['', key, formatValue(value)]);
  }
  const header: [string, string, string] = ['scenario', 'metric', 'value'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i as 0 | 1 | 2].length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 2 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ');
  process.stdout.write(`${[line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`);
}

async function runOne(scenario: BenchScenario): Promise<ScenarioResult> {
  process.stderr.write(`running ${scenario.name} …\n`);
  const started = performance.now();
  const ranAt = new Date().toISOString();
  try {
    const metrics = await scenario.run();
    return { name: scenario.name, ranAt, ok: true, seconds: (performance.now() - started) / 1000, metrics };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { name: scenario.name, ranAt, ok: false, seconds: (performance.now() - started) / 1000, metrics: {}, error: message };
  }
}

const PreviousReportSchema = z.object({
  results: z.array(
    z.object({
      name: z.string(),
      ranAt: z.string(),
      ok: z.boolean(),
      seconds: z.number(),
      metrics: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
      error: z.string().optional(),
    }),
  ),
});

/** Results of the last report, so running one scenario keeps the others' latest numbers. */
function previousResults(file: string): ScenarioResult[] {
  if (!existsSync(file)) return [];
  try {
    const parsed = PreviousReportSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) return [];
    // JSON has no NaN: it comes back as null.
    return parsed.data.results.map((r) => ({
      ...r,
      metrics: Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, v ?? Number.NaN])),
    }));
  } catch {
    return [];
  }
}

function order(name: string): number {
  const i = scenarios.findIndex((s) => s.name === name);
  return i < 0 ? scenarios.length : i;
}

async function main(argv: string[]): Promise<number> {
  let parsed: z.output<typeof ArgsSchema>;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { list: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    parsed = ArgsSchema.parse({ ...values, names: positionals });
  } catch (error) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.list) {
    for (const s of scenarios) process.stdout.write(`${s.name}${s.description ? `  ${s.description}` : ''}\n`);
    return 0;
  }
  const known = new Map(scenarios.map((s) => [s.name, s]));
  const unknown = parsed.names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown scenario ${unknown.join(', ')} (known: ${[...known.keys()].join(', ')})\n`);
    return 2;
  }
  const selected = parsed.names.length > 0 ? parsed.names.map((n) => known.get(n) as BenchScenario) : [...scenarios];

  const results: ScenarioResult[] = [];
  for (const scenario of selected) results.push(await runOne(scenario));
  printTable(results);

  const file = join(dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');
  mkdirSync(dirname(file), { recursive: true });
  const ran = new Set(results.map((r) => r.name));
  const kept = previousResults(file).filter((r) => !ran.has(r.name) && known.has(r.name));
  const report = {
    ranAt: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    postgres: process.env.DATABASE_URL ? 'DATABASE_URL set' : 'not set',
    loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
    results: [...results, ...kept].sort((a, b) => order(a.name) - order(b.name)),
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`results written to ${file}\n`);
  return results.every((r) => r.ok) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
