/**
 * Checking a published record from the outside (`plenum verify`; docs/verifiable-record.md, "Verifying a record"):
 * everything here is computed from the published files alone — the signed checkpoint, the entry bundles, the hash
 * tiles and tallies.json — read through a `RecordSource` (a directory, or a server: src/cli/record-source.ts).
 *
 * The steps, in order, each adding the problems it finds (a problem names the entry index, unit, tile or key):
 *   1. tallies.json: every unit's published tally and `logSize`, the entries those figures account for;
 *   2. the checkpoint, re-read while the log is live until it covers logSize, opened with the log's key (pinned, or
 *      the served `vkey` with a warning), and the witnesses' cosignatures (c2sp.org/tlog-cosignature) required;
 *   3. every entry bundle and hash tile of the checkpoint's size; the tree rebuilt from the entries' leaf hashes
 *      (RFC 6962) must have the checkpoint's root, and every served tile must equal the rebuilt tree's — rebuilding
 *      from the entries is what keeps us clear of trusting an unproved tile (the pitfall in tiles.ts);
 *   4. consistency with a checkpoint seen before: same key, its size at most ours, its root that of our prefix;
 *   5. every entry parses (canonical bytes, parseEntry), and the log's structure holds: the discussion first, the
 *      roll complete before any report, keys registered before they sign and not used after their revocation or
 *      rotation, each unit's versions a chain 1, 2, … with `supersedes` the previous one, counts within the rules;
 *   6. every report's signature, against the key valid at its position (a `SignatureChecker`: here in this thread,
 *      or on all cores, see src/cli/verify.ts);
 *   7. the public texts behind the log's hashes (the discussion's title, `text/<sha256>`) have those hashes;
 *   8. every unit's tally recomputed from entries 0 … logSize − 1 and compared, field by field, with tallies.json.
 *
 * Pure apart from the reads and crypto: no clock, no file system, no network of its own.
 */
