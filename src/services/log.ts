/**
 * The verifiable record of each discussion (docs/verifiable-record.md): writing entries in the same transaction as
 * what they record, and publishing the log — signed checkpoints, tiles, entry bundles and receipts.
 *
 * - Writing: `beginDiscussionLog` when a discussion opens (its definition, the office key, the frozen roll), and
 *   `appendReportEntry` for every report version, each inside the caller's transaction: an accepted report is in the
 *   log or the report is not stored at all. Nothing else is written for an append, so a crash cannot leave half of
 *   one (tiles and checkpoints are derived from the rows).
 * - Publishing: `LogPublisher` keeps each log's tree in memory (src/log/tree.ts), reading new rows as they commit,
 *   and signs a checkpoint whenever the tree grew — every half second while entries arrive (`start`), or on demand
 *   (receipts, export). Two server processes sign the same checkpoint for the same size byte for byte (the body has no
 *   timestamp and Ed25519 is deterministic), so any number of instances may publish.
 * - Keys: the installation's log key (checkpoints; its note key name is the log's origin) and office key (report
 *   statements the office vouches for) are made on first use and kept in `server_keys`.
 */
import { randomBytes } from 'node:crypto';
import { DomainError } from '../domain/errors.ts';
import { signCheckpoint } from '../log/checkpoint.ts';
import { discussionEntryFromDefinition, keyEntry, reportEntry, rollEntries, sha256Hex, type ReportEntry, type RollUnit } from '../log/entries.ts';
import { leafHash, type Hash } from '../log/merkle.ts';
import { signerFromSeed, verifierKey, type Signer } from '../log/note.ts';
import { formatProof } from '../log/proof.ts';
import { openCosignature, parseCosignatureVerifierKey, type CosignatureVerifier } from '../log/cosignature.ts';
import { requestCosignature } from './witness-client.ts';
import { ed25519PublicKey, signingKeyId, signReportStatement, verifyReportSignature, type ReportStatement } from '../log/signing.ts';
import { findUnitKey, listActiveKeys, type UnitKey } from '../storage/keys.repository.ts';
import type { KeyObject } from 'node:crypto';
import { encodeBundle } from '../log/tiles.ts';
import { MerkleTree } from '../log/tree.ts';
import { crashPoint } from './crash-points.ts';
import { entryRow, finishReportEntry, type EntryRow } from './report-entry.ts';
import type { DiscussionDefinition } from '../domain/discussion.ts';
import type { Db } from '../storage/db.ts';
import { findDiscussion, type FrozenUnit } from '../storage/discussions.repository.ts';
import {
  appendLogEntries,
  checkpointAtLeast,
  cosignatureLines,
  findLogHead,
  findServerKey,
  insertCheckpoint,
  insertCosignature,
  lastCosignedSize,
  insertLogHead,
  insertServerKeyIfAbsent,
  latestCheckpoint,
  listLogHeads,
  readLeafHashes,
  readLogEntries,
  type StoredCheckpoint,
} from '../storage/log.repository.ts';

export const LOG_KEY = 'log';
export const OFFICE_KEY = 'office';
/** Who approved the office key: the organization itself, through the log that carries the key's entry. */
export const ORGANIZATION = 'organization';

const utf8 = new TextEncoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fromHex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

/** The log's name (checkpoint origin, and its key's name): `<PLENUM_LOG_NAME or plenum.localhost>/<discussion id>`. */
export function logOrigin(discussionId: string): string {
  const base = (process.env.PLENUM_LOG_NAME ?? 'plenum.localhost').replace(/\/+$/, '');
  return `${base}/${discussionId}`;
}

// ---- the installation's keys ----

/**
 * Signers by database and key: a database is told apart by its Kysely adapter, one object per Kysely instance and
 * shared by its transactions — so the seed is read once per process and store, not on every report.
 */
const signers = new WeakMap<object, Map<string, Signer>>();

/** The 32-byte seed of a server key, made on first use (a race between processes: the first stored wins). */
async function serverSeed(db: Db, name: string, now: string): Promise<string> {
  const found = await findServerKey(db, name);
  if (found) return found.seed;
  const seed = randomBytes(32);
  const s = signerFromSeed(name, seed);
  await insertServerKeyIfAbsent(db, { name, seed: seed.toString('base64'), publicKey: Buffer.from(s.publicKey).toString('base64') }, now);
  return (await findServerKey(db, name))!.seed;
}

