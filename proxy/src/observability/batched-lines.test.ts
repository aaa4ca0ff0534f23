import { describe, expect, it } from 'vitest';

import { createBatchedLines } from './batched-lines.js';

const nextTimerTurn = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('createBatchedLines', () => {
  it('writes one turn’s lines as one chunk', async () => {
    const chunks: string[] = [];
    const lines = createBatchedLines({ output: (chunk) => chunks.push(chunk) });

    lines.write('{"a":1}');
    lines.write('{"b":2}');
    expect(chunks).toEqual([]);

    await nextTimerTurn();
    expect(chunks).toEqual(['{"a":1}\n{"b":2}\n']);
  });

  it('writes at once when the queued characters reach the limit', () => {
    const chunks: string[] = [];
    const lines = createBatchedLines({ output: (chunk) => chunks.push(chunk), maxPendingChars: 10 });

    lines.write('12345');
    lines.write('67890');
    expect(chunks).toEqual(['12345\n67890\n']);
  });

  it('flushes on demand and writes nothing when nothing is queued', async () => {
    const chunks: string[] = [];
    const lines = createBatchedLines({ output: (chunk) => chunks.push(chunk) });

    lines.flush();
    lines.write('last words');
    lines.flush();
    await nextTimerTurn();
    expect(chunks).toEqual(['last words\n']);
  });
});