import { verify as verifySignature, createPublicKey, type KeyObject } from 'node:crypto';
import { isSmallUnitWithheld, type DiscussionDefinition } from '../domain/discussion.ts';
import { isDomainError } from '../domain/errors.ts';
import { deriveOutcome, reportCountsChecker } from '../domain/report.ts';
import { addInto, contributionOf, recount, type CountedReport, type TallyCounts } from '../domain/tally.ts';
import type { z } from 'zod';
import { PublishedTallies } from '../schemas/tally.ts';
import { openCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint.ts';
import { openCosignature, parseCosignatureVerifierKey, type CosignatureVerifier } from './cosignature.ts';
import { joinRollParts, parseEntry, sha256Hex, type AdjudicationEntry, type ApportionmentEntry, type DecisionEntry, type DiscussionEntry, type Entry, type KeyEntry, type ReportEntry, type RollEntry } from './entries.ts';
import { adjudicatedReport } from '../domain/adjudication.ts';
import { apportion, type ApportionmentOptions } from '../domain/apportionment.ts';
import { emptyRoot, equalHashes, HASH_SIZE, leafHashInto, merkleRoot, type Hash } from './merkle.ts';
import { checkEd25519PublicKey, hex8, parseVerifierKey, type Verifier } from './note.ts';
import { REPORT_STATEMENT_CONTEXT, reportStatementBytes, signingKeyId } from './signing.ts';
import { entryBundlePath, decodeBundle, textPath, TILE_WIDTH, tileCoords, VerifiedTiles, type TileCoord } from './tiles.ts';
import { MerkleTree } from './tree.ts';
import { definitionOf, ReportDigester, type DigestContext } from './report-digest.ts';

// ---- what verification reads, and what it answers ----

/** Where the published files of one discussion come from. */
export interface RecordSource {
  /** The prefix or directory, for messages. */
  readonly description: string;
  /** The bytes of `path` (`checkpoint`, `tile/0/000`, …), or null if there is no such file; throws if it cannot tell. */
  read(path: string): Promise<Uint8Array | null>;
  /** Reads that may run at once (default 1). */
  readonly concurrency?: number;
  /** True for a live server: the checkpoint may lag tallies.json by up to a second, so it is re-read. */
  readonly live?: boolean;
}

export type ProblemKind = 'source' | 'checkpoint' | 'witness' | 'consistency' | 'tree' | 'tile' | 'entry' | 'structure' | 'signature' | 'tally' | 'text' | 'decision' | 'apportionment';

export interface Problem {
  kind: ProblemKind;
  /** One line naming what is wrong and where. */
  message: string;
}

/** One signature to check: the report at log `index`, by the 32-byte Ed25519 `publicKey` valid at that position. */
export interface SignatureJob {
  index: number;
  statement: Uint8Array;
  signature: Uint8Array;
  publicKey: Uint8Array;
}

/**
 * Checks signatures; resolves to the log indexes whose signature does not verify. `progress` gets the count done. A
 * checker may also offer `entryPool`: threads that check whole entry bundles (see `checkBundle`) as they are read.
 */
export type SignatureChecker = ((jobs: readonly SignatureJob[], progress: (done: number) => void) => Promise<number[]>) & { entryPool?: () => EntryPool };

/** Threads running `checkBundle` (src/cli/verify.ts): the bundle's bytes in, its `BundleCheck` out. */
export interface EntryPool {
  /** `bytes` may be taken (transferred to a thread): the caller does not read them afterwards. */
  check(bytes: Uint8Array, first: number, width: number): Promise<BundleCheck>;
  /** Keys (id → base64 public key) named by key entries elsewhere in the log, for the threads' signature checks. */
  addKeys(keys: ReadonlyArray<readonly [string, string]>): void;
  /** Entry 0 and the roll, once the walk has them: bundles checked after this digest their reports. */
  setContext?(context: DigestContext): void;
  close(): Promise<void>;
}

/**
 * One entry bundle checked on its own (step 5's decoding, 6's leaf hashes, 8's parsing, and 10's signatures where the
 * key the report names is known): `leaves` the entries' leaf hashes end to end; `entries` each parsed entry or the
 * message it was refused with; the verdicts on the reports checked against the key their keyId names, compactly (one
 * per bundle, not one object per report): `verdicts[k]` is 0 where entry k was not checked, +(j + 1) where it
 * verified with the base64 public key `verdictKeys[j]`, −(j + 1) where it did not — the walk later accepts a verdict
 * only if that key is the one valid at the position; `keys` [keyId, public key] of the bundle's key entries. Given a
 * digester (once the walk has the roll), a report whose own rules hold and whose key was known comes as a row. */
export type BundleCheck =
  | { ok: false; malformed: string }
  | { ok: false; count: number }
  | {
      ok: true;
      leaves: Uint8Array;
      /** null where the report was digested: its row is in `rows` (src/log/report-digest.ts), its key id in `rowKeys`. */
      entries: Array<Entry | string | null>;
      verdicts: Int32Array;
      verdictKeys: string[];
      keys: Array<[string, string]>;
      /** The digested reports' rows, entry k's at k × the digester's width (null: none digested). */
      rows: Float64Array | null;
      rowKeys: string[];
    };

/** A verdict of the entry checks: the public key a report's signature was checked with, and whether it verified. */
export interface Verdict {
  key: string;
  ok: boolean;
}

/** The entry checks' verdicts by log index, read from the bundles' compact arrays. */
export class BundleVerdicts {
  private readonly bundles: Array<{ verdicts: Int32Array; keys: string[] } | undefined> = [];
  add(bundle: number, verdicts: Int32Array, keys: string[]): void {
    this.bundles[bundle] = { verdicts, keys };
  }
  /** 1 if report `index` verified with `key`, −1 if it did not, 0 if it was not checked with that key. */
  with(index: number, key: string): number {
    const b = this.bundles[Math.floor(index / TILE_WIDTH)];
    const v = b?.verdicts[index % TILE_WIDTH] ?? 0;
    return v !== 0 && b!.keys[Math.abs(v) - 1] === key ? Math.sign(v) : 0;
  }
  get(index: number): Verdict | undefined {
    const b = this.bundles[Math.floor(index / TILE_WIDTH)];
    const v = b?.verdicts[index % TILE_WIDTH] ?? 0;
    if (!b || v === 0) return undefined;
    return { key: b.keys[Math.abs(v) - 1]!, ok: v > 0 };
  }
}

/** Keys by id, as `checkBundle` learns them from key entries (the first public key seen for an id is kept). */
export class KeyRing {
  private readonly keys = new Map<string, { text: string; key: KeyObject | null }>();
  learn(keyId: string, publicKey: string): boolean {
    if (this.keys.has(keyId)) return false;
    let key: KeyObject | null = null;
    try {
      const raw = Buffer.from(publicKey, 'base64');
      if (raw.length === 32) key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
    } catch {
      key = null;
    }
    this.keys.set(keyId, { text: publicKey, key });
    return true;
  }
  get(keyId: string): { text: string; key: KeyObject | null } | undefined {
    return this.keys.get(keyId);
  }
}

const STATEMENT_CONTEXT = new TextEncoder().encode(REPORT_STATEMENT_CONTEXT);

/**
 * A parsed report's statement bytes, cut from its canonical bytes: the statement is the canonical JSON without
 * `signature` and `submittedAt`, which are adjacent members of a report entry (sorted keys; no other member sorts
 * between them), preceded by string and number members only — so the first `,"signature":…,"submittedAt":…` outside a
 * string is theirs, and a raw `,"` cannot occur inside a JSON string. The same bytes as `reportStatementBytes(entry)`.
 */
export function statementFromEntryBytes(bytes: Uint8Array, e: ReportEntry): Uint8Array {
  // The schema keeps both values to characters JSON writes as themselves (base64; an ISO date-time), so their JSON is
  // the value in quotes and the members are ASCII: latin1 is their UTF-8.
  const members = `,"signature":"${e.signature}","submittedAt":"${e.submittedAt}"`;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const at = buf.indexOf(SIGNATURE_MEMBER);
  if (at < 0 || buf.toString('latin1', at, at + members.length) !== members) return reportStatementBytes(e);
  const out = Buffer.allocUnsafe(STATEMENT_CONTEXT.length + bytes.length - members.length);
  out.set(STATEMENT_CONTEXT, 0);
  buf.copy(out, STATEMENT_CONTEXT.length, 0, at);
  buf.copy(out, STATEMENT_CONTEXT.length + at, at + members.length);
  return out;
}
const SIGNATURE_MEMBER = Buffer.from(',"signature":"');

/**
 * Checks one entry bundle holding entries `first` … `first + width − 1`, on its own: decodes it, hashes every entry,
 * parses every entry, and verifies each report's signature with the key its keyId names in `ring` (learning the keys of
 * the bundle's own key entries first come, first kept). Pure apart from the crypto; runs in a worker or in this thread.
 */
export function checkBundle(bytes: Uint8Array, first: number, width: number, ring: KeyRing, digester?: ReportDigester): BundleCheck {
  let decoded: Uint8Array[];
  try {
    decoded = decodeBundle(bytes);
  } catch (e) {
    return { ok: false, malformed: (e as Error).message };
  }
  if (decoded.length !== width) return { ok: false, count: decoded.length };
  const leaves = Buffer.alloc(width * HASH_SIZE);
  const entries: Array<Entry | string | null> = [];
  const verdicts = new Int32Array(width);
  const verdictKeys: string[] = [];
  const keys: Array<[string, string]> = [];
  const rows = digester?.usable ? new Float64Array(width * digester.width) : null;
  const rowKeys: string[] = [];
  const pending: Array<{ k: number; statement: Uint8Array; key: KeyObject; signature: Buffer }> = [];
  decoded.forEach((bytes, k) => {
    leafHashInto(bytes, leaves, k * HASH_SIZE);
    let e: Entry;
    try {
      e = parseEntry(bytes);
    } catch (err) {
      entries.push((err as Error).message);
      return;
    }
    if (e.type === 'key' && e.action !== 'revoke') {
      keys.push([e.keyId, e.publicKey]);
      ring.learn(e.keyId, e.publicKey);
    } else if (e.type === 'report') {
      const known = ring.get(e.keyId);
      if (!known) return void entries.push(e);
      let j = verdictKeys.indexOf(known.text);
      if (j < 0) j = verdictKeys.push(known.text) - 1;
      verdicts[k] = -(j + 1);
      const signature = Buffer.from(e.signature, 'base64');
      if (known.key !== null && signature.length === 64) pending.push({ k, statement: statementFromEntryBytes(bytes, e), key: known.key, signature });
      if (rows) {
        const seen = rowKeys.indexOf(e.keyId);
        if (digester!.digest(e, first + k, seen < 0 ? rowKeys.length : seen, rows, k * digester!.width)) {
          if (seen < 0) rowKeys.push(e.keyId);
          return void entries.push(null);
        }
      }
    }
    entries.push(e);
  });
  // The signatures last, in one tight loop: interleaved with the parsing they cost a fifth more (the parser evicts
  // what the curve arithmetic keeps in cache).
  for (const p of pending) {
    let ok = false;
    try {
      ok = verifySignature(null, p.statement, p.key, p.signature);
    } catch {
      ok = false;
    }
    if (ok) verdicts[p.k] = -verdicts[p.k]!;
  }
  return { ok: true, leaves, entries, verdicts, verdictKeys, keys, rows, rowKeys };
}

export type ProgressBar = { update: (done: number, total: number) => void; stop: () => void };

export interface VerifyOptions {
  source: RecordSource;
  /** The log's verifier key, pinned. Absent: the served `vkey` is used, and a warning says the log vouches for itself. */
  vkey?: string | undefined;
  /** A signed checkpoint of this log seen before (its text): the log must be consistent with it. */
  previousCheckpoint?: string | undefined;
  /** Witnesses' cosignature/v1 verifier keys. */
  witnesses?: readonly string[] | undefined;
  /** How many of `witnesses` must have cosigned (default: all). */
  witnessesRequired?: number | undefined;
  /** Default: every signature checked in this thread. */
  checkSignatures?: SignatureChecker | undefined;
  progress?: ((label: string) => ProgressBar) | undefined;
  /** Re-reads of a live checkpoint that lags tallies.json (default 5), this far apart (default 1000 ms). */
  checkpointRetries?: number | undefined;
  retryDelayMs?: number | undefined;
}

export interface VerifyFigures {
  origin: string | null;
  checkpointSize: number | null;
  /** The entries tallies.json accounts for. */
  logSize: number | null;
  entries: number;
  reports: number;
  keys: number;
  units: number;
  signaturesChecked: number;
  bundlesRead: number;
  tilesChecked: number;
  bytesRead: number;
  cosignaturesVerified: number;
  tallyFieldsCompared: number;
  /** Texts read and found to have the SHA-256 their entry names. */
  textsChecked: number;
  /** Decision entries whose root and tally were recomputed and found equal. */
  decisionsChecked: number;
  /** Apportionment entries whose populations and seats were recomputed. */
  apportionmentsChecked: number;
}

export interface VerifyReport {
  ok: boolean;
  problems: Problem[];
  /** Things the reader should know that are not failures (e.g. an unpinned key). */
  warnings: string[];
  figures: VerifyFigures;
}

/** Bad input from the person verifying (a malformed --vkey, --witness, or a required count above the witnesses given). */
export class VerifyUsageError extends Error {
  override name = 'VerifyUsageError';
}

// ---- helpers ----

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const utf8 = new TextDecoder('utf-8', { fatal: false });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const silentBar: ProgressBar = { update: () => undefined, stop: () => undefined };
const range = (from: number, to: number) => (to - from === 1 ? `entry ${from}` : `entries ${from}…${to - 1}`);

/** Runs `fn` over `items`, at most `limit` at once, in any order; results in item order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>, done?: () => void): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
      done?.();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** The text part and the signature lines of a signed note, without verifying anything. */
function splitNote(note: string): { text: string; lines: string[] } | null {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return null;
  return { text: note.slice(0, split + 1), lines: note.slice(split + 2, -1).split('\n') };
}

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Every signature in this thread, one key object per key. */
export const checkSignaturesHere: SignatureChecker = async (jobs, progress) => {
  const keys = new Map<string, KeyObject>();
  const bad: number[] = [];
  jobs.forEach((job, i) => {
    const id = b64(job.publicKey);
    let key = keys.get(id);
    if (!key) {
      key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, job.publicKey]), format: 'der', type: 'spki' });
      keys.set(id, key);
    }
    if (job.signature.length !== 64 || !verifySignature(null, job.statement, key, job.signature)) bad.push(job.index);
    if (i % 1000 === 999) progress(i + 1);
  });
  progress(jobs.length);
  return bad;
};

/** Leaves of an object as path → value ("q1.votes.cc" → 120); arrays do not occur in tallies. */
function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));

/** Fields of a published tally that are not figures. */
const METADATA = new Set(['discussionId', 'unitId', 'asOf', 'provisional', 'withheld']);
/** The figures every published tally has (src/schemas/tally.ts). */
const REQUIRED_FIGURES = ['unitsTotal', 'unitsReported', 'unitsQuorate', 'membersTotal', 'membersReported', 'present', 'unitsOfficeSigned'];
/** The figures a withheld unit publishes as null (with `questions`). */
const WITHHELD = new Set(['present', 'unitsQuorate']);

interface UnitOnRoll {
  parentId: string | null;
  roll: number;
}

interface RegisteredKey {
  keyId: string;
  unitId: string;
  publicKey: Uint8Array;
  /** Its base64, as the key entry has it. */
  publicKeyText: string;
  /** The entry that registered it. */
  at: number;
  /** The entry that revoked or replaced it (null: still valid). */
  endedAt: number | null;
}

// ---- the verification ----

export async function verifyRecord(opts: VerifyOptions): Promise<VerifyReport> {
  // Usage first: nothing is read if the keys given are malformed.
  const pinned = opts.vkey === undefined ? undefined : parseKey(opts.vkey, '--vkey', parseVerifierKey);
  const witnesses = (opts.witnesses ?? []).map((w) => parseKey(w, '--witness', parseCosignatureVerifierKey));
  const required = opts.witnessesRequired ?? witnesses.length;
  if (!Number.isSafeInteger(required) || required < 0 || required > witnesses.length) {
    throw new VerifyUsageError(`--witnesses-required ${required} must be between 0 and the ${witnesses.length} witness keys given`);
  }

  // The entry threads start loading first: their loading overlaps the reads of steps 1 and 2, and they are stopped
  // however verification ends.
  const pool = opts.checkSignatures?.entryPool?.();
  try {
    return await verifyWith(opts, pool, pinned, witnesses, required);
  } finally {
    await pool?.close();
  }
}