async function serverSigner(db: Db, key: string, name: string, now: string): Promise<Signer> {
  const store = db.getExecutor().adapter;
  let byKey = signers.get(store);
  if (!byKey) signers.set(store, (byKey = new Map()));
  const cacheKey = `${key}\u0000${name}`;
  let s = byKey.get(cacheKey);
  if (!s) {
    const seed = await serverSeed(db, key, now);
    s = signerFromSeed(name, new Uint8Array(Buffer.from(seed, 'base64')));
    seeds.set(s, seed);
    byKey.set(cacheKey, s);
  }
  return s;
}

/** The seed (base64) each cached server signer was made from: what a worker thread needs to sign with the same key. */
const seeds = new WeakMap<Signer, string>();
export const seedOf = (signer: Signer): string | undefined => seeds.get(signer);

/** The office's signer if this process has already read it from `db` (`officeSigner`), without I/O; else undefined. */
export const cachedOfficeSigner = (db: Db): Signer | undefined => signers.get(db.getExecutor().adapter)?.get(`${OFFICE_KEY}\u0000plenum-office`);

/** The key that signs a log's checkpoints: the installation's log key, named after the log's origin. */
export const logSigner = (db: Db, origin: string, now: string) => serverSigner(db, LOG_KEY, origin, now);
/** The office's key: it signs the reports the office vouches for. */
export const officeSigner = (db: Db, now: string) => serverSigner(db, OFFICE_KEY, 'plenum-office', now);

/** Makes both server keys if they do not exist yet (outside any long transaction). */
export async function ensureServerKeys(db: Db, now: string): Promise<void> {
  await serverSeed(db, LOG_KEY, now);
  await serverSeed(db, OFFICE_KEY, now);
}

// ---- writing ----

const prepared = entryRow;

/** Appends one entry (a key event) to the log of every open discussion, inside the caller's transaction. */
export async function appendToEveryLog(trx: Db, bytes: Uint8Array, now: string): Promise<void> {
  const entry = prepared(bytes);
  for (const head of await listLogHeads(trx)) await appendLogEntries(trx, head.discussionId, [entry], now);
}

/** Appends one entry to a discussion's log in the caller's transaction; its index, or null if the discussion has none. */
export async function appendEntry(trx: Db, discussionId: string, bytes: Uint8Array, now: string): Promise<number | null> {
  if (!(await hasLog(trx, discussionId))) return null;
  return appendLogEntries(trx, discussionId, [prepared(bytes)], now, { ifLogged: true });
}

/**
 * Starts a discussion's log, inside the transaction that opens it: the discussion entry, the office key's entry, the
 * unit keys active now, and the frozen roll. Call `ensureServerKeys` before the transaction.
 */
export async function beginDiscussionLog(trx: Db, definition: DiscussionDefinition, frozen: readonly FrozenUnit[], rootUnitId: string, now: string): Promise<void> {
  const office = await officeSigner(trx, now);
  await insertLogHead(trx, definition.id, logOrigin(definition.id));
  const entries = [
    discussionEntryFromDefinition(definition),
    keyEntry({ action: 'enrol', keyId: signingKeyId(office.publicKey), unitId: rootUnitId, publicKey: Buffer.from(office.publicKey).toString('base64'), approvedBy: ORGANIZATION }),
    // The unit keys approved before this discussion opened (their approvers are in the audit log and earlier logs).
    ...(await listActiveKeys(trx)).map((k) => keyEntry({ action: 'enrol', keyId: k.keyId, unitId: k.unitId, publicKey: k.publicKey, approvedBy: ORGANIZATION })),
    ...rollEntries(definition.id, frozen.map((u): RollUnit => [u.unitId, u.parentId, u.roll])),
  ];
  await appendLogEntries(trx, definition.id, entries.map(prepared), now);
}

export interface LoggedReport {
  index: number;
  keyId: string;
  enteredBy: 'unit' | 'office';
  /** Whose key signed it: the unit's own, or the office's. */
  signedBy: 'unit' | 'office';
}

/**
 * Appends a report version to its discussion's log, inside the report's transaction; returns its log index. Signed
 * by the unit secretary's approved key when `unitSignature` is given (checked here: the key must be active for the
 * unit and the signature must verify over the statement), else by the office key (the office vouches for it: paper
 * minutes it entered, or a report sent without a personal key). A discussion opened before the log existed has none:
 * then nothing is appended and null is returned.
 */
