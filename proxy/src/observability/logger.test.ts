import { describe, expect, it } from 'vitest';

import { childLogger, createStructuredLogger, maskEmailAddresses } from './logger.js';

function recorder(start = Date.UTC(2026, 0, 15, 18, 0, 0)) {
  const lines: Array<Record<string, unknown>> = [];
  let now = start;
  const logger = createStructuredLogger({
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    now: () => now,
    repeatWindowMs: 60_000,
  });
  return {
    logger,
    lines,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('createStructuredLogger lines', () => {
  it('passes each line with its level', () => {
    const written: Array<[string, string]> = [];
    const logger = createStructuredLogger({ write: (line, level) => written.push([level, JSON.parse(line).level as string]) });

    logger.log('info', 'started');
    logger.log('error', 'failed');

    expect(written).toEqual([
      ['info', 'info'],
      ['error', 'error'],
    ]);
  });

  it('writes one JSON object with level, message, time and fields', () => {
    const { logger, lines } = recorder();

    logger.log('info', 'Lead synced to Marketo', { requestId: 'r1', submissionId: 's1', leadId: 42 });

    expect(lines).toEqual([
      { level: 'info', message: 'Lead synced to Marketo', time: '2026-01-15T18:00:00.000Z', requestId: 'r1', submissionId: 's1', leadId: 42 },
    ]);
  });

  it('masks e-mail addresses in the message and string fields', () => {
    const { logger, lines } = recorder();

    logger.log('error', 'No lead found with EMAIL = ana@example.test', { detail: 'for bob.smith@corp.example.com' });

    expect(lines[0]?.message).toBe('No lead found with EMAIL = a***@example.test');
    expect(lines[0]?.detail).toBe('for b***@corp.example.com');
  });
});

describe('createStructuredLogger repeats', () => {
  it('writes a repeated error once within the window', () => {
    const { logger, lines } = recorder();

    for (let index = 0; index < 5; index += 1) logger.log('error', 'Marketo is down', { code: 'upstream_unavailable', submissionId: `s${index}` });

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ message: 'Marketo is down', submissionId: 's0' });
  });

  it('writes the count when the window has passed', () => {
    const { logger, lines, advance } = recorder();

    for (let index = 0; index < 4; index += 1) logger.log('error', 'Marketo is down', { code: 'upstream_unavailable', submissionId: `s${index}` });
    advance(60_000);
    logger.log('info', 'Lead synced to Marketo');

    expect(lines.map((line) => line.message)).toEqual(['Marketo is down', 'Marketo is down', 'Lead synced to Marketo']);
    expect(lines[1]).toMatchObject({ level: 'error', repeated: 3, repeatWindowSeconds: 60, submissionId: 's3' });
  });

  it('writes the error again in a new window', () => {
    const { logger, lines, advance } = recorder();

    logger.log('warn', 'Retrying', { code: 'upstream_rate_limited' });
    advance(61_000);
    logger.log('warn', 'Retrying', { code: 'upstream_rate_limited' });

    expect(lines).toHaveLength(2);
    expect(lines[1]?.repeated).toBeUndefined();
  });

  it('counts messages with different codes apart', () => {
    const { logger, lines } = recorder();

    logger.log('error', 'Request rejected', { code: 'a' });
    logger.log('error', 'Request rejected', { code: 'b' });

    expect(lines).toHaveLength(2);
  });

  it('never holds back info lines', () => {
    const { logger, lines } = recorder();

    logger.log('info', 'Lead synced to Marketo', { leadId: 1 });
    logger.log('info', 'Lead synced to Marketo', { leadId: 2 });

    expect(lines).toHaveLength(2);
  });

  it('writes held-back counts on flush', () => {
    const { logger, lines } = recorder();

    logger.log('error', 'Marketo is down');
    logger.log('error', 'Marketo is down');
    logger.flush();
    logger.flush();

    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ message: 'Marketo is down', repeated: 1 });
  });
});

describe('childLogger', () => {
  it('adds the bound ids to every line', () => {
    const { logger, lines } = recorder();
    const child = childLogger(logger, { requestId: 'r1', submissionId: 's1' });

    child.log('info', 'Lead synced to Marketo', { leadId: 9, submissionId: 's2' });

    expect(lines[0]).toMatchObject({ requestId: 'r1', submissionId: 's2', leadId: 9 });
  });
});

describe('maskEmailAddresses', () => {
  it('keeps the first letter and the domain', () => {
    expect(maskEmailAddresses('to ana@example.test and x@y.example')).toBe('to a***@example.test and x***@y.example');
  });
});