async function verifyWith(opts: VerifyOptions, pool: EntryPool | undefined, pinned: Verifier | undefined, witnesses: CosignatureVerifier[], required: number): Promise<VerifyReport> {
  const { source } = opts;
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const problem = (kind: ProblemKind, message: string) => void problems.push({ kind, message });
  const figures: VerifyFigures = {
    origin: null,
    checkpointSize: null,
    logSize: null,
    entries: 0,
    reports: 0,
    keys: 0,
    units: 0,
    signaturesChecked: 0,
    bundlesRead: 0,
    tilesChecked: 0,
    bytesRead: 0,
    cosignaturesVerified: 0,
    tallyFieldsCompared: 0,
    textsChecked: 0,
    decisionsChecked: 0,
    apportionmentsChecked: 0,
  };
  const finish = (): VerifyReport => ({ ok: problems.length === 0, problems, warnings, figures });
  const progress = opts.progress ?? (() => silentBar);
  const read = async (path: string): Promise<Uint8Array | null> => {
    const bytes = await source.read(path);
    if (bytes) figures.bytesRead += bytes.length;
    return bytes;
  };

  // 1. The published tallies, read before the checkpoint so the checkpoint can only be newer. Only their logSize is
  // kept until step 8: the units' figures (half a million objects for 20,000 units) would otherwise stay live through
  // the whole walk, and every major collection would mark them again. Step 8 reads the same bytes again.
  const published = await readTallies(read, problem);
  const logSize = published?.logSize ?? null;
  figures.logSize = logSize;

  // 2. The log's key and its checkpoint.
  let logKey: Verifier | undefined = pinned;
  if (!logKey) {
    const served = await read('vkey');
    if (!served) problem('checkpoint', `${source.description} serves no vkey, and none was given with --vkey: the checkpoint cannot be checked`);
    else {
      try {
        logKey = parseVerifierKey(utf8.decode(served).trim());
        warnings.push(
          `WARNING: no --vkey given, so the log's key is taken from ${source.description}/vkey — the log vouches for itself. ` +
            `Pin it (compare it with one published elsewhere): --vkey ${utf8.decode(served).trim()}`,
        );
      } catch (e) {
        problem('checkpoint', `the served vkey is not a verifier key: ${(e as Error).message}`);
      }
    }
  }

  const retries = source.live ? (opts.checkpointRetries ?? 5) : 0;
  let latest: { note: string; cp: Checkpoint } | undefined;
  for (let attempt = 0; ; attempt++) {
    const bytes = await read('checkpoint');
    if (!bytes) {
      problem('checkpoint', `${source.description} serves no checkpoint`);
      return finish();
    }
    const note = utf8.decode(bytes);
    const parts = splitNote(note);
    try {
      if (!parts) throw new Error('it is not a signed note (no blank line before signature lines ending in a newline)');
      latest = { note, cp: parseCheckpoint(parts.text) };
    } catch (e) {
      problem('checkpoint', `the checkpoint is malformed: ${(e as Error).message}`);
      return finish();
    }
    if (logSize === null || latest.cp.size >= logSize || attempt >= retries) break;
    await sleep(opts.retryDelayMs ?? 1000);
  }
  const { note, cp } = latest;
  figures.origin = cp.origin;
  figures.checkpointSize = cp.size;
  if (logKey) {
    try {
      openCheckpoint(note, logKey);
    } catch (e) {
      problem('checkpoint', `the checkpoint is not signed by the log key ${logKey.name}+${hex8(logKey.id)}: ${(e as Error).message}`);
    }
  }
  figures.cosignaturesVerified = checkWitnesses(note, witnesses, required, problem, warnings);
  if (logSize !== null && logSize > cp.size) {
    problem('tally', `tallies.json accounts for ${logSize} entries, but the checkpoint covers only ${cp.size}${retries ? ` (read ${retries + 1} times, ${(opts.retryDelayMs ?? 1000) / 1000} s apart)` : ''}`);
  }

  // 3. Every bundle and tile of the checkpoint's size, each bundle checked as it arrives (decoded, hashed, parsed, its
  // reports' signatures verified where the key is known: `checkBundle`) on the entry threads if there are any, else
  // here; then the tree rebuilt from the entries' leaf hashes.
  const size = cp.size;
  const bundleCount = Math.ceil(size / TILE_WIDTH);
  const coords = tileCoords(size);
  const reading = progress('reading and checking entries');
  let entriesDone = 0;
  let tilesRead = 0;
  const tick = () => reading.update(entriesDone + tilesRead, size + coords.length);
  const limit = source.concurrency ?? 1;
  const ring = new KeyRing();
  const learnKeys = (c: BundleCheck) => {
    if (!c.ok) return;
    const fresh = c.keys.filter(([id, key]) => ring.learn(id, key));
    if (fresh.length && pool) pool.addKeys(fresh);
  };

  // The bundles are taken in index order as their checks arrive (`advance`): the tree grows by their leaf hashes, the
  // walk (step 5) is fed their entries, and nothing of a bundle is kept after that but entry 0 and what the walk
  // keeps (each unit's current report). Problems are collected by step and reported in the steps' order.
  const checks = new Array<BundleCheck | null | undefined>(bundleCount).fill(undefined);
  const bundleProblems: Array<[ProblemKind, string]> = [];
  const parseProblems: string[] = [];
  const walkProblems: Array<[ProblemKind, string]> = [];
  const workerVerdicts = new BundleVerdicts();
  const walker = logWalker(size, logSize ?? size, (k, m) => void walkProblems.push([k, m]), workerVerdicts);
  let grown: MerkleTree | undefined = new MerkleTree();
  /** This thread's, for the bundles it checks when there is no pool. */
  let digester: ReportDigester | undefined;
  let entry0: Entry | undefined;
  /** The first entry that could not be read or parsed (size: none). */
  let firstUnreadable = size;
  let next = 0;
  const advance = () => {
    for (; next < bundleCount && checks[next] !== undefined; next++) {
      const i = next;
      const c = checks[i]!;
      checks[i] = null;
      const width = Math.min(TILE_WIDTH, size - i * TILE_WIDTH);
      const path = entryBundlePath(i, width);
      const span = range(i * TILE_WIDTH, i * TILE_WIDTH + width);
      if (!c || !c.ok) {
        if (!c) bundleProblems.push(['tree', `entry bundle ${path} is missing: ${span} cannot be read`]);
        else if ('malformed' in c) bundleProblems.push(['tree', `entry bundle ${path} is malformed (${c.malformed}): ${span} cannot be read`]);
        else bundleProblems.push(['tree', `entry bundle ${path} holds ${c.count} entries, not ${width}: ${span} cannot be read`]);
        grown = undefined;
        firstUnreadable = Math.min(firstUnreadable, i * TILE_WIDTH);
        for (let k = 0; k < width; k++) walker.feed(i * TILE_WIDTH + k, undefined);
        continue;
      }
      figures.entries += width;
      workerVerdicts.add(i, c.verdicts, c.verdictKeys);
      grown?.appendAll(c.leaves);
      for (let k = 0; k < width; k++) {
        const index = i * TILE_WIDTH + k;
        const e = c.entries[k]!;
        if (e === null) walker.feedRow(index, c.rows!, k, c.rowKeys);
        else if (typeof e === 'string') {
          parseProblems.push(`entry ${index}: ${e}`);
          firstUnreadable = Math.min(firstUnreadable, index);
          walker.feed(index, undefined);
        } else {
          if (index === 0) entry0 = e;
          walker.feed(index, e);
        }
      }
    }
    // Once the walk has entry 0 and the roll, the entry checks digest the reports after it (src/log/report-digest.ts).
    const context = digester ? undefined : walker.takeContext();
    if (context) {
      digester = new ReportDigester(context);
      pool?.setContext?.(context);
    }
  };
  // Bundle 0 first (it holds the office key, which signs most reports), the rest once its keys are known.
  let firstChecked: () => void = () => undefined;
  const firstDone = new Promise<void>((resolve) => (firstChecked = resolve));
  const checkOne = async (i: number, bytes: Uint8Array | null) => {
    const width = Math.min(TILE_WIDTH, size - i * TILE_WIDTH);
    if (bytes) {
      if (i > 0) await firstDone;
      const c = pool ? await pool.check(bytes, i * TILE_WIDTH, width) : checkBundle(bytes, i * TILE_WIDTH, width, ring, digester);
      learnKeys(c);
      checks[i] = c;
    } else checks[i] = null;
    advance();
    entriesDone += width;
    tick();
  };
  const [, tiles] = await Promise.all([
    mapLimit(Array.from({ length: bundleCount }, (_, i) => i), limit, async (i) => {
      const bytes = await read(entryBundlePath(i, Math.min(TILE_WIDTH, size - i * TILE_WIDTH)));
      if (bytes) figures.bundlesRead++;
      if (i > 0) return checkOne(i, bytes);
      await checkOne(i, bytes).finally(firstChecked);
    }),
    mapLimit(coords, limit, (t) => read(t.path), () => {
      tilesRead++;
      tick();
    }),
  ]).finally(() => {
    reading.stop();
    return pool?.close();
  });
  for (const [k, m] of bundleProblems) problem(k, m);

  const tree = grown;
  const served = new Map<string, Uint8Array>();
  coords.forEach((t, i) => {
    const bytes = tiles[i];
    if (bytes) served.set(t.path, bytes);
    else problem('tile', `hash tile ${t.path} is missing`);
  });
  figures.tilesChecked = served.size;
  const treeMatches = tree !== undefined && equalHashes(tree.root(size), cp.root);
  if (!tree) problem('tree', `the tree cannot be rebuilt: the bundles do not hold the checkpoint's ${size} entries`);
  else if (!treeMatches) {
    const leaves = Array.from({ length: size }, (_, i) => tree.completeSubtree(0, i));
    problem('tree', `the root rebuilt from the ${size} entries (${b64(tree.root(size))}) is not the checkpoint's root (${b64(cp.root)})${whereEntriesDiffer(leaves, served, size, cp.root)}`);
  }
  if (tree) compareTiles(tree, size, coords, served, problem);

  // 4. Consistency with a checkpoint seen before.
  if (opts.previousCheckpoint !== undefined) {
    checkConsistency(opts.previousCheckpoint, logKey, cp, treeMatches ? tree : undefined, served, problem);
  }

  // 5. Every entry parsed, and the log walked (both as the bundles arrived, above).
  for (const m of parseProblems) problem('entry', m);
  const walk = walker.end();
  for (const [k, m] of walkProblems) problem(k, m);
  figures.reports = walk.reports;
  figures.keys = walk.keys;
  figures.units = walk.roll?.size ?? 0;
  /** Every report of a unit on the roll among the first `below` entries, read again (decisions and seat tables). */
  let history: HistoryEntry[] | undefined;
  const reportHistory = async (): Promise<HistoryEntry[]> => (history ??= await readReportHistory(read, size, walk.reportFlags, tree, problem));

  // The discussion's own witness policy (entry 0): `required` of the named witnesses must have cosigned the checkpoint.
  const policy = entry0?.type === 'discussion' ? entry0.rules.witnesses : undefined;
  if (policy && policy.required > 0) {
    const named: CosignatureVerifier[] = [];
    for (const k of policy.keys) {
      try {
        named.push(parseCosignatureVerifierKey(k));
      } catch (e) {
        problem('structure', `entry 0: the witness key ${JSON.stringify(k)} cannot be read: ${(e as Error).message}`);
      }
    }
    const before = problems.length;
    const verified = checkWitnesses(note, named, policy.required, problem, warnings);
    for (const p of problems.slice(before)) p.message = `the discussion requires ${policy.required} of its ${policy.keys.length} named witnesses: ${p.message}`;
    figures.cosignaturesVerified = Math.max(figures.cosignaturesVerified, verified);
  }

  // The conference's seat tables: the populations the roll (or the reports logged before) gives, and the seats the
  // apportionment engine gives them under the logged rules.
  if (walk.roll) {
    for (const a of walk.apportionments) checkApportionment(a.index, a.entry, a.entry.basis === 'reported' ? await reportHistory() : [], walk.roll, problem);
    figures.apportionmentsChecked = walk.apportionments.length;
  }

  // The decisions: each rests on a prefix of this tree, and its figures are those the prefix gives.
  if (walk.definition && walk.roll) {
    for (const { index, entry } of walk.decisions) {
      if (entry.kind !== 'decision' || !entry.basedOn || !entry.tally) continue;
      const { size: s, rootHash } = entry.basedOn;
      if (tree && treeMatches && s <= size && Buffer.from(tree.root(s)).toString('hex') !== rootHash) {
        problem('decision', `entry ${index}: the decision ${entry.decisionId} names the root ${rootHash} for the first ${s} entries; the log's is ${Buffer.from(tree.root(s)).toString('hex')}`);
      }
      if (firstUnreadable < s) continue; // reported above as missing entries
      const recomputed = tallyAsOf(walk, await reportHistory(), walk.definition, walk.roll, s);
      for (const which of ['reported', 'adjudicated'] as const) {
        const diff = firstDifference(recomputed[which], entry.tally[which]);
        if (diff) problem('decision', `entry ${index}: the decision's ${which} tally differs from the one its first ${s} entries give: ${diff}`);
      }
      figures.decisionsChecked++;
    }
  }

  // 6. Signatures: the verdicts of the entry checks where the key they used is the one valid at the position, the rest
  // (a key not yet known when the bundle was checked, or a different key under the same id) checked now.
  const signing = progress('signatures');
  try {
    const check = opts.checkSignatures ?? checkSignaturesHere;
    if (walk.recheckKeys.size) {
      for (const { index, entry } of await readReportsAgain(read, size, walk.reportFlags, REPORT_RECHECK, tree, problem, 'to check its signature')) {
        walk.jobs.push({ index, statement: reportStatementBytes(entry), signature: new Uint8Array(Buffer.from(entry.signature, 'base64')), publicKey: walk.recheckKeys.get(index)! });
      }
    }
    const bad = new Set(walk.jobs.length ? await check(walk.jobs, (done) => signing.update(done, walk.jobs.length)) : []);
    figures.signaturesChecked = walk.signed;
    for (const index of [...new Set([...bad, ...walk.badSignatures])].sort((a, b) => a - b)) {
      const r = walk.signatureOf.get(index)!;
      problem('signature', `entry ${index}: the signature of unit ${r.unitId}'s report version ${r.version} by key ${r.keyId} does not verify`);
    }
  } finally {
    signing.stop();
  }

  // 7. The public texts behind the log's hashes: the discussion's title, served as text/<its SHA-256>.
  const head = entry0;
  if (head?.type === 'discussion') {
    const title = await read(textPath(head.titleSha256));
    if (!title) problem('text', `entry 0: the title behind titleSha256 ${head.titleSha256} is not served (${textPath(head.titleSha256)})`);
    else if (sha256Hex(title) !== head.titleSha256) problem('text', `${textPath(head.titleSha256)} is not the text entry 0 names: its SHA-256 is ${sha256Hex(title)}`);
    else figures.textsChecked++;
  }

  // 8. The tallies.
  if (published && walk.definition && walk.roll) {
    const below = logSize ?? size;
    const holes = firstUnreadable < Math.min(below, size);
    if (holes) problem('tally', `the tallies are not recomputed: some of entries 0…${below - 1} could not be read or parsed`);
    else if (below <= size) {
      const recompute = progress('recomputing');
      try {
        figures.tallyFieldsCompared = compareTallies(published.load(), walk.definition, walk.roll, walk.currentOf, problem, recompute.update);
      } finally {
        recompute.stop();
      }
    }
  }
  return finish();
}

