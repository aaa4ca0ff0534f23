/**
 * `pnpm --filter @leadsync/proxy outbox <command>`: inspects the Node outbox database directly,
 * for operators without the admin routes. Reads LEADSYNC_OUTBOX_PATH like the proxy. A relative
 * path is resolved from the current directory, which for `pnpm --filter` is `proxy/`. So every
 * output names the absolute path, and a path with no database is rejected, not created.
 * `HELP` below lists the commands and their output.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import Database from 'better-sqlite3';

import { ConfigError } from '../errors.js';
import { maskEmailAddresses } from '../log.js';
import { DEFAULT_OUTBOX_PATH } from '../outbox/outbox-path.js';
import type { DeadLetter, OutboxEntry, OutboxStats } from '../outbox/outbox.js';
import { SqliteOutbox, type PendingEntry } from '../outbox/sqlite-outbox.js';

const USAGE = 'Usage: outbox stats | list [limit] | pending [limit] | replay <submissionId> | drop <submissionId> | help';

const DEFAULT_LIMIT = 100;

const HELP = `Usage: pnpm --filter @leadsync/proxy outbox <command>

Inspects the proxy's SQLite outbox, and replays or drops its dead letters. The database is the
file LEADSYNC_OUTBOX_PATH names, resolved from the current directory (proxy/ under pnpm --filter),
or ${DEFAULT_OUTBOX_PATH} when the variable is unset.

Commands:
  stats                   pending and dead counts as JSON, and when the oldest pending entry came in
  list [limit]            dead letters, oldest first
  pending [limit]         entries waiting for delivery or a retry, oldest first (read-only)
  replay <submissionId>   queue a dead letter for delivery again
  drop <submissionId>     delete a dead letter for good
  help                    print this text (also --help or -h)

list and pending print at most limit entries (default ${DEFAULT_LIMIT}), one per line, with tab-separated fields:
  list      submissionId, deadAt, formId, kind, masked e-mail or leadId=<id>, attempts=<n>, lastError
  pending   submissionId, enqueuedAt, formId, kind, masked e-mail or leadId=<id>, attempts=<n>,
            nextAttemptAt=<date>, leasedUntil=<date, or - when no drain has the entry leased>,
            lastError (- before the first failure)
Dates are ISO 8601 in UTC.`;

export interface CliResult {
  exitCode: number;
  output: string;
}

export interface OutboxCliOptions {
  /** Clock in ms since the epoch, to tell whether a drain has a pending entry leased. Default `Date.now`. */
  now?: () => number;
}

const COMMANDS = new Set(['stats', 'list', 'pending', 'replay', 'drop']);

/**
 * Runs one CLI command against the outbox at `path`, resolved from the current directory, and
 * returns what to print, with exit code 1 when no database exists there and 2 on a usage error.
 * `help`, `--help` and `-h` return the help text without opening the database.
 */
export async function runOutboxCli(args: readonly string[], path: string, options: OutboxCliOptions = {}): Promise<CliResult> {
  const now = options.now ?? Date.now;
  const [command, argument] = args;
  if (command === 'help' || args.some((arg) => arg === '--help' || arg === '-h')) return ok(HELP);
  if (command === undefined || !COMMANDS.has(command)) {
    return { exitCode: 2, output: command === undefined ? USAGE : `Unknown command ${JSON.stringify(command)}. ${USAGE}` };
  }

  const absolutePath = resolve(path);
  const opened = openExistingOutbox(absolutePath);
  if ('failure' in opened) return opened.failure;
  const { outbox } = opened;

  try {
    switch (command) {
      case 'stats':
        return ok(formatStats(absolutePath, await outbox.stats()));
      case 'list':
        return ok(withPath(absolutePath, await listDeadLetters(outbox, argument)));
      case 'pending':
        return ok(withPath(absolutePath, await listPending(outbox, argument, now())));
      case 'replay':
        return (await outbox.replayDeadLetter(requireId(argument)))
          ? ok(withPath(absolutePath, `Queued ${argument} for delivery again.`))
          : notFound(absolutePath, argument);
      default: // drop, the last of COMMANDS
        return (await outbox.dropDeadLetter(requireId(argument))) ? ok(withPath(absolutePath, `Dropped ${argument}.`)) : notFound(absolutePath, argument);
    }
  } catch (error) {
    if (error instanceof UsageError) return { exitCode: 2, output: `${error.message} ${USAGE}` };
    throw error;
  } finally {
    outbox.close();
  }
}

