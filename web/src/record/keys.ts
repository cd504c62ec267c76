/**
 * Signing keys as the server knows them (GET/POST /api/v1/keys) beside the ones this browser holds (keystore.ts):
 * which of her keys a secretary can sign with here — one held in this browser *and* active on the server.
 */
import { api, ApiError } from '../api.ts';
import { listKeys, type StoredKey } from './keystore.ts';

/** `replaced`: an active key whose rotation was approved (it signs nothing more). */
export type { KeyState, SigningKey } from '../../../src/schemas/keys.ts';
import type { KeyState, SigningKey } from '../../../src/schemas/keys.ts';

const enc = encodeURIComponent;

export async function listServerKeys(filter: { unit?: string; state?: KeyState } = {}): Promise<SigningKey[]> {
  const q = new URLSearchParams();
  if (filter.unit) q.set('unit', filter.unit);
  if (filter.state) q.set('state', filter.state);
  const s = q.toString();
  return (await api<{ items: SigningKey[] }>(`/keys${s ? `?${s}` : ''}`)).items;
}

export const enrolKey = (body: { unitId: string; publicKey: string; label?: string; replaces?: string }) => api<SigningKey>('/keys', { body });
export const decideKey = (keyId: string, action: 'approve' | 'refuse' | 'revoke', reason?: string) =>
  api<SigningKey>(`/keys/${enc(keyId)}/${action}`, { body: reason ? { reason } : {} });

/**
 * The key this browser signs the unit's reports with: held here for this account, and active on the server. Null
 * when there is none (or the server could not say: the report then rests on the office key, as without a key).
 */
export async function usableKey(accountId: string, unitId: string): Promise<StoredKey | null> {
  let local: StoredKey[];
  try {
    local = await listKeys(accountId, unitId);
  } catch {
    return null;
  }
  if (local.length === 0) return null;
  try {
    const active = new Set((await listServerKeys({ unit: unitId, state: 'active' })).map((k) => k.keyId));
    return local.find((k) => active.has(k.keyId)) ?? null;
  } catch (e) {
    if (e instanceof ApiError) return null;
    throw e;
  }
}