function parseKey<T>(text: string, option: string, parse: (s: string) => T): T {
  try {
    return parse(text.trim());
  } catch (e) {
    throw new VerifyUsageError(`${option} ${JSON.stringify(text)} is not a verifier key: ${(e as Error).message}`);
  }
}

/**
 * tallies.json, read and checked once: its `logSize`, and `load` to read the same bytes again into the document when
 * the figures are compared (it cannot fail then: the same bytes passed the same checks).
 */
async function readTallies(
  read: (path: string) => Promise<Uint8Array | null>,
  problem: (k: ProblemKind, m: string) => void,
): Promise<{ logSize: number; load: () => Published } | undefined> {
  const bytes = await read('tallies.json');
  if (!bytes) {
    problem('tally', 'tallies.json is missing: there are no published figures to compare');
    return undefined;
  }
  const parse = (): Published | string => {
    let value: unknown;
    try {
      value = JSON.parse(utf8.decode(bytes));
    } catch (e) {
      return `tallies.json is not JSON: ${(e as Error).message}`;
    }
    const parsed = PublishedTallies.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return `tallies.json is not a PublishedTallies document: ${issue.path.join('.') || '(top level)'}: ${issue.message}`;
    }
    return { doc: parsed.data, units: (value as { units: Array<Record<string, unknown>> }).units };
  };
  const first = parse();
  if (typeof first === 'string') {
    problem('tally', first);
    return undefined;
  }
  return {
    logSize: first.doc.logSize,
    load: () => {
      const again = parse();
      if (typeof again === 'string') throw new Error(`tallies.json read twice gave two answers: ${again}`);
      return again;
    },
  };
}

/** tallies.json as the schema reads it, and its units as published. */
interface Published {
  doc: z.infer<typeof PublishedTallies>;
  units: Array<Record<string, unknown>>;
}

/** Verifies each given witness's cosignature; returns how many verify. */
function checkWitnesses(note: string, witnesses: readonly CosignatureVerifier[], required: number, problem: (k: ProblemKind, m: string) => void, warnings: string[]): number {
  if (witnesses.length === 0) return 0;
  const parts = splitNote(note)!;
  let verified = 0;
  const missing: string[] = [];
  for (const w of witnesses) {
    const name = `${w.name}+${hex8(w.id)}`;
    const line = parts.lines.find((l) => {
      const rest = l.slice(2);
      const space = rest.lastIndexOf(' ');
      if (rest.slice(0, space) !== w.name) return false;
      const blob = Buffer.from(rest.slice(space + 1), 'base64');
      return blob.length >= 4 && blob.readUInt32BE(0) === w.id;
    });
    if (!line) {
      missing.push(name);
      continue;
    }
    try {
      openCosignature(parts.text, line, w);
      verified++;
    } catch (e) {
      // A known witness's bad cosignature refuses the note outright (the signed-note rule), whatever is required.
      problem('witness', `the cosignature of witness ${name} does not verify: ${(e as Error).message}`);
    }
  }
  if (verified < required) {
    problem('witness', `${verified} of the ${required} required witness cosignatures verify${missing.length ? `; no cosignature from ${missing.join(', ')}` : ''}`);
  } else if (missing.length) {
    warnings.push(`no cosignature from ${missing.join(', ')} (${verified} of ${required} required verify)`);
  }
  return verified;
}

