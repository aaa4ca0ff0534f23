import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { ConfigError } from '../errors.js';
import type { SqliteDatabase } from './sqlite-outbox.js';
import { migrateOutboxSchema } from './sqlite-outbox-schema.js';

const VARIABLE = 'LEADSYNC_OUTBOX_PATH';

/**
 * Opens the outbox database at `path`, sets its write mode and brings its schema to the current
 * version. Every failure becomes a `ConfigError` that names the file, the cause and the fix, and
 * the handle is closed first, so a proxy that fails to start keeps no file open.
 */
export function openOutboxDatabase(path: string, open: (path: string) => SqliteDatabase): SqliteDatabase {
  if (path !== ':memory:') prepareDirectory(path);

  let database: SqliteDatabase;
  try {
    database = open(path);
  } catch (error) {
    throw openFailed(path, error);
  }

  try {
    database.exec('PRAGMA journal_mode = WAL');
    database.exec('PRAGMA synchronous = FULL');
    // Another process (the outbox CLI) may hold the write lock for a moment.
    database.exec('PRAGMA busy_timeout = 5000');
    migrateOutboxSchema(database, path);
    return database;
  } catch (error) {
    database.close();
    throw error instanceof ConfigError ? error : openFailed(path, error);
  }
}

function prepareDirectory(path: string): void {
  if (isDirectory(path)) {
    throw new ConfigError(VARIABLE, `${VARIABLE} names a directory, ${path}, but must name the database file. Set it to a file path such as ${join(path, 'outbox.sqlite')}.`);
  }

  const directory = dirname(path);
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    throw new ConfigError(
      VARIABLE,
      `Creating the directory ${directory} of the outbox database ${path} failed: ${describeCause(error)}. ` +
        `Create it with write access for the proxy's user, or set ${VARIABLE} to a path in a writable directory.`,
      { cause: error },
    );
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    // A path that cannot be checked (missing, or under a file) is reported by mkdir or open below.
    return false;
  }
}

function openFailed(path: string, error: unknown): ConfigError {
  return new ConfigError(VARIABLE, `Opening the outbox database ${path} (${VARIABLE}) failed: ${describeCause(error)}. ${suggestFix(error)}`, { cause: error });
}

function suggestFix(error: unknown): string {
  const text = `${errorCode(error)} ${describeCause(error)}`.toLowerCase();

  if (/notadb|not a database/.test(text)) {
    return `The file is not a SQLite database. Move it away, or set ${VARIABLE} to another file.`;
  }
  if (/readonly|read-only|cantopen|unable to open|perm|eacces|erofs/.test(text)) {
    // In WAL mode SQLite also creates `<file>-wal` and `<file>-shm` beside the file.
    return `Give the proxy's user write access to the file and its directory, or set ${VARIABLE} to a writable path.`;
  }
  return `Check the file, or set ${VARIABLE} to another file.`;
}

function errorCode(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : '';
}

function describeCause(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
