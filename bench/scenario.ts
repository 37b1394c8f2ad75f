/** One benchmark: a name and a run that returns what it measured (numbers or short text). */
export interface BenchScenario {
  name: string;
  /** One line shown by `npm run bench -- --list`. */
  description?: string;
  run(): Promise<Record<string, number | string>>;
}