export async function appendReportEntry(
  trx: Db,
  statement: Omit<ReportStatement, 'type' | 'v' | 'keyId'>,
  submittedAt: string,
  unitSignature?: { keyId: string; value: string },
): Promise<LoggedReport | null> {
  if (!(await hasLog(trx, statement.discussionId))) return null;
  const signer: ReportSigner = unitSignature ? { unitKey: await findUnitKey(trx, unitSignature.keyId) } : { office: await officeSigner(trx, submittedAt) };
  const p = prepareReportEntry(statement, submittedAt, unitSignature, signer);
  // No head: a discussion opened before the log existed (nothing is appended; the work above was for nothing, once).
  const index = await appendLogEntries(trx, statement.discussionId, [p.entry], submittedAt, { ifLogged: true });
  if (index === null) return null;
  return { index, keyId: p.keyId, enteredBy: p.enteredBy, signedBy: p.signedBy };
}

/** What signs a report entry: the unit key the signature names (as found: undefined if there is none), or the office. */
export type ReportSigner = { unitKey: UnitKey | undefined } | { office: Signer };

/** A report's entry, signed (or its signature checked) and encoded, not yet appended (see `appendReportEntry`). */
export interface PreparedReportEntry {
  entry: EntryRow;
  keyId: string;
  enteredBy: 'unit' | 'office';
  signedBy: 'unit' | 'office';
}

/** A report's statement with its signer settled: the unit's signature checked, or the office to sign it (`finishReportEntry`). */
export interface SignedStatement {
  signed: ReportStatement;
  /** The unit's signature (base64), checked; or the office's key, to sign with. */
  signature: string | Signer;
  keyId: string;
  enteredBy: 'unit' | 'office';
  signedBy: 'unit' | 'office';
}

/**
 * The entry of a report version, without I/O: with `unitSignature`, the key it names (read by the caller) must be an
 * approved, active key of the unit and the signature must verify over the statement; without, the office signs. The
 * same bytes whether one report is appended (`appendReportEntry`) or a batch (services/report-batch.ts).
 */
export function prepareReportEntry(
  statement: Omit<ReportStatement, 'type' | 'v' | 'keyId'>,
  submittedAt: string,
  unitSignature: { keyId: string; value: string } | undefined,
  signer: ReportSigner,
): PreparedReportEntry {
  const s = settleSigner(statement, submittedAt, unitSignature, signer);
  return { entry: finishReportEntry(s.signed, submittedAt, s.signature), keyId: s.keyId, enteredBy: s.enteredBy, signedBy: s.signedBy };
}

/**
 * The checks of `prepareReportEntry` — everything that can refuse the report — without the office's signature and
 * the encoding (a batch has those done on a worker thread while it writes: services/entry-pool.ts).
 */
export function settleSigner(
  statement: Omit<ReportStatement, 'type' | 'v' | 'keyId'>,
  submittedAt: string,
  unitSignature: { keyId: string; value: string } | undefined,
  signer: ReportSigner,
): SignedStatement {
  if (unitSignature) {
    const key = 'unitKey' in signer ? signer.unitKey : undefined;
    if (!key || key.unitId !== statement.unitId || key.state !== 'active') {
      throw new DomainError('invalid_input', `signature: key '${unitSignature.keyId}' is not an approved, active key of unit '${statement.unitId}'`, { field: 'signature' });
    }
    const signed = signedStatement(statement, key.keyId);
    const entryLike = { ...signed, submittedAt, signature: unitSignature.value } as ReportEntry;
    if (!verifyReportSignature(entryLike, publicKeyObject(key.publicKey))) {
      throw new DomainError('invalid_input', `signature: does not verify with key '${key.keyId}' over this report's statement (docs/verifiable-record.md)`, { field: 'signature' });
    }
    return { signed, signature: unitSignature.value, keyId: key.keyId, enteredBy: 'unit', signedBy: 'unit' };
  }
  if (!('office' in signer)) throw new Error('a report without a unit signature is signed by the office');
  const office = signer.office;
  const signed = signedStatement(statement, office);
  return { signed, signature: office, keyId: signed.keyId, enteredBy: signed.enteredBy, signedBy: 'office' };
}

