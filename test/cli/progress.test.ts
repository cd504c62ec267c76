/**
 * Long work shows its progress as done of total and the percentage, never a bare percentage — in whatever unit the
 * figures are (a count by default; seconds for a timed run).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { progressBar } from '../../src/cli/io.ts';

describe('progressBar, not on a terminal', () => {
  const lines: string[] = [];
  const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  afterEach(() => {
    vi.restoreAllMocks();
    if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
    lines.length = 0;
  });
  const capture = () => {
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (lines.push(String(s)), true));
  };

  it('prints a line about every tenth and at the end, with numerator, denominator and percentage', () => {
    capture();
    const bar = progressBar('import');
    for (let i = 1; i <= 20_000; i++) bar.update(i, 20_000);
    bar.stop();
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('import: 1,800 of 20,000 (9%)\n');
    expect(lines.at(-1)).toBe('import: 20,000 of 20,000 (100%)\n');
  });

  it('spells the figures in the unit given', () => {
    capture();
    const bar = progressBar('bare Fastify GET', (ms) => `${(ms / 1000).toFixed(1)} s`);
    bar.update(1_002.4, 10_039.966);
    bar.update(10_039.966, 10_039.966);
    expect(lines).toEqual(['bare Fastify GET: 1.0 s of 10.0 s (9%)\n', 'bare Fastify GET: 10.0 s of 10.0 s (100%)\n']);
  });
});