/**
 * When the rebuilt root is wrong: if the served tiles prove against the checkpoint's root, they say which entry is not
 * the one the checkpoint covers (the first whose leaf hash differs from the level-0 tile's).
 */
function whereEntriesDiffer(entryLeaves: readonly Hash[], served: ReadonlyMap<string, Uint8Array>, size: number, root: Hash): string {
  let proved: VerifiedTiles;
  try {
    proved = new VerifiedTiles(size, served, root);
    proved.verifyAll();
  } catch {
    return '; the served hash tiles do not prove against the checkpoint either';
  }
  const leaves = proved.leafHashes();
  for (let i = 0; i < size; i++) {
    if (!equalHashes(entryLeaves[i]!, leaves[i]!)) {
      return `; the hash tiles agree with the checkpoint, and entry ${i} is the first that is not the entry they cover (in bundle ${entryBundlePath(Math.floor(i / TILE_WIDTH), Math.min(TILE_WIDTH, size - Math.floor(i / TILE_WIDTH) * TILE_WIDTH))})`;
    }
  }
  return '';
}

/** Every served tile must be the rebuilt tree's; the first that differs is named, with the first hash in it that does. */
function compareTiles(tree: MerkleTree, size: number, coords: readonly TileCoord[], served: ReadonlyMap<string, Uint8Array>, problem: (k: ProblemKind, m: string) => void): void {
  const differing: string[] = [];
  let first = '';
  for (const t of coords) {
    const got = served.get(t.path);
    if (!got) continue;
    const want = tree.tile(size, t.level, t.index).bytes;
    if (got.length === want.length && equalHashes(got, want)) continue;
    differing.push(t.path);
    if (differing.length > 1) continue;
    if (got.length !== want.length) first = `hash tile ${t.path} has ${got.length} bytes, not ${want.length}`;
    else {
      let k = 0;
      while (equalHashes(got.subarray(k * HASH_SIZE, (k + 1) * HASH_SIZE), want.subarray(k * HASH_SIZE, (k + 1) * HASH_SIZE))) k++;
      const what = t.level === 0 ? `the leaf hash of entry ${t.index * TILE_WIDTH + k}` : `hash ${k}`;
      first = `hash tile ${t.path} differs from the tree rebuilt from the entries, first at ${what}`;
    }
  }
  if (differing.length) problem('tile', `${first}${differing.length > 1 ? ` (${differing.length - 1} more tiles differ: ${differing.slice(1, 6).join(', ')}${differing.length > 6 ? ', …' : ''})` : ''}`);
}

function checkConsistency(
  previous: string,
  logKey: Verifier | undefined,
  cp: Checkpoint,
  tree: MerkleTree | undefined,
  served: ReadonlyMap<string, Uint8Array>,
  problem: (k: ProblemKind, m: string) => void,
): void {
  if (!logKey) return problem('consistency', 'the checkpoint given with --checkpoint cannot be checked without the log key');
  let old: Checkpoint;
  try {
    old = openCheckpoint(previous, logKey);
  } catch (e) {
    return problem('consistency', `the checkpoint given with --checkpoint is not signed by the log key ${logKey.name}+${hex8(logKey.id)}: ${(e as Error).message}`);
  }
  if (old.size > cp.size) {
    return problem(
      'consistency',
      `the log served an older checkpoint (size ${cp.size}) than the one given with --checkpoint (size ${old.size}): it rolled back, or this is a stale copy`,
    );
  }
  let prefix: Hash | undefined;
  if (old.size === 0) prefix = emptyRoot();
  else if (tree) prefix = tree.root(old.size);
  else {
    // The entries do not rebuild the checkpoint's tree; the tiles may still prove against it.
    try {
      prefix = merkleRoot(new VerifiedTiles(cp.size, served, cp.root).leafHashes(0, old.size));
    } catch {
      return problem('consistency', `consistency with the checkpoint given (size ${old.size}) cannot be checked: neither the entries nor the tiles prove against the current checkpoint`);
    }
  }
  if (!equalHashes(prefix, old.root)) {
    problem(
      'consistency',
      `the log is inconsistent with the checkpoint given with --checkpoint: its first ${old.size} entries have the root ${b64(prefix)}, that checkpoint (signed by the same key) says ${b64(old.root)} — two different histories`,
    );
  }
}

// ---- the log's structure ----

const REPORT_COUNTED = 1;
const REPORT_OFFICE_SIGNED = 2;
/** A digested report whose signature was checked with another key than the one valid at its position: read again. */
const REPORT_RECHECK = 4;

/** A report version with its index and whether the office's key signed it (decisions and seat tables). */
type HistoryEntry = { index: number; entry: ReportEntry; officeSigned: boolean };

interface Walk {
  definition: DiscussionDefinition | undefined;
  roll: Map<string, UnitOnRoll> | undefined;
  /** Each unit's current report among entries 0 … logSize − 1: its counts, and whether the office's key signed it. */
  currentOf(unitId: string): { present: number; votes: ReportEntry['votes']; officeSigned: boolean } | undefined;
  /** The signatures still to check. */
  jobs: SignatureJob[];
  /** How many reports were signed by a key valid at their position; those of them the entry checks found bad. */
  signed: number;
  badSignatures: Set<number>;
  /** Whose signature it is, for the reports whose signature is still to check or was found bad (the message). */
  signatureOf: Map<number, { unitId: string; version: number; keyId: string }>;
  /** The key valid at the position of each REPORT_RECHECK report (its entry is read again for the job). */
  recheckKeys: Map<number, Uint8Array>;
  reports: number;
  keys: number;
  /**
   * By log index: REPORT_COUNTED for a report of a unit on the roll, with REPORT_OFFICE_SIGNED if the office's key
   * signed it, and REPORT_RECHECK. The entries themselves are not kept; `reportHistory` reads them again when a
   * decision needs them.
   */
  reportFlags: Uint8Array;
  /** Every adjudication with its index, in index order. */
  adjudications: Array<{ index: number; entry: AdjudicationEntry }>;
  /** Every decision entry with its index. */
  decisions: Array<{ index: number; entry: DecisionEntry }>;
  /** Every apportionment entry with its index. */
  apportionments: Array<{ index: number; entry: ApportionmentEntry }>;
}

/**
 * The log's structure, walked entry by entry as the bundles arrive in index order (`feed`), so that no report entry
 * is kept after its step beyond each unit's current one: `end` when the last of the `size` entries has been fed
 * (undefined: unreadable).
 */
interface LogWalker {
  feed(i: number, e: Entry | undefined): void;
  /** A digested report (src/log/report-digest.ts): row number `row` of `rows`, with the bundle's key ids. */
  feedRow(i: number, rows: Float64Array, row: number, keyIds: readonly string[]): void;
  /** Entry 0 and the roll, once the roll is complete (what the entry threads digest reports with); given once. */
  takeContext(): DigestContext | undefined;
  end(): Walk;
}

