/**
 * The outbox file's migrations: the user's unsent and rejected writes, which
 * must survive every cache rebuild. Numbered, frozen, each in its own
 * transaction, versioned by PRAGMA user_version.
 */
export const OUTBOX_MIGRATIONS: readonly (readonly string[])[] = [
  [
    `CREATE TABLE outbox (
       mutation_id INTEGER PRIMARY KEY,
       name TEXT NOT NULL,
       args_json TEXT NOT NULL,
       at TEXT NOT NULL,
       status TEXT NOT NULL CHECK (status IN ('pending', 'acked', 'rejected')),
       seq INTEGER,
       error_json TEXT,
       touched_json TEXT NOT NULL DEFAULT '[]',
       created_at TEXT NOT NULL
     ) STRICT`,
    `CREATE TABLE sync_state (key TEXT PRIMARY KEY, value_json TEXT NOT NULL) STRICT`,
  ],
];

export class OutboxFromFutureError extends Error {
  constructor(file: string, version: number) {
    super(
      `The pending-changes file ${file} was written by a newer Verity (format ${version}, this build knows ${OUTBOX_MIGRATIONS.length}). ` +
        'Update Verity; your unsent changes are kept in that file.',
    );
    this.name = 'OutboxFromFutureError';
  }
}
