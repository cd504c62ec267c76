/**
 * The dashboard's check of the discussion's public log, in the reader's browser: fetch the log's key (vkey) and latest
 * checkpoint, verify the checkpoint's signature, and — when this browser saw the log before — that the log only grew
 * since (RFC 9162 consistency proof from the size seen to the size served). The last checkpoint seen is kept per
 * discussion in localStorage, with the log key it was verified with: a key that changed is itself an alarm (trust on
 * first use, as with SSH), since whoever holds a new key could sign any history.
 *
 * A failure to fetch says "not checked" calmly; only what is served and wrong raises the alarm. On an alarm the
 * stored checkpoint is kept: the next visit compares against what was seen, not against the forgery.
 */
import { api, ApiError } from '../api.ts';
import { decodeBase64, encodeBase64, NoteError, openCheckpoint, parseVerifierKey, ProofError, verifyConsistency, type Verifier } from './checkpoint.ts';

/** A checkpoint as this browser keeps it. */
export interface SeenCheckpoint {
  origin: string;
  size: number;
  /** Standard base64 of the root hash. */
  root: string;
  note: string;
  vkey: string;
  checkedAt: string;
}

export type RecordCheck =
  | { kind: 'ok'; size: number; root: string; previous: SeenCheckpoint | null; older: boolean }
  | { kind: 'unavailable'; detail: string }
  /** The discussion has no log (it opened before the record existed): nothing to say. */
  | { kind: 'none' }
  | { kind: 'rewritten'; expected: SeenCheckpoint; served: { size: number; root: string; note: string }; detail: string }
  | { kind: 'signature'; served: string; vkey: string; detail: string }
  | { kind: 'keyChanged'; expected: SeenCheckpoint; vkey: string };

const STORAGE = 'plenum.record.v1.';
const enc = encodeURIComponent;

export const logPath = (discussionId: string, file: string) => `/log/${enc(discussionId)}/${file}`;

export function readSeen(discussionId: string): SeenCheckpoint | null {
  try {
    const raw = localStorage.getItem(STORAGE + discussionId);
    if (!raw) return null;
    const s = JSON.parse(raw) as SeenCheckpoint;
    return typeof s.size === 'number' && typeof s.root === 'string' && typeof s.vkey === 'string' ? s : null;
  } catch {
    return null;
  }
}

function remember(discussionId: string, seen: SeenCheckpoint): void {
  try {
    localStorage.setItem(STORAGE + discussionId, JSON.stringify(seen));
  } catch {
    /* storage full or disabled: the next visit checks the signature only */
  }
}

async function fetchText(path: string): Promise<{ status: number; text: string }> {
  const r = await fetch(path, { cache: 'no-store', credentials: 'same-origin' });
  return { status: r.status, text: await r.text() };
}

const asText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** One check of one discussion's log (see the module comment). */
export async function checkRecord(discussionId: string): Promise<RecordCheck> {
  let vkeyText: string;
  let note: string;
  try {
    const [v, c] = await Promise.all([fetchText(logPath(discussionId, 'vkey')), fetchText(logPath(discussionId, 'checkpoint'))]);
    if (v.status === 404 || c.status === 404) {
      // No log: fine for a discussion that never had one, but a log this browser saw cannot vanish.
      const seen = readSeen(discussionId);
      if (!seen) return { kind: 'none' };
      return { kind: 'rewritten', expected: seen, served: { size: 0, root: '', note: '' }, detail: `the server has no log for this discussion (HTTP 404)` };
    }
    if (v.status !== 200) return { kind: 'unavailable', detail: `vkey: HTTP ${v.status}` };
    if (c.status !== 200) return { kind: 'unavailable', detail: `checkpoint: HTTP ${c.status}` };
    vkeyText = v.text.trim();
    note = c.text;
  } catch (e) {
    return { kind: 'unavailable', detail: asText(e) };
  }

  const seen = readSeen(discussionId);
  if (seen && seen.vkey !== vkeyText) return { kind: 'keyChanged', expected: seen, vkey: vkeyText };

  let logKey: Verifier;
  let cp: Awaited<ReturnType<typeof openCheckpoint>>;
  try {
    logKey = await parseVerifierKey(vkeyText);
    cp = await openCheckpoint(note, logKey);
  } catch (e) {
    if (e instanceof NoteError) return { kind: 'signature', served: note, vkey: vkeyText, detail: e.message };
    return { kind: 'unavailable', detail: asText(e) };
  }
  const root = encodeBase64(cp.root);
  const served = { size: cp.size, root, note };
  const now = new Date().toISOString();

  if (!seen) {
    remember(discussionId, { origin: cp.origin, size: cp.size, root, note, vkey: vkeyText, checkedAt: now });
    return { kind: 'ok', size: cp.size, root, previous: null, older: false };
  }

  // The smaller of the two trees must be a prefix of the larger: a proof from it to the other.
  const [from, to] = cp.size >= seen.size ? [seen, served] : [served, seen];
  try {
    const fromRoot = decodeBase64(from.root, 'the root hash');
    const toRoot = decodeBase64(to.root, 'the root hash');
    if (from.size === to.size || from.size === 0) {
      // Equal sizes need equal roots; nothing is a proof from the empty tree, and everything extends it.
      if (from.size === to.size && from.root !== to.root) throw new ProofError(`the sizes are equal (${from.size}) but the roots differ`);
    } else {
      let proof: string[];
      try {
        proof = (await api<{ proof: string[] }>(`/discussions/${enc(discussionId)}/log/consistency?from=${from.size}&to=${to.size}`)).proof;
      } catch (e) {
        // The server cannot show that what it serves now extends what it served before: that is the alarm too. An
        // unreachable server (or a busy one) only leaves the log unchecked.
        if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 429) {
          throw new ProofError(`no consistency proof from ${from.size} to ${to.size}: ${e.message}`);
        }
        return { kind: 'unavailable', detail: asText(e) };
      }
      await verifyConsistency(from.size, to.size, proof.map((h, i) => decodeBase64(h, `proof hash ${i}`)), fromRoot, toRoot);
    }
  } catch (e) {
    if (e instanceof ProofError || e instanceof NoteError) return { kind: 'rewritten', expected: seen, served, detail: e.message };
    return { kind: 'unavailable', detail: asText(e) };
  }

  // An older checkpoint (a lagging cache) that the newer one extends: fine, but keep the newer one.
  const older = cp.size < seen.size;
  if (!older) remember(discussionId, { origin: cp.origin, size: cp.size, root, note, vkey: vkeyText, checkedAt: now });
  return { kind: 'ok', size: cp.size, root, previous: seen, older };
}

const recent = new Map<string, { at: number; result: Promise<RecordCheck> }>();
const REUSE_MS = 30_000;

/** checkRecord, shared by pages of the same discussion opened within a short while (and by React's double effects). */
export function checkRecordOnce(discussionId: string): Promise<RecordCheck> {
  const r = recent.get(discussionId);
  if (r && Date.now() - r.at < REUSE_MS) return r.result;
  const result = checkRecord(discussionId);
  recent.set(discussionId, { at: Date.now(), result });
  return result;
}