function logWalker(
  size: number,
  logSize: number,
  problem: (k: ProblemKind, m: string) => void,
  verdicts: Pick<BundleVerdicts, 'with'> = new BundleVerdicts(),
): LogWalker {
  // Each unit's current report, by its place in the roll: a row (CURRENT_ROW, in `currentRows`) or an entry
  // (CURRENT_ENTRY, in `currentEntries`), with CURRENT_OFFICE if the office's key signed it.
  const CURRENT_ROW = 1;
  const CURRENT_ENTRY = 2;
  const CURRENT_OFFICE = 4;
  let currentState = new Uint8Array(0);
  let currentRows = new Float64Array(0);
  const currentEntries = new Map<string, ReportEntry>();
  let unitIndex = new Map<string, number>();
  let context: DigestContext | undefined;
  let digester: ReportDigester | undefined;
  const currentOf: Walk['currentOf'] = (unitId) => {
    const u = unitIndex.get(unitId);
    const state = u === undefined ? 0 : currentState[u]!;
    const officeSigned = (state & CURRENT_OFFICE) !== 0;
    if (state & CURRENT_ROW) return { ...digester!.counts(currentRows, u! * digester!.width), officeSigned };
    const e = state & CURRENT_ENTRY ? currentEntries.get(unitId)! : undefined;
    return e && { present: e.present, votes: e.votes, officeSigned };
  };
  const walk: Walk = { definition: undefined, roll: undefined, currentOf, jobs: [], signed: 0, badSignatures: new Set(), signatureOf: new Map(), recheckKeys: new Map(), reports: 0, keys: 0, reportFlags: new Uint8Array(size), adjudications: [], decisions: [], apportionments: [] };
  const bad = (i: number, m: string) => problem('structure', `entry ${i}: ${m}`);
  // Set from entry 0; `dead` when it is not a readable discussion entry (nothing after it can be judged).
  let dead = false;
  let first!: DiscussionEntry;
  let d!: DiscussionDefinition;
  let closes = 0;
  let checkCounts!: ReturnType<typeof reportCountsChecker>;
  // Entry 1 enrols the office's key (approved by the organization); reports it signs are office-signed.
  const officeKeys = new Set<string>();
  const begin = (e: Entry | undefined): void => {
    if (!e) {
      dead = true;
      return problem('structure', 'entry 0 cannot be read, so the discussion and its rules are unknown');
    }
    if (e.type !== 'discussion') {
      dead = true;
      return problem('structure', `entry 0 is a ${e.type} entry; a log starts with its discussion`);
    }
    first = e;
    d = definitionOf(first);
    walk.definition = d;
    checkCounts = reportCountsChecker(d);
    if (String(d.rules.quorum) !== first.rules.quorum) bad(0, `the quorum ${first.rules.quorum} cannot be read exactly`);
    closes = Date.parse(first.reportingClosesAt);
  };
  const second = (e: Entry | undefined): void => {
    if (e?.type === 'key' && e.action === 'enrol') officeKeys.add(e.keyId);
    else if (e) bad(1, `is a ${e.type}${e.type === 'key' ? ` ${e.action}` : ''} entry; the office key's enrolment comes right after the discussion`);
  };

  const rollParts: RollEntry[] = [];
  let rollFirst = -1;
  let roll: Map<string, UnitOnRoll> | undefined;
  const keys = new Map<string, RegisteredKey>();
  const versions = new Map<string, number>();
  const challenges = new Map<string, { at: number; unitId: string; version: number; decided: boolean }>();
  /** Whether `ancestor` is above `unitId` in the roll's tree (a cycle, refused with the roll, ends the climb). */
  const isAncestor = (ancestor: string, unitId: string): boolean => {
    let steps = roll?.size ?? 0;
    for (let u = roll?.get(unitId)?.parentId; u && steps-- > 0; u = roll?.get(u)?.parentId) if (u === ancestor) return true;
    return false;
  };
  const register = (i: number, e: Extract<KeyEntry, { publicKey: string }>): void => {
    const known = keys.get(e.keyId);
    // The same key enrolled twice (an approval racing the discussion's opening) changes nothing.
    if (known && known.endedAt === null && known.unitId === e.unitId && b64(known.publicKey) === e.publicKey) return;
    if (known) return bad(i, `key ${e.keyId} is registered again (first at entry ${known.at})`);
    const publicKey = new Uint8Array(Buffer.from(e.publicKey, 'base64'));
    try {
      checkEd25519PublicKey(publicKey);
    } catch (err) {
      return bad(i, `key ${e.keyId} is refused: ${(err as Error).message}`);
    }
    if (signingKeyId(publicKey) !== e.keyId) return bad(i, `the key id ${e.keyId} is not that of its public key (${signingKeyId(publicKey)})`);
    const k: RegisteredKey = { keyId: e.keyId, unitId: e.unitId, publicKey, publicKeyText: e.publicKey, at: i, endedAt: null };
    keys.set(e.keyId, k);
    walk.keys++;
  };
  const active = (keyId: string) => {
    const k = keys.get(keyId);
    return k && k.endedAt === null ? k : undefined;
  };

  type ReportFacts = { unitId: string; version: number; supersedes: number | null; keyId: string };
  /** The digested report being walked (one object for them all: `chain` and `signer` keep nothing of it). */
  const facts = { unitId: '', unit: 0, version: 0, supersedes: null as number | null, keyId: '' };
  const who = (r: ReportFacts) => `report of unit ${r.unitId} version ${r.version}`;
  /** A report's place in its unit's chain of versions: the next version, superseding the one before. */
  const chain = (i: number, r: ReportFacts): void => {
    walk.reports++;
    const previous = versions.get(r.unitId) ?? 0;
    if (r.version !== previous + 1 || r.supersedes !== (previous || null)) {
      bad(i, `${who(r)} supersedes ${r.supersedes ?? 'nothing'}; expected version ${previous + 1} superseding ${previous || 'nothing'}`);
    }
    versions.set(r.unitId, Math.max(previous, r.version));
  };
  /** The key a report is signed by: valid here, and of its unit or one above. Returns it (undefined: not valid). */
  const signer = (i: number, r: ReportFacts, onRoll: boolean): RegisteredKey | undefined => {
    const key = active(r.keyId);
    if (!key) {
      const ended = keys.get(r.keyId);
      bad(i, `${who(r)} is signed by key ${r.keyId}, ${ended ? `which was revoked or replaced at entry ${ended.endedAt}` : 'which no earlier key entry registers'}`);
      return undefined;
    }
    if (onRoll && key.unitId !== r.unitId && !isAncestor(key.unitId, r.unitId)) {
      bad(i, `${who(r)} is signed by key ${r.keyId} of unit ${key.unitId}, which is neither that unit nor above it`);
    }
    walk.signed++;
    return key;
  };

  const step = (i: number, e: Entry): void => {
    switch (e.type) {
      case 'discussion':
        bad(i, 'a second discussion entry (only entry 0 may be one)');
        break;
      case 'roll': {
        if (e.discussionId !== d.id) bad(i, `roll part for discussion ${e.discussionId}, not ${d.id}`);
        else if (roll) bad(i, `roll part ${e.part}/${e.parts} after the roll was complete (entry ${rollFirst})`);
        else if (e.part !== rollParts.length + 1 || (rollParts[0] && e.parts !== rollParts[0].parts)) {
          bad(i, `roll part numbered ${e.part}/${e.parts}, expected ${rollParts.length + 1}/${rollParts[0]?.parts ?? e.parts}`);
        } else {
          if (rollParts.length === 0) rollFirst = i;
          rollParts.push(e);
          if (rollParts.length === e.parts) {
            try {
              roll = new Map(joinRollParts(rollParts).map(([unitId, parentId, n]) => [unitId, { parentId, roll: n }]));
              checkRollTree(roll, rollFirst, i, problem);
              walk.roll = roll;
              rollParts.length = 0; // read: only the roll is kept
              context = { discussion: first, rollEnd: i, units: [...roll].map(([id, u]) => [id, u.roll]) };
              digester = new ReportDigester(context);
              unitIndex = new Map(digester.unitIds.map((id, k) => [id, k]));
              currentState = new Uint8Array(roll.size);
              currentRows = new Float64Array(roll.size * digester.width);
            } catch (err) {
              problem('structure', `${range(rollFirst, i + 1)}: the roll is refused: ${(err as Error).message}`);
            }
          }
        }
        break;
      }
      case 'key': {
        // approvedBy names the approving officer by an opaque id (or "organization"): recorded, not checkable here.
        // A key's unit need not be on this roll: key entries go to every open discussion's log.
        if (e.action === 'enrol') register(i, e);
        else {
          const old = active(e.action === 'rotate' ? e.replaces : e.keyId);
          const oldId = e.action === 'rotate' ? e.replaces : e.keyId;
          if (!old) bad(i, `${e.action} of key ${oldId}, which is not a valid key at this point${keys.has(oldId) ? ` (it ended at entry ${keys.get(oldId)!.endedAt})` : ''}`);
          else if (old.unitId !== e.unitId) bad(i, `${e.action} of key ${oldId} of unit ${old.unitId} names unit ${e.unitId}`);
          if (old) old.endedAt = i;
          if (e.action === 'rotate') {
            register(i, e);
            if (old && officeKeys.has(old.keyId)) officeKeys.add(e.keyId);
          }
        }
        break;
      }
      case 'report': {
        const unit = roll?.get(e.unitId);
        // The report's own rules (a digested report's were checked on the entry thread: report-digest.ts).
        if (e.discussionId !== d.id) bad(i, `${who(e)} is for discussion ${e.discussionId}, not ${d.id}`);
        if (!roll) bad(i, `${who(e)} comes before the roll is complete`);
        else if (!unit) bad(i, `${who(e)}: unit ${e.unitId} is not in the roll`);
        chain(i, e);
        if (unit) {
          try {
            checkCounts(e, unit.roll);
          } catch (err) {
            if (!isDomainError(err)) throw err;
            bad(i, `${who(e)}: ${err.message}`);
          }
        }
        if (!(Date.parse(e.submittedAt) < closes)) bad(i, `${who(e)} was submitted at ${e.submittedAt}, not before reporting closed at ${first.reportingClosesAt}`);
        const key = signer(i, e, unit !== undefined);
        if (key) {
          const verdict = verdicts.with(i, key.publicKeyText);
          if (verdict === 0) {
            walk.jobs.push({ index: i, statement: reportStatementBytes(e), signature: new Uint8Array(Buffer.from(e.signature, 'base64')), publicKey: key.publicKey });
            walk.signatureOf.set(i, { unitId: e.unitId, version: e.version, keyId: e.keyId });
          } else if (verdict < 0) {
            walk.badSignatures.add(i);
            walk.signatureOf.set(i, { unitId: e.unitId, version: e.version, keyId: e.keyId });
          }
        }
        const office = officeKeys.has(e.keyId);
        if (unit) {
          walk.reportFlags[i] = REPORT_COUNTED | (office ? REPORT_OFFICE_SIGNED : 0);
          const u = unitIndex.get(e.unitId)!;
          if (i < logSize) {
            currentState[u] = CURRENT_ENTRY | (office ? CURRENT_OFFICE : 0);
            currentEntries.set(e.unitId, e);
          }
        }
        break;
      }
      case 'challenge': {
        const what = `challenge ${e.challengeId} of unit ${e.unitId} version ${e.version}`;
        if (e.discussionId !== d.id) bad(i, `${what} is for discussion ${e.discussionId}, not ${d.id}`);
        else if (challenges.has(e.challengeId)) bad(i, `${what}: the challenge id was used at entry ${challenges.get(e.challengeId)!.at}`);
        else if ((versions.get(e.unitId) ?? 0) !== e.version) {
          bad(i, `${what}: that is not the unit's current report version here (${versions.get(e.unitId) ? `version ${versions.get(e.unitId)}` : 'no report'})`);
        }
        if (!challenges.has(e.challengeId)) challenges.set(e.challengeId, { at: i, unitId: e.unitId, version: e.version, decided: false });
        break;
      }
      case 'adjudication': {
        const what = `adjudication ${e.adjudicationId} of unit ${e.unitId} version ${e.version}`;
        if (e.discussionId !== d.id) bad(i, `${what} is for discussion ${e.discussionId}, not ${d.id}`);
        else if (e.version > (versions.get(e.unitId) ?? 0)) bad(i, `${what}: the unit has no such report version here`);
        if ((e.decision === 'strike-votes') !== (e.struck !== null)) bad(i, `${what}: counts are struck by a strike-votes decision, and only by one`);
        if (e.challengeId !== null) {
          const c = challenges.get(e.challengeId);
          if (!c) bad(i, `${what} decides challenge ${e.challengeId}, which no earlier entry files`);
          else if (c.unitId !== e.unitId || c.version !== e.version) bad(i, `${what} decides challenge ${e.challengeId}, which is of unit ${c.unitId} version ${c.version}`);
          else if (c.decided) bad(i, `${what} decides challenge ${e.challengeId} a second time`);
          else c.decided = true;
        }
        walk.adjudications.push({ index: i, entry: e });
        break;
      }
      case 'apportionment': {
        if (e.discussionId !== d.id) bad(i, `apportionment version ${e.version} is for discussion ${e.discussionId}, not ${d.id}`);
        else if (!roll) bad(i, `apportionment version ${e.version} comes before the roll is complete`);
        else walk.apportionments.push({ index: i, entry: e });
        break;
      }
      case 'decision': {
        const what = `${e.kind} ${e.decisionId}`;
        if (e.discussionId !== d.id) bad(i, `${what} is for discussion ${e.discussionId}, not ${d.id}`);
        if (e.kind === 'decision') {
          const earlier = walk.decisions.find((x) => x.entry.kind === 'decision');
          if (earlier) bad(i, `a second decision (${e.decisionId}); the discussion's decision is entry ${earlier.index}, and a decision is corrected only by an erratum`);
          if (e.corrects !== null || !e.basedOn || !e.tally) bad(i, `${what}: a decision names the checkpoint and the tally it rests on, and corrects nothing`);
          else if (e.basedOn.size > i) bad(i, `${what} rests on the log's first ${e.basedOn.size} entries, more than precede it`);
        } else {
          const corrected = walk.decisions.find((x) => x.entry.decisionId === e.corrects && x.entry.kind === 'decision');
          if (!corrected) bad(i, `${what} corrects ${e.corrects}, which is not an earlier decision entry`);
          if (e.basedOn || e.tally || e.votes.length || !e.reasonSha256) bad(i, `${what}: an erratum carries its text's and its reason's hashes only`);
        }
        walk.decisions.push({ index: i, entry: e });
        break;
      }
    }
  };

  return {
    feed(i, e) {
      if (dead) return;
      if (i === 0) return begin(e);
      if (i === 1) second(e);
      if (e) step(i, e);
    },
    feedRow(i, rows, row, keyIds) {
      const at = row * digester!.width;
      const r = digester!.read(rows, at, keyIds, facts);
      chain(i, r);
      const key = signer(i, r, true);
      if (key) {
        const verdict = verdicts.with(i, key.publicKeyText);
        if (verdict === 0) {
          // Checked with another key under this id: the entry is read again for the job (`REPORT_RECHECK`).
          walk.recheckKeys.set(i, key.publicKey);
          walk.signatureOf.set(i, { unitId: r.unitId, version: r.version, keyId: r.keyId });
        } else if (verdict < 0) {
          walk.badSignatures.add(i);
          walk.signatureOf.set(i, { unitId: r.unitId, version: r.version, keyId: r.keyId });
        }
      }
      const office = officeKeys.has(r.keyId);
      walk.reportFlags[i] = REPORT_COUNTED | (office ? REPORT_OFFICE_SIGNED : 0) | (walk.recheckKeys.has(i) ? REPORT_RECHECK : 0);
      if (i < logSize) {
        currentState[r.unit] = CURRENT_ROW | (office ? CURRENT_OFFICE : 0);
        currentRows.set(rows.subarray(at, at + digester!.width), r.unit * digester!.width);
        if (currentEntries.size) currentEntries.delete(r.unitId);
      }
    },
    takeContext() {
      const c = context;
      context = undefined;
      return c;
    },
    end() {
      if (size === 0) {
        problem('structure', 'the log is empty: it has no discussion entry');
        return walk;
      }
      if (dead) return walk;
      if (size === 1) bad(1, "is missing; the office key's enrolment comes right after the discussion");
      if (!roll && rollParts.length > 0) problem('structure', `the roll is incomplete: ${rollParts.length} of ${rollParts[0]!.parts} parts`);
      else if (!roll && rollFirst < 0) problem('structure', 'the log has no roll');
      return walk;
    },
  };
}


