// The messages between the market's thread and the worker thread that owns its embedded PGlite database
// (pglite-worker.ts), and how an error crosses: structured cloning keeps an Error's message but drops PostgreSQL's
// fields (code, constraint, detail…), which the stores and the tests read, so they are carried beside it.
import { messages } from '@electric-sql/pglite';

export type PGliteWorkerData = { dataDir: string; templateDir: string | undefined };

export type PGliteWorkerRequest = { id: number; sql: string; params: unknown[] } | { id: number; close: true };

/** An error as it crosses: its message, and its string and number fields (PostgreSQL's error fields are those). */
export type CrossingError = { message: string; fromDatabase: boolean; fields: Record<string, string | number> };

export type PGliteWorkerReply =
  { id: number; rows: unknown[]; affectedRows: number | undefined } | { id: number; error: CrossingError };

/** The worker's first message: the database is open, or it could not be. */
export type PGliteWorkerStart = { ready: true } | { failed: CrossingError };

export function toCrossingError(error: unknown): CrossingError {
  if (!(error instanceof Error)) return { message: String(error), fromDatabase: false, fields: {} };
  const fields: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  }
  return { message: error.message, fromDatabase: error instanceof messages.DatabaseError, fields };
}

/** The error as the thread that owns PGlite would have thrown it: a DatabaseError with its fields, or an Error. */
export function fromCrossingError({ message, fromDatabase, fields }: CrossingError): Error {
  const error = fromDatabase ? new messages.DatabaseError(message, 0, 'error') : new Error(message);
  return Object.assign(error, fields);
}