/**
 * Opens the outbox only if its file exists, because creating an empty database for a mistyped
 * or wrongly resolved path would show "no dead letters" instead of the error.
 * NOTE: opening migrates a file written by an older proxy and puts any file in WAL mode, even for the
 * read-only `stats`, `list` and `pending`. Those commands change no entry of a current file.
 */
function openExistingOutbox(path: string): { outbox: SqliteOutbox } | { failure: CliResult } {
  if (!existsSync(path)) {
    const message =
      `No outbox database at ${path}. Set LEADSYNC_OUTBOX_PATH to the file the proxy uses. ` +
      `A relative path is resolved from the current directory, ${process.cwd()}.`;
    return { failure: { exitCode: 1, output: message } };
  }

  try {
    return { outbox: new SqliteOutbox({ path, open: (file) => new Database(file, { fileMustExist: true }) }) };
  } catch (error) {
    if (error instanceof ConfigError) return { failure: { exitCode: 1, output: error.message } };
    throw error;
  }
}

function formatStats(path: string, stats: OutboxStats): string {
  const { oldestPendingAt, ...counts } = stats;
  return JSON.stringify({ path, ...counts, ...(oldestPendingAt !== undefined && { oldestPendingAt: isoDate(oldestPendingAt) }) });
}

function withPath(path: string, text: string): string {
  return `Outbox database: ${path}\n${text}`;
}

async function listDeadLetters(outbox: SqliteOutbox, limitText: string | undefined): Promise<string> {
  const letters = await outbox.listDeadLetters(parseLimit(limitText));
  if (letters.length === 0) return 'No dead letters.';

  return letters.map(formatDeadLetter).join('\n');
}

function formatDeadLetter(letter: DeadLetter): string {
  return [letter.submissionId, isoDate(letter.deadAt), letter.formId, kindOf(letter), subjectOf(letter), `attempts=${letter.attempts}`, letter.lastError].join('\t');
}

/** Lists pending entries, one per line. An entry is leased while its lease ends after `now`, the rule `claimDue` applies. */
async function listPending(outbox: SqliteOutbox, limitText: string | undefined, now: number): Promise<string> {
  const entries = await outbox.listPending(parseLimit(limitText));
  if (entries.length === 0) return 'No pending entries.';

  return entries.map((entry) => formatPendingEntry(entry, now)).join('\n');
}

function formatPendingEntry(entry: PendingEntry, now: number): string {
  const leasedUntil = entry.leaseUntil > now ? isoDate(entry.leaseUntil) : '-';
  return [
    entry.submissionId,
    isoDate(entry.enqueuedAt),
    entry.formId,
    kindOf(entry),
    subjectOf(entry),
    `attempts=${entry.attempts}`,
    `nextAttemptAt=${isoDate(entry.nextAttemptAt)}`,
    `leasedUntil=${leasedUntil}`,
    entry.lastError === '' ? '-' : entry.lastError,
  ].join('\t');
}

function parseLimit(limitText: string | undefined): number {
  const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`The limit must be a positive integer, got ${JSON.stringify(limitText)}.`);
  return limit;
}

function kindOf(entry: OutboxEntry): string {
  return entry.kind ?? 'deliver';
}

/** Returns the lead an entry is about: the masked e-mail address of a submission, or the lead id of an association job. */
function subjectOf(entry: OutboxEntry): string {
  if (entry.kind === 'associate') return `leadId=${entry.leadId > 0 ? entry.leadId : '-'}`;
  return entry.lead.email === undefined ? '-' : maskEmailAddresses(entry.lead.email);
}

function isoDate(milliseconds: number): string {
  return new Date(milliseconds).toISOString();
}

class UsageError extends Error {
  override name = 'UsageError';
}

function requireId(value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError('Missing submissionId.');
  return value;
}

function ok(output: string): CliResult {
  return { exitCode: 0, output };
}

function notFound(path: string, submissionId: string | undefined): CliResult {
  return { exitCode: 1, output: withPath(path, `No dead letter with submissionId ${submissionId}. Run "outbox list" to see them.`) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const path = resolve(process.env.LEADSYNC_OUTBOX_PATH?.trim() || DEFAULT_OUTBOX_PATH);
  const result = await runOutboxCli(process.argv.slice(2), path);
  (result.exitCode === 0 ? console.log : console.error)(result.output);
  process.exitCode = result.exitCode;
}