/** One root (parentId null), every parent on the roll, no cycles. */
function checkRollTree(roll: ReadonlyMap<string, UnitOnRoll>, from: number, to: number, problem: (k: ProblemKind, m: string) => void): void {
  const where = range(from, to + 1);
  const roots = [...roll].filter(([, u]) => u.parentId === null).map(([id]) => id);
  if (roots.length !== 1) problem('structure', `${where}: the roll has ${roots.length} root units (${roots.slice(0, 5).join(', ')}); it has exactly one`);
  for (const [id, u] of roll) {
    if (u.parentId !== null && !roll.has(u.parentId)) problem('structure', `${where}: unit ${id} has the parent ${u.parentId}, which is not in the roll`);
  }
  const reached = treeOrder(roll).order.length;
  if (reached !== roll.size) problem('structure', `${where}: ${roll.size - reached} units of the roll are not below its root (a cycle)`);
}

/** The units reachable from the roots, parents before children, and each unit's children. */
function treeOrder(roll: ReadonlyMap<string, UnitOnRoll>): { order: string[]; children: Map<string, string[]> } {
  const children = new Map<string, string[]>();
  const order: string[] = [];
  for (const [id, u] of roll) {
    if (u.parentId === null) order.push(id);
    else if (roll.has(u.parentId)) (children.get(u.parentId) ?? children.set(u.parentId, []).get(u.parentId)!).push(id);
  }
  for (let k = 0; k < order.length; k++) order.push(...(children.get(order[k]!) ?? []));
  return { order, children };
}

/**
 * The reports the walk counted (`flags`), read again from the bundles and parsed: the walk keeps no report it has
 * passed, and only decisions and seat tables on the reported basis need them all. Each entry read again must have the
 * leaf hash the tree was rebuilt with (a server cannot serve one thing to the walk and another here).
 */
async function readReportHistory(
  read: (path: string) => Promise<Uint8Array | null>,
  size: number,
  flags: Uint8Array,
  tree: MerkleTree | undefined,
  problem: (k: ProblemKind, m: string) => void,
): Promise<HistoryEntry[]> {
  const again = await readReportsAgain(read, size, flags, REPORT_COUNTED, tree, problem, 'for the decisions and seat tables');
  return again.map(({ index, entry }) => ({ index, entry, officeSigned: (flags[index]! & REPORT_OFFICE_SIGNED) !== 0 }));
}

/** The reports whose flags have a bit of `mask`, read again and parsed `why` (each must be the entry read before). */
async function readReportsAgain(
  read: (path: string) => Promise<Uint8Array | null>,
  size: number,
  flags: Uint8Array,
  mask: number,
  tree: MerkleTree | undefined,
  problem: (k: ProblemKind, m: string) => void,
  why: string,
): Promise<Array<{ index: number; entry: ReportEntry }>> {
  const out: Array<{ index: number; entry: ReportEntry }> = [];
  const leaf = Buffer.alloc(HASH_SIZE);
  for (let i = 0; i * TILE_WIDTH < size; i++) {
    const from = i * TILE_WIDTH;
    const width = Math.min(TILE_WIDTH, size - from);
    if (!flags.subarray(from, from + width).some((f) => f & mask)) continue;
    const bytes = await read(entryBundlePath(i, width));
    let decoded: Uint8Array[] = [];
    try {
      if (bytes) decoded = decodeBundle(bytes);
    } catch {
      decoded = [];
    }
    for (let k = 0; k < width; k++) {
      if (!(flags[from + k]! & mask)) continue;
      const entryBytes = decoded[k];
      let entry: Entry | undefined;
      if (entryBytes && decoded.length === width) {
        leafHashInto(entryBytes, leaf, 0);
        if (!tree || equalHashes(leaf, tree.completeSubtree(0, from + k))) {
          try {
            entry = parseEntry(entryBytes);
          } catch {
            entry = undefined;
          }
        }
      }
      if (entry?.type !== 'report') {
        problem('tree', `entry ${from + k}, read again ${why}, is not the entry read before`);
        continue;
      }
      out.push({ index: from + k, entry });
    }
  }
  return out;
}

