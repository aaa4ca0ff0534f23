/**
 * `pnpm --filter @leadsync/proxy outbox <command>`: inspects the Node outbox database directly,
 * for operators without the admin routes. Reads LEADSYNC_OUTBOX_PATH like the proxy.
 *
 *   stats                     pending and dead counts
 *   list [limit]              dead letters, oldest first: submissions with the e-mail address
 *                             masked, association jobs with the lead id
 *   replay <submissionId>     queue a dead letter for delivery again
 *   drop <submissionId>       delete a dead letter for good
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { maskEmailAddresses } from '../log.js';
import { DEFAULT_OUTBOX_PATH } from '../outbox/outbox-path.js';
import { SqliteOutbox } from '../outbox/sqlite-outbox.js';

const USAGE = 'Usage: outbox stats | list [limit] | replay <submissionId> | drop <submissionId>';

export interface CliResult {
  exitCode: number;
  output: string;
}

/** Runs one CLI command against the outbox at `path` and returns what to print. */
export async function runOutboxCli(args: readonly string[], path: string): Promise<CliResult> {
  const [command, argument] = args;
  const outbox = new SqliteOutbox({ path });

  try {
    switch (command) {
      case 'stats':
        return ok(JSON.stringify({ path, ...(await outbox.stats()) }));
      case 'list':
        return ok(await listDeadLetters(outbox, argument));
      case 'replay':
        return (await outbox.replayDeadLetter(requireId(argument))) ? ok(`Queued ${argument} for delivery again.`) : notFound(argument);
      case 'drop':
        return (await outbox.dropDeadLetter(requireId(argument))) ? ok(`Dropped ${argument}.`) : notFound(argument);
      default:
        return { exitCode: 2, output: command === undefined ? USAGE : `Unknown command ${JSON.stringify(command)}. ${USAGE}` };
    }
  } catch (error) {
    if (error instanceof UsageError) return { exitCode: 2, output: `${error.message} ${USAGE}` };
    throw error;
  } finally {
    outbox.close();
  }
}

async function listDeadLetters(outbox: SqliteOutbox, limitText: string | undefined): Promise<string> {
  const limit = limitText === undefined ? 100 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`The limit must be a positive integer, got ${JSON.stringify(limitText)}.`);

  const letters = await outbox.listDeadLetters(limit);
  if (letters.length === 0) return 'No dead letters.';

  return letters
    .map((letter) => {
      const kind = letter.kind ?? 'deliver';
      const subject = letter.kind === 'associate' ? `leadId=${letter.leadId}` : maskedEmail(letter.lead.email);
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

function notFound(submissionId: string | undefined): CliResult {
  return { exitCode: 1, output: `No dead letter with submissionId ${submissionId}; run "outbox list" to see them.` };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const path = resolve(process.env.LEADSYNC_OUTBOX_PATH?.trim() || DEFAULT_OUTBOX_PATH);
  const result = await runOutboxCli(process.argv.slice(2), path);
  (result.exitCode === 0 ? console.log : console.error)(result.output);
  process.exitCode = result.exitCode;
}