/**
 * The statement as signed: by the unit's key `signer` (a key id; the unit entered it, whoever sent it), or by the
 * office's key (who entered it as the statement says).
 */
export function signedStatement(statement: Omit<ReportStatement, 'type' | 'v' | 'keyId'>, signer: string | Signer): ReportStatement {
  if (typeof signer === 'string') return { type: 'report', v: 1, ...statement, enteredBy: 'unit', keyId: signer };
  return { type: 'report', v: 1, ...statement, keyId: officeKeyId(signer) };
}

const keyIds = new WeakMap<Signer, string>();
function officeKeyId(office: Signer): string {
  let id = keyIds.get(office);
  if (id === undefined) keyIds.set(office, (id = signingKeyId(office.publicKey)));
  return id;
}

/**
 * Whether a discussion has a log, remembered per store: a log is made in the transaction that opens its discussion
 * and never removed, and a discussion opened before logs existed never gets one — so the answer never changes.
 */
const logged = new WeakMap<object, Map<string, boolean>>();
function knownLogs(db: Db): Map<string, boolean> {
  const store = db.getExecutor().adapter;
  let known = logged.get(store);
  if (!known) logged.set(store, (known = new Map()));
  return known;
}
async function hasLog(db: Db, discussionId: string): Promise<boolean> {
  const known = knownLogs(db);
  let has = known.get(discussionId);
  if (has === undefined) {
    has = (await findLogHead(db, discussionId)) !== undefined;
    if (has) known.set(discussionId, has); // a rolled-back opening must not be remembered as "no log"
  }
  return has;
}

/** Whether this process has seen a log of the discussion in `db` (without I/O; false: not known to have one). */
export const knownToHaveLog = (db: Db, discussionId: string): boolean => knownLogs(db).get(discussionId) === true;

/** Remembers discussions whose log heads were just read (a report batch's `findDiscussionsLockingLogs`): they have a log. */
export function rememberLogs(db: Db, discussionIds: Iterable<string>): void {
  const known = knownLogs(db);
  for (const id of discussionIds) known.set(id, true);
}

const publicKeys = new Map<string, KeyObject>();
function publicKeyObject(base64: string): KeyObject {
  let k = publicKeys.get(base64);
  if (!k) {
    k = ed25519PublicKey(new Uint8Array(Buffer.from(base64, 'base64')));
    if (publicKeys.size > 10_000) publicKeys.clear();
    publicKeys.set(base64, k);
  }
  return k;
}

// ---- publishing ----

interface HeldLog {
  origin: string;
  tree: MerkleTree;
  /** Serializes syncs and signing for this log. */
  lock: Promise<unknown>;
}

export interface PublishedCheckpoint extends StoredCheckpoint {
  origin: string;
  /** The note with the witnesses' cosignature lines appended. */
  cosigned: string;
}

/** A witness the log asks for cosignatures: where it listens, and its cosignature verifier key. */
export interface WitnessEndpoint {
  url: string;
  vkey: string;
}

/**
 * The witnesses of PLENUM_WITNESSES: entries separated by `;` or newlines, each `<url> <cosignature verifier key>`.
 * A malformed entry stops the server from starting, naming it.
 */