// ---- the conference's seat tables ----

function checkApportionment(index: number, e: ApportionmentEntry, history: readonly HistoryEntry[], roll: ReadonlyMap<string, UnitOnRoll>, problem: (k: ProblemKind, m: string) => void): void {
  const where = `entry ${index}: apportionment version ${e.version}`;
  const listed = e.units.map((u) => u[0]);
  const unknown = listed.find((id) => !roll.has(id));
  if (unknown) return problem('apportionment', `${where}: unit ${unknown} is not on the roll`);
  const set = new Set(listed);
  if (set.size !== listed.length) return problem('apportionment', `${where}: a unit is listed twice`);
  for (const id of listed) {
    for (let p = roll.get(id)!.parentId; p !== null; p = roll.get(p)?.parentId ?? null) {
      if (set.has(p)) return problem('apportionment', `${where}: electing unit ${id} lies inside electing unit ${p}`);
    }
  }
  // Each unit's own voting members, counted when on the roll (basis roll) or when it had reported before this entry.
  const reported = new Set<string>();
  if (e.basis === 'reported') for (const h of history) if (h.index < index) reported.add(h.entry.unitId);
  const { children } = treeOrder(roll);
  const population = (id: string): number => {
    let n = 0;
    const stack = [id];
    while (stack.length) {
      const u = stack.pop()!;
      const own = roll.get(u)!.roll;
      if (own >= 1 && (e.basis === 'roll' || reported.has(u))) n += own;
      stack.push(...(children.get(u) ?? []));
    }
    return n;
  };
  const populations = listed.map((id) => ({ id, population: population(id) }));
  for (const [k, u] of e.units.entries()) {
    if (u[1] !== populations[k]!.population) {
      return problem('apportionment', `${where}: unit ${u[0]} has a population of ${u[1]}; ${e.basis === 'roll' ? 'the roll gives' : 'the reports logged before it give'} ${populations[k]!.population}`);
    }
  }
  for (const [kind, rule, at] of [['deciding', e.deciding, 2], ['consultative', e.consultative, 3]] as const) {
    let seats: number[];
    try {
      seats = rule ? apportion(populations, rule as ApportionmentOptions).units.map((u) => u.seats) : populations.map(() => 0);
    } catch (err) {
      problem('apportionment', `${where}: its ${kind} rule cannot be applied: ${(err as Error).message}`);
      continue;
    }
    const k = e.units.findIndex((u, i) => u[at] !== seats[i]);
    if (k >= 0) problem('apportionment', `${where}: unit ${e.units[k]![0]} has ${e.units[k]![at]} ${kind} seat(s); the rule gives it ${seats[k]}`);
  }
}

// ---- the decisions ----

/**
 * The root tally over the log's first `size` entries, as reported and as adjudicated: each unit's latest report version
 * below `size`, and the adjudications below `size` on those versions (the same rules as src/services/decisions.ts).
 */
function tallyAsOf(walk: Walk, history: readonly HistoryEntry[], d: DiscussionDefinition, roll: ReadonlyMap<string, UnitOnRoll>, size: number): { reported: TallyCounts; adjudicated: TallyCounts } {
  const latest = new Map<string, HistoryEntry>();
  for (const h of history) if (h.index < size) latest.set(h.entry.unitId, h);
  const decided = new Map<string, AdjudicationEntry[]>();
  for (const a of walk.adjudications) {
    if (a.index >= size || latest.get(a.entry.unitId)?.entry.version !== a.entry.version) continue;
    decided.set(a.entry.unitId, [...(decided.get(a.entry.unitId) ?? []), a.entry]);
  }
  const reported: Array<{ roll: number; report: CountedReport | null }> = [];
  const adjudicated: Array<{ roll: number; report: CountedReport | null }> = [];
  for (const [unitId, u] of roll) {
    const h = latest.get(unitId);
    if (!h) {
      reported.push({ roll: u.roll, report: null });
      adjudicated.push({ roll: u.roll, report: null });
      continue;
    }
    const r = h.entry;
    reported.push({ roll: u.roll, report: { present: r.present, votes: r.votes, outcome: deriveOutcome(r, u.roll, d), officeSigned: h.officeSigned } });
    let left: ReturnType<typeof adjudicatedReport> = null;
    try {
      left = adjudicatedReport(r, u.roll, decided.get(unitId) ?? [], d);
    } catch {
      left = { present: r.present, votes: r.votes, outcome: deriveOutcome(r, u.roll, d) }; // a strike beyond the counts: reported by the structure walk
    }
    adjudicated.push({ roll: u.roll, report: left ? { ...left, officeSigned: h.officeSigned } : null });
  }
  return { reported: recount(d, reported), adjudicated: recount(d, adjudicated) };
}

/** The first leaf where two tallies differ, as `field: a ≠ b`, or null. */
function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return a === b ? null : `${path || '(tally)'}: recomputed ${JSON.stringify(a)}, the entry says ${JSON.stringify(b)}`;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of [...keys].sort()) {
    const diff = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
    if (diff) return diff;
  }
  return null;
}

// ---- the tallies ----

/** Recomputes every unit's tally and compares it with tallies.json; returns the number of fields compared. */
function compareTallies(
  published: Published,
  d: DiscussionDefinition,
  roll: ReadonlyMap<string, UnitOnRoll>,
  currentOf: Walk['currentOf'],
  problem: (k: ProblemKind, m: string) => void,
  progress: (done: number, total: number) => void,
): number {
  // A unit's tally: its own current report's contribution plus its children's tallies, children first.
  const tallies = new Map<string, TallyCounts>();
  const { order, children } = treeOrder(roll);
  for (let k = order.length - 1; k >= 0; k--) {
    const id = order[k]!;
    const u = roll.get(id)!;
    const r = currentOf(id);
    const counted = r && { ...r, outcome: deriveOutcome(r, u.roll, d) };
    const t = contributionOf(d, u.roll, counted ?? null);
    for (const c of children.get(id) ?? []) addInto(t, tallies.get(c)!);
    tallies.set(id, t);
  }

  if (published.doc.discussionId !== d.id) problem('tally', `tallies.json is for discussion ${published.doc.discussionId}, not ${d.id}`);
  // The units as published (not as the schema reads them): a figure the schema does not know is still compared.
  const byUnit = new Map<string, Record<string, unknown>>();
  for (const t of published.units) {
    const unitId = t.unitId as string;
    if (byUnit.has(unitId)) problem('tally', `unit ${unitId}: appears twice in tallies.json`);
    byUnit.set(unitId, t);
    if (!roll.has(unitId)) problem('tally', `unit ${unitId}: in tallies.json but not in the roll`);
  }
  let compared = 0;
  let done = 0;
  for (const id of roll.keys()) {
    progress(++done, roll.size);
    const pub = byUnit.get(id);
    if (!pub) {
      problem('tally', `unit ${id}: in the roll but not in tallies.json`);
      continue;
    }
    const mine = tallies.get(id) as (TallyCounts & Record<string, unknown>) | undefined;
    if (!mine) continue; // not below the root: already a structure problem
    const diff = (field: string, got: unknown, want: unknown) => problem('tally', `unit ${id}: ${field} published ${show(got)}, recomputed ${show(want)}`);
    const same = (field: string, got: unknown, want: unknown) => {
      compared++;
      if (got !== want) diff(field, got, want);
    };
    if (pub.discussionId !== d.id) diff('discussionId', pub.discussionId, d.id);
    const withheld = isSmallUnitWithheld(d.rules, mine.membersTotal);
    if (pub.withheld !== withheld) diff('withheld', pub.withheld, withheld);
    // Every figure published, and at least those the schema requires; a recomputed one tallies.json does not carry
    // (a figure newer than the document) is not asked for.
    const fields = new Set([...REQUIRED_FIGURES, ...Object.keys(pub).filter((f) => !METADATA.has(f) && f !== 'questions')]);
    for (const f of fields) {
      // A withheld unit shows only its coverage: the figures that could reveal its meeting must be null.
      if (pub.withheld === true && WITHHELD.has(f)) {
        if (pub[f] !== null) diff(f, pub[f], null);
      } else same(f, pub[f], mine[f]);
    }
    if (pub.withheld === true) {
      if (pub.questions !== null) diff('questions', pub.questions, null);
      continue;
    }
    if (pub.questions === null || typeof pub.questions !== 'object') {
      diff('questions', pub.questions, mine.questions);
      continue;
    }
    // Question fields are named without a prefix, as a reader says them: q1.votes.cc, q1.adopted.none.members.
    const got = flatten(pub.questions);
    const want = flatten(mine.questions);
    for (const field of new Set([...want.keys(), ...got.keys()])) same(field, got.get(field), want.get(field));
  }
  return compared;
}
