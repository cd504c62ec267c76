/**
 * `plenum apportion --method M [--seats N] [--min K] [--max K] [--per N] [--first A --step B] [--tie-break R] FILE.csv`:
 * the apportionment engine (src/domain/apportionment.ts, docs/apportionment.md) on a CSV `id,population`, for what-if
 * runs and for checking it against published tables. Prints `id,seats` as CSV in the input order (or, with --table,
 * each unit's quota and seats and the ties broken). FILE `-` reads standard input. No database.
 */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import {
  apportion,
  APPORTIONMENT_METHODS,
  describeTie,
  describeTieBreak,
  formatDecimal,
  PROPORTIONAL_METHODS,
  TIE_BREAK_RULES,
  type Apportionment,
  type ApportionmentMethod,
  type PopulationEntry,
  type TieBreak,
} from '../domain/apportionment.ts';
import { DomainError } from '../domain/errors.ts';
import { csvError, readCsv, requireField } from '../services/csv.ts';
import { readText } from './io.ts';

export const APPORTION_HEADER = ['id', 'population'] as const;

interface ApportionFlags {
  method: ApportionmentMethod;
  seats?: string;
  min?: string;
  max?: string;
  per?: string;
  first?: string;
  step?: string;
  tieBreak: (typeof TIE_BREAK_RULES)[number];
  seed?: string;
  table?: boolean;
}

export function registerApportionCommand(program: Command): void {
  program
    .command('apportion <file>')
    .description('apportion seats among units from a CSV with header id,population (FILE - reads standard input); prints id,seats as CSV (see docs/apportionment.md)')
    .addOption(new Option('--method <method>', 'the method').choices(APPORTIONMENT_METHODS).makeOptionMandatory())
    .option('--seats <n>', `the total to share (${PROPORTIONAL_METHODS.join(', ')})`)
    .option('--min <k>', 'the fewest seats a unit with members gets', '0')
    .option('--max <k>', 'the most seats a unit gets')
    .option('--per <n>', 'method per: one seat per N members or part thereof')
    .option('--first <a>', 'method stepped: one seat for the first A members (or part thereof)…')
    .option('--step <b>', 'method stepped: …and one more per further B members or part thereof')
    .addOption(new Option('--tie-break <rule>', 'how equal claims are decided').choices(TIE_BREAK_RULES).default('larger-population-then-id'))
    .option('--seed <n>', 'the seed of the lot (with --tie-break lot)')
    .option('--table', "print a table: each unit's quota and seats, and the ties broken")
    .action((file: string, flags: ApportionFlags) => {
      const label = file === '-' ? '(standard input)' : file;
      let entries: PopulationEntry[];
      try {
        entries = readPopulations(file === '-' ? readFileSync(0, 'utf8') : readText(file));
      } catch (e) {
        throw Object.assign(e as object, { file: label });
      }
      const result = apportion(entries, optionsFrom(flags));
      process.stdout.write(flags.table ? formatTable(result) : formatCsv(result));
    });
}

/** Rows of `id,population`: a population is a whole number ≥ 0; ids are unique. Errors name the line and column. */
export function readPopulations(text: string): PopulationEntry[] {
  const firstLine = new Map<string, number>();
  return readCsv(text, APPORTION_HEADER).map((row) => {
    const id = requireField(row, 'id');
    const seen = firstLine.get(id);
    if (seen !== undefined) throw csvError(row, 'id', `id '${id.slice(0, 80)}' appears twice (first on line ${seen})`);
    firstLine.set(id, row.line);
    const raw = row.values.population ?? '';
    if (!/^\d+$/.test(raw)) throw csvError(row, 'population', `population must be a whole number ≥ 0, got "${raw.slice(0, 40)}"`);
    const population = BigInt(raw);
    if (population > BigInt(Number.MAX_SAFE_INTEGER)) throw csvError(row, 'population', `population must be at most ${Number.MAX_SAFE_INTEGER}, got ${raw}`);
    return { id, population };
  });
}

function optionsFrom(f: ApportionFlags) {
  const num = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new DomainError('invalid_input', `--${name} must be a whole number, got '${v}'`, { field: name });
    return Number(v);
  };
  const needs = (field: string, what: string) => new DomainError('invalid_input', `method ${f.method} needs ${what}`, { field });
  if ((PROPORTIONAL_METHODS as readonly string[]).includes(f.method) && f.seats === undefined) throw needs('seats', '--seats N (the total to share)');
  if (f.method === 'per' && f.per === undefined) throw needs('per', '--per N (one seat per N members or part thereof)');
  if (f.method === 'stepped' && (f.first === undefined || f.step === undefined)) throw needs('first', '--first A and --step B (one seat for the first A members, one more per further B)');
  let tieBreak: TieBreak = { rule: 'larger-population-then-id' };
  if (f.tieBreak === 'lot') {
    const seed = num('seed', f.seed);
    if (seed === undefined) throw new DomainError('invalid_input', '--tie-break lot needs --seed N (the draw is reproducible from it)', { field: 'seed' });
    tieBreak = { rule: 'lot', seed };
  } else if (f.seed !== undefined) {
    throw new DomainError('invalid_input', '--seed applies only with --tie-break lot', { field: 'seed' });
  }
  const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return {
    method: f.method,
    ...defined({ seats: num('seats', f.seats), min: num('min', f.min), max: num('max', f.max), per: num('per', f.per), first: num('first', f.first), step: num('step', f.step) }),
    tieBreak,
  };
}

const csvCell = (v: string) => (/[",\r\n]/.test(v) || v !== v.trim() ? `"${v.replaceAll('"', '""')}"` : v);

export function formatCsv(r: Apportionment): string {
  return ['id,seats', ...r.units.map((u) => `${csvCell(u.id)},${u.seats}`)].join('\n') + '\n';
}

export function formatTable(r: Apportionment): string {
  const showShare = r.units.some((u) => u.share && (u.share.num !== u.quota.num || u.share.den !== u.quota.den));
  const head = ['id', 'population', 'quota', ...(showShare ? ['share'] : []), 'seats'];
  const rows = r.units.map((u) => [u.id, u.population.toLocaleString('en'), formatDecimal(u.quota, 4), ...(showShare ? [formatDecimal(u.share!, 4)] : []), String(u.seats)]);
  rows.push(['total', r.population.toLocaleString('en'), String(r.seats), ...(showShare ? [String(r.seats)] : []), String(r.seats)]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  const rule = [
    `method ${r.method}`,
    r.per !== undefined ? `1 per ${r.per} or part thereof` : '',
    r.first !== undefined ? `1 for the first ${r.first}, +1 per further ${r.step} or part thereof` : '',
    `${r.seats} seats`,
    `min ${r.min}`,
    r.max !== undefined ? `max ${r.max}` : '',
  ].filter(Boolean);
  return [
    line(head),
    ...rows.map(line),
    '',
    `${rule.join(', ')}; quota = population × seats / total population`,
    `tie-break: ${describeTieBreak(r.tieBreak)}`,
    `ties broken: ${r.ties.length ? r.ties.map((t) => describeTie(t, r.tieBreak)).join('; ') : 'none'}`,
    '',
  ].join('\n');
}
