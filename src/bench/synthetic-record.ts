/**
 * A published record written straight to a directory, for timing `plenum verify` on a log far larger than a test
 * would build through the server: the discussion, the office key, the roll of `units` branches under one root, then
 * `reports` signed report entries (each branch's versions in turn: versions 1, 2, … superseding each other), the hash
 * tiles and entry bundles, a checkpoint signed by a log key, its vkey, and tallies.json computed with the same domain
 * functions the server uses. The layout is exactly what `plenum export` writes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deriveOutcome } from '../domain/report.ts';
import { addInto, contributionOf, emptyTally, type TallyCounts } from '../domain/tally.ts';
import { mulberry32 } from '../domain/random.ts';
import { canonicalBytes } from '../log/canonical.ts';
import { signCheckpoint } from '../log/checkpoint.ts';
import { discussionEntryFromDefinition, keyEntry, reportEntry, rollEntries, sha256Hex, type ReportEntry } from '../log/entries.ts';
import { leafHash } from '../log/merkle.ts';
import { generateSigner, verifierKey } from '../log/note.ts';
import { signingKeyId, signReportStatement, type ReportStatement } from '../log/signing.ts';
import { encodeBundle, entryBundlePath, textPath, tileCoords, TILE_WIDTH } from '../log/tiles.ts';
import { MerkleTree } from '../log/tree.ts';
import { benchDiscussion, branchReport } from './organization.ts';

export interface SyntheticRecord {
  dir: string;
  entries: number;
  reports: number;
  units: number;
  vkey: string;
}

const ROLL = 20;

export function writeSyntheticRecord(dir: string, opts: { reports: number; units: number }, progress: (done: number, total: number) => void): SyntheticRecord {
  const definition = { ...benchDiscussion(), reportingClosesAt: '2999-12-31T00:00:00.000Z' };
  const origin = 'bench.plenum.localhost/bench';
  const logKey = generateSigner(origin);
  const office = generateSigner('plenum-office');
  const officeKeyId = signingKeyId(office.publicKey);
  const rootId = 'org';
  const unitIds = Array.from({ length: opts.units }, (_, i) => `b${String(i).padStart(7, '0')}`);
  const tree = new MerkleTree();
  let pending: Uint8Array[] = [];
  let bundleIndex = 0;
  const write = (path: string, bytes: Uint8Array | string) => {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  };
  const append = (bytes: Uint8Array) => {
    tree.append(leafHash(bytes));
    pending.push(bytes);
    if (pending.length === TILE_WIDTH) {
      write(entryBundlePath(bundleIndex++), encodeBundle(pending));
      pending = [];
    }
  };

  append(discussionEntryFromDefinition(definition));
  append(keyEntry({ action: 'enrol', keyId: officeKeyId, unitId: rootId, publicKey: Buffer.from(office.publicKey).toString('base64'), approvedBy: 'organization' }));
  for (const e of rollEntries(definition.id, [[rootId, null, 0], ...unitIds.map((id): [string, string, number] => [id, rootId, ROLL])])) append(e);

  const rng = mulberry32(1924);
  const current = new Map<string, ReturnType<typeof branchReport>>();
  const resolutionSha256 = sha256Hex('The branch meeting discussed the questions and voted as recorded.');
  for (let i = 0; i < opts.reports; i++) {
    const unitId = unitIds[i % opts.units]!;
    const version = Math.floor(i / opts.units) + 1;
    const r = branchReport(rng, unitId, ROLL);
    const statement: ReportStatement = {
      type: 'report',
      v: 1,
      discussionId: definition.id,
      unitId,
      version,
      supersedes: version === 1 ? null : version - 1,
      meetingDate: r.meetingDate,
      present: r.present,
      votes: r.votes,
      resolutionSha256,
      keyId: officeKeyId,
      enteredBy: 'office',
    };
    const signature = signReportStatement(statement, office);
    const { type: _t, v: _v, ...fields } = statement;
    // The first entry through the checking builder; the rest (the same shape) straight to canonical bytes.
    const entry = { ...fields, submittedAt: '2024-01-05T12:00:00.000Z', signature } as Omit<ReportEntry, 'type' | 'v'>;
    append(i === 0 ? reportEntry(entry) : canonicalBytes({ type: 'report', v: 1, ...entry }));
    current.set(unitId, r);
    if (i % 5000 === 4999 || i === opts.reports - 1) progress(i + 1, opts.reports);
  }
  if (pending.length) write(entryBundlePath(bundleIndex, pending.length), encodeBundle(pending));
  const size = tree.size;
  for (const t of tileCoords(size)) write(t.path, tree.tile(size, t.level, t.index).bytes);
  write('checkpoint', signCheckpoint({ origin, size, root: tree.root() }, logKey));
  const vkey = verifierKey(logKey.name, logKey.publicKey);
  write('vkey', `${vkey}\n`);

  // The tallies, as the server publishes them.
  const root: TallyCounts = emptyTally(definition);
  const units = unitIds.map((unitId) => {
    const r = current.get(unitId);
    const counts = contributionOf(definition, ROLL, r ? { present: r.present, votes: r.votes, outcome: deriveOutcome(r, ROLL, definition), officeSigned: true } : null);
    addInto(root, counts);
    return { unitId, counts };
  });
  const view = (unitId: string, counts: TallyCounts) => ({ discussionId: definition.id, unitId, asOf: '2024-01-05T12:00:00.000Z', provisional: true, ...counts, withheld: false });
  const all = [view(rootId, root), ...units.map((u) => view(u.unitId, u.counts))].sort((a, b) => (a.unitId < b.unitId ? -1 : 1));
  write(textPath(sha256Hex(definition.title)), definition.title);
  write('tallies.json', JSON.stringify({ discussionId: definition.id, logSize: size, asOf: '2024-01-05T12:00:00.000Z', provisional: true, units: all }));
  return { dir, entries: size, reports: opts.reports, units: opts.units, vkey };
}
