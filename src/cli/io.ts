/** Console plumbing shared by the commands: reading JSON files with line/column errors, progress bars, failing. */
import { readFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { z } from 'zod';
import { DomainError, isDomainError } from '../domain/errors.ts';

export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new DomainError('invalid_input', `cannot read ${file}: ${(e as Error).message}`, { field: 'file' });
  }
}

function lineColumnAt(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return { line, column: position - before.lastIndexOf('\n') };
}

/** Parses a JSON file and checks it against a schema; errors say file:line:column or the field path. */
export function readJsonFile<T extends z.ZodType>(file: string, schema: T): z.output<T> {
  const text = readText(file);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const { line, column } = pos ? lineColumnAt(text, Number(pos[1])) : { line: 1, column: 1 };
    throw new DomainError('invalid_input', `${file}:${line}:${column}: not valid JSON (${msg.replace(/ in JSON at position.*$/, '')})`, {
      location: { line, column },
    });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    let field = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') field = [field, issue.keys[0]].filter(Boolean).join('.');
    const where = locateField(text, issue.path.map(String));
    throw new DomainError('invalid_input', `${file}${where ? `:${where.line}:${where.column}` : ''}: ${field || '(top level)'}: ${issue.message}`, {
      field,
      ...(where ? { location: where } : {}),
    });
  }
  return parsed.data;
}

/** Best effort: the line and column of the last key of a path in the JSON text (for pointing at the bad field). */
function locateField(text: string, path: string[]): { line: number; column: number } | undefined {
  const key = [...path].reverse().find((p) => !/^\d+$/.test(p));
  if (!key) return undefined;
  const i = text.indexOf(JSON.stringify(key));
  return i < 0 ? undefined : lineColumnAt(text, i);
}

/**
 * A progress bar on standard error (a line every tenth when it is not a terminal): done of total, and the percentage.
 * `format` spells the two figures (default: whole numbers with thousands separators; e.g. seconds for a timed run).
 */
export function progressBar(label: string, format: (n: number) => string = (n) => n.toLocaleString('en')): { update: (done: number, total: number) => void; stop: () => void } {
  if (!process.stderr.isTTY) {
    let lastPrinted = -1;
    return {
      update: (done, total) => {
        const pct = total ? Math.floor((100 * done) / total) : 100;
        if (pct >= lastPrinted + 10 || done === total) {
          lastPrinted = pct;
          process.stderr.write(`${label}: ${format(done)} of ${format(total)} (${pct}%)\n`);
        }
      },
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {value} of {total} ({percentage}%) {eta_formatted}`,
      formatValue: (v: number, _o: unknown, type: string) => (type === 'value' || type === 'total' ? format(v) : String(v)),
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop: () => started && bar.stop(),
  };
}

export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/** Prints an error the way a user can act on it and returns the exit code. */
export function reportError(e: unknown, file?: string): number {
  if (e instanceof CliExit) return e.exitCode;
  if (isDomainError(e)) {
    const loc = file && e.code === 'csv_invalid' ? `${file}: ` : '';
    process.stderr.write(`plenum: ${loc}${e.message}${e.field && !e.message.includes(e.field) ? ` [field: ${e.field}]` : ''} (${e.code})\n`);
    return 1;
  }
  const code = (e as { code?: string })?.code ?? '';
  if (code.startsWith('SQLITE_BUSY')) {
    process.stderr.write('plenum: the database is busy with another writer for too long; nothing was stored, try again (unavailable)\n');
    return 1;
  }
  process.stderr.write(`plenum: unexpected error: ${(e as Error)?.stack ?? String(e)}\n`);
  return 2;
}