export function witnessesFromEnvironment(text = process.env.PLENUM_WITNESSES ?? ''): WitnessEndpoint[] {
  return text
    .split(/[;\n]/)
    .map((e) => e.trim())
    .filter((e) => e !== '')
    .map((e) => {
      const [url, vkey, ...rest] = e.split(/\s+/);
      if (!url || !vkey || rest.length || !/^https?:\/\//.test(url)) throw new Error(`PLENUM_WITNESSES: '${e}' is not '<http(s) URL> <verifier key>'`);
      parseCosignatureVerifierKey(vkey);
      return { url, vkey };
    });
}

export class LogPublisher {
  private readonly logs = new Map<string, HeldLog>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private ticking = false;
  private readonly witnesses: Array<WitnessEndpoint & { verifier: CosignatureVerifier }>;

  constructor(
    private readonly db: Db,
    private readonly now: () => string = () => new Date().toISOString(),
    private readonly onError: (e: unknown) => void = () => undefined,
    witnesses: readonly WitnessEndpoint[] = [],
  ) {
    this.witnesses = witnesses.map((w) => ({ ...w, verifier: parseCosignatureVerifierKey(w.vkey) }));
  }

  /** Signs new checkpoints every `everyMs` while entries arrive. */
  start(everyMs = 500): void {
    this.timer ??= setInterval(() => void this.tick(), everyMs);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round: every log whose stored size passed its latest checkpoint gets a new one. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const head of await listLogHeads(this.db)) {
        const held = this.logs.get(head.discussionId);
        if (held && held.tree.size === head.size) continue;
        const c = await this.checkpoint(head.discussionId);
        if (c && this.witnesses.length) await this.witness(head.discussionId, c);
      }
    } catch (e) {
      this.onError(e);
    } finally {
      this.ticking = false;
    }
  }

  private async exclusive<T>(discussionId: string, fn: (held: HeldLog) => Promise<T>): Promise<T | undefined> {
    let held = this.logs.get(discussionId);
    if (!held) {
      const head = await findLogHead(this.db, discussionId);
      if (!head) return undefined;
      held = this.logs.get(discussionId) ?? { origin: head.origin, tree: new MerkleTree(), lock: Promise.resolve() };
      this.logs.set(discussionId, held);
    }
    const h = held;
    const run = h.lock.then(() => fn(h));
    h.lock = run.catch(() => undefined);
    return run;
  }

  /** Reads the rows committed since the last sync into the tree (contiguous indexes only). */
  private async sync(discussionId: string, held: HeldLog): Promise<void> {
    for (;;) {
      const from = held.tree.size;
      const rows = await readLeafHashes(this.db, discussionId, from, from + 10_000);
      let appended = 0;
      for (const r of rows) {
        if (r.idx !== held.tree.size) break; // a gap would mean a row not yet visible: stop and read it next time
        held.tree.append(fromHex(r.leafHash));
        appended++;
      }
      if (appended < 10_000) return;
    }
  }

  /** Brings the tree up to date and signs a checkpoint of it if it grew; the latest checkpoint (undefined: no log). */
  async checkpoint(discussionId: string): Promise<PublishedCheckpoint | undefined> {
    return this.exclusive(discussionId, async (held) => {
      await this.sync(discussionId, held);
      let latest = await latestCheckpoint(this.db, discussionId);
      if (!latest || latest.size < held.tree.size) {
        crashPoint('log:before-checkpoint');
        const size = held.tree.size;
        const root = held.tree.root(size);
        const signer = await logSigner(this.db, held.origin, this.now());
        const note = signCheckpoint({ origin: held.origin, size, root }, signer);
        await insertCheckpoint(this.db, discussionId, { size, rootHash: hex(root), note, signedAt: this.now() });
        crashPoint('log:after-checkpoint');
        latest = (await latestCheckpoint(this.db, discussionId))!;
      }
      return this.published(discussionId, held.origin, latest);
    });
  }

  /**
   * Asks every witness to cosign checkpoint `c` (c2sp.org/tlog-witness), from the size it last cosigned for this log
   * (a 409 tells the size it holds: asked again once from there). Only cosignatures that verify with the witness's
   * key are kept; a refusal is reported through onError and tried again with the next checkpoint.
   */
  async witness(discussionId: string, c: StoredCheckpoint): Promise<void> {
    for (const w of this.witnesses) {
      try {
        let oldSize = await lastCosignedSize(this.db, discussionId, w.vkey);
        if (oldSize >= c.size) continue;
        for (let attempt = 0; attempt < 2; attempt++) {
          const proof = oldSize === 0 ? [] : ((await this.consistencyProof(discussionId, oldSize, c.size)) ?? []);
          const answer = await requestCosignature(w.url, oldSize, proof, c.note, { timeoutMs: 5_000 });
          if (answer.ok) {
            const body = c.note.slice(0, c.note.indexOf('\n\n') + 1);
            const line = answer.lines.find((l) => {
              try {
                openCosignature(body, l, w.verifier);
                return true;
              } catch {
                return false;
              }
            });
            if (!line) throw new Error(`witness ${w.url} answered without a valid cosignature by ${w.verifier.name}`);
            await insertCosignature(this.db, discussionId, c.size, w.vkey, line.endsWith('\n') ? line : `${line}\n`, this.now());
            break;
          }
          if (answer.status === 409 && answer.currentSize !== undefined && answer.currentSize !== oldSize && answer.currentSize <= c.size) {
            oldSize = answer.currentSize;
            continue;
          }
          throw new Error(`witness ${w.url} refused checkpoint ${c.size} of ${discussionId}: ${answer.status} ${answer.message}`);
        }
      } catch (e) {
        this.onError(e);
      }
    }
  }

  private async published(discussionId: string, origin: string, c: StoredCheckpoint): Promise<PublishedCheckpoint> {
    const lines = await cosignatureLines(this.db, discussionId, c.size);
    return { ...c, origin, cosigned: c.note + lines.join('') };
  }

  /** The latest signed checkpoint as published, without signing a new one. */
  async latest(discussionId: string): Promise<PublishedCheckpoint | undefined> {
    const head = await findLogHead(this.db, discussionId);
    if (!head) return undefined;
    const c = await latestCheckpoint(this.db, discussionId);
    return c && this.published(discussionId, head.origin, c);
  }

  /** The log's verifier key, `<origin>+<key id>+<key>`. */
  async verifierKey(discussionId: string): Promise<string | undefined> {
    const head = await findLogHead(this.db, discussionId);
    if (!head) return undefined;
    const s = await logSigner(this.db, head.origin, this.now());
    return verifierKey(s.name, s.publicKey);
  }

  /** Tile (level, index) of the tree at `size` (a checkpointed size). */
  async tile(discussionId: string, size: number, level: number, index: number): Promise<{ width: number; bytes: Uint8Array } | undefined> {
    return this.exclusive(discussionId, async (held) => {
      if (held.tree.size < size) await this.sync(discussionId, held);
      return held.tree.tile(size, level, index);
    });
  }

  /** The entry bundle `index` of width `width` (entries index·256 … index·256 + width − 1). */
  async bundle(discussionId: string, index: number, width: number): Promise<Uint8Array> {
    const rows = await readLogEntries(this.db, discussionId, index * 256, index * 256 + width);
    if (rows.length !== width) throw new RangeError(`bundle ${index} needs ${width} entries, ${rows.length} are stored`);
    return encodeBundle(rows.map((r) => utf8.encode(r.entry)));
  }

  /**
   * A receipt for the entry at `index`: a C2SP tlog-proof against the first checkpoint that covers it (signed now
   * if none does yet), carrying the entry's bytes as its `extra` data.
   */
  async receipt(discussionId: string, index: number): Promise<string | undefined> {
    let c: StoredCheckpoint | PublishedCheckpoint | undefined = await checkpointAtLeast(this.db, discussionId, index + 1);
    if (!c) c = await this.checkpoint(discussionId);
    if (!c || c.size <= index) return undefined;
    const size = c.size;
    const lines = await cosignatureLines(this.db, discussionId, size);
    const proof = await this.exclusive(discussionId, async (held) => {
      if (held.tree.size < size) await this.sync(discussionId, held);
      return held.tree.inclusionProof(index, size);
    });
    if (!proof) return undefined;
    const [row] = await readLogEntries(this.db, discussionId, index, index + 1);
    if (!row) return undefined;
    // The entry itself rides in `extra`, so the receipt alone proves what was logged (docs/verifiable-record.md).
    return formatProof({ index, proof, checkpoint: c.note + lines.join(''), extra: utf8.encode(row.entry) });
  }

  /** The tree (for proofs between sizes), up to date with the stored rows. */
  async consistencyProof(discussionId: string, oldSize: number, newSize: number): Promise<Hash[] | undefined> {
    return this.exclusive(discussionId, async (held) => {
      if (held.tree.size < newSize) await this.sync(discussionId, held);
      return held.tree.consistencyProof(oldSize, newSize);
    });
  }
}

/** The log of a discussion, or a 404 naming it. */
/**
 * A public text the discussion's log names by its SHA-256 — its title (entry 0's `titleSha256`) — or undefined.
 * Resolution texts are not public (they can name people): those who may read a unit's reports get them, with their
 * hashes, from its report history.
 */
export async function publicLogText(db: Db, discussionId: string, sha256: string): Promise<string | undefined> {
  const d = await findDiscussion(db, discussionId);
  if (d && sha256Hex(d.definition.title) === sha256) return d.definition.title;
  return undefined;
}

export async function requireLog(db: Db, discussionId: string) {
  const head = await findLogHead(db, discussionId);
  if (!head) throw new DomainError('not_found', `discussion '${discussionId}' has no public log (it is not open, or it was opened before the log existed)`);
  return head;
}
