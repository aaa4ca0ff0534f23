/**
 * `pnpm --filter @leadsync/proxy outbox <command>`: inspects the Node outbox database directly,
 * for operators without the admin routes. Reads LEADSYNC_OUTBOX_PATH like the proxy. A relative
 * path is resolved from the current directory, which for `pnpm --filter` is `proxy/`. So every
 * output names the absolute path, and a path with no database is rejected, not created.
 *
 *   stats                     pending and dead counts, and when the oldest pending entry came in
 *   list [limit]              dead letters, oldest first: submissions with the e-mail address
 *                             masked, association jobs with the lead id
 *   replay <submissionId>     queue a dead letter for delivery again
 *   drop <submissionId>       delete a dead letter for good
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import Database from 'better-sqlite3';

import { ConfigError } from '../errors.js';
import { maskEmailAddresses } from '../log.js';
import { DEFAULT_OUTBOX_PATH } from '../outbox/outbox-path.js';
import type { OutboxStats } from '../outbox/outbox.js';
import { SqliteOutbox } from '../outbox/sqlite-outbox.js';

const USAGE = 'Usage: outbox stats | list [limit] | replay <submissionId> | drop <submissionId>';

export interface CliResult {
  exitCode: number;
  output: string;
}

const COMMANDS = new Set(['stats', 'list', 'replay', 'drop']);

/**
 * Runs one CLI command against the outbox at `path`, resolved from the current directory, and
 * returns what to print, with exit code 1 when no database exists there and 2 on a usage error.
 */
export async function runOutboxCli(args: readonly string[], path: string): Promise<CliResult> {
  const [command, argument] = args;
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
  return JSON.stringify({ path, ...counts, ...(oldestPendingAt !== undefined && { oldestPendingAt: new Date(oldestPendingAt).toISOString() }) });
}

function withPath(path: string, text: string): string {
  return `Outbox database: ${path}\n${text}`;
}

async function listDeadLetters(outbox: SqliteOutbox, limitText: string | undefined): Promise<string> {
  const limit = limitText === undefined ? 100 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`The limit must be a positive integer, got ${JSON.stringify(limitText)}.`);

  const letters = await outbox.listDeadLetters(limit);
  if (letters.length === 0) return 'No dead letters.';

  return letters
    .map((letter) => {
      const kind = letter.kind ?? 'deliver';
      const subject = letter.kind === 'associate' ? `leadId=${letter.leadId > 0 ? letter.leadId : '-'}` : maskedEmail(letter.lead.email);
      return [letter.submissionId, new Date(letter.deadAt).toISOString(), letter.formId, kind, subject, `attempts=${letter.attempts}`, letter.lastError].join('\t');
    })
    .join('\n');
}

function maskedEmail(email: string | undefined): string {
  return email === undefined ? '-' : maskEmailAddresses(email);
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
