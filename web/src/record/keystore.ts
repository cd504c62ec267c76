/**
 * The secretary's signing keys, kept in this browser's IndexedDB: an Ed25519 key pair made by WebCrypto with a
 * non-extractable private key (the browser signs with it but never hands it out — not to this page's scripts either),
 * one per (account, unit); during a rotation the old key stays beside the new one until an officer approves the new.
 * Nothing here talks to the server: enrolment is the key page's business (POST /api/v1/keys).
 */
import { encodeBase64 } from './checkpoint.ts';
import { signingKeyId } from './signing.ts';

export interface StoredKey {
  keyId: string;
  accountId: string;
  unitId: string;
  /** Standard base64 of the raw 32-byte public key, as the server and the log spell it. */
  publicKey: string;
  pair: CryptoKeyPair;
  createdAt: string;
}

const DB = 'plenum-signing-keys';
const STORE = 'keys';
const BY_OWNER = 'owner';
const owner = (accountId: string, unitId: string) => `${accountId}\u0000${unitId}`;

let support: Promise<boolean> | undefined;

/** Whether this browser can make, keep and use Ed25519 keys (WebCrypto Ed25519 and IndexedDB, in a secure context). */
export function signingSupported(): Promise<boolean> {
  support ??= (async () => {
    try {
      if (typeof indexedDB === 'undefined' || !globalThis.crypto?.subtle) return false;
      const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
      const sig = await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, new Uint8Array(1));
      return sig.byteLength === 64;
    } catch {
      return false;
    }
  })();
  return support;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      const store = req.result.createObjectStore(STORE, { keyPath: 'keyId' });
      store.createIndex(BY_OWNER, 'owner');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB did not open'));
  });
}

async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error ?? req.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

/** The keys this browser holds for the account at the unit, newest first. */
export async function listKeys(accountId: string, unitId: string): Promise<StoredKey[]> {
  if (typeof indexedDB === 'undefined') return [];
  const rows = await run<Array<StoredKey & { owner: string }>>('readonly', (s) => s.index(BY_OWNER).getAll(owner(accountId, unitId)));
  return rows.map(({ owner: _o, ...k }) => k).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Makes a new key pair for the account at the unit and keeps it; the private key cannot be exported. */
export async function createKey(accountId: string, unitId: string): Promise<StoredKey> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  const key: StoredKey = { keyId: await signingKeyId(raw), accountId, unitId, publicKey: encodeBase64(raw), pair, createdAt: new Date().toISOString() };
  await run('readwrite', (s) => s.put({ ...key, owner: owner(accountId, unitId) }));
  return key;
}

export async function deleteKey(keyId: string): Promise<void> {
  await run('readwrite', (s) => s.delete(keyId));
}
