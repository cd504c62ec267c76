/**
 * The public record over HTTP, on both engines: the log written as the discussion opens and as reports arrive, its
 * checkpoint signed by the key at /vkey, every tile and entry bundle proved against the checkpoint's root, and each
 * report version's receipt checked offline — with nothing but the published files and src/log.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/log/checkpoint.ts';
import { parseEntry, sha256Hex, type ReportEntry } from '../../src/log/entries.ts';
import { leafHash, merkleRoot } from '../../src/log/merkle.ts';
import { parseVerifierKey } from '../../src/log/note.ts';
import { verifyProof, verifyReceipt } from '../../src/log/proof.ts';
import { ed25519PublicKey, verifyReportSignature } from '../../src/log/signing.ts';
import { decodeBundle, entryBundlePath, tileCoords, VerifiedTiles } from '../../src/log/tiles.ts';
import { buildApp, type App } from '../../src/server/app.ts';
import { createToken } from '../../src/services/tokens.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { BRANCHES, report, smallOrganization } from '../support/factories.ts';

describe.each(ENGINES)('the public log over HTTP on %s', (engine) => {
  let store: Awaited<ReturnType<typeof newStore>>;
  let app: App;
  let office: string;
  const clock = '2024-01-05T10:00:00.000Z';

  beforeAll(async () => {
    store = await newStore(engine);
    await smallOrganization(store.db);
    app = await buildApp({ store, now: () => clock, live: false });
    office = (await createToken(store.db, { name: 'office', role: 'office' }, clock)).token;
  });
  afterAll(async () => {
    await app.close();
    await store.dispose();
  });

  const get = (url: string) => app.inject({ method: 'GET', url });
  const submit = (body: object) => app.inject({ method: 'POST', url: '/api/v1/discussions/d1/reports', headers: { authorization: `Bearer ${office}` }, payload: body });

  it('logs the opening, every report version, and serves tiles, bundles and receipts that check out', async () => {
    const accepted: Array<{ unitId: string; version: number; logIndex: number }> = [];
    for (const unitId of BRANCHES.slice(0, 5)) {
      const r = await submit(report({ unitId, present: 1, votes: { q1: { positions: { cc: 1 }, abstain: 0 } } }));
      expect(r.statusCode, r.body).toBe(201);
      accepted.push(r.json());
    }
    const corrected = await submit(report({ unitId: 'b1', present: 20, supersedes: 1, votes: { q1: { positions: { cc: 10, opp: 10 }, abstain: 0 } } }));
    expect(corrected.statusCode, corrected.body).toBe(201);
    accepted.push(corrected.json());
    expect(accepted.map((a) => a.logIndex)).toEqual([3, 4, 5, 6, 7, 8]);

    const vkey = (await get('/log/d1/vkey')).body.trim();
    expect(vkey).toMatch(/^plenum\.localhost\/d1\+[0-9a-f]{8}\+/);
    const checkpoint = await get('/log/d1/checkpoint');
    expect(checkpoint.headers['cache-control']).toBe('no-cache');
    const cp = openCheckpoint(checkpoint.body, parseVerifierKey(vkey));
    expect(cp.size).toBe(9);

    // Every tile of the tree, proved against the signed root; every bundle, hashed into the same root.
    const files = new Map<string, Uint8Array>();
    for (const t of tileCoords(cp.size)) {
      const r = await get(`/log/d1/${t.path}`);
      expect(r.statusCode, t.path).toBe(200);
      expect(r.headers['cache-control']).toContain('immutable');
      files.set(t.path, r.rawPayload);
    }
    const tiles = new VerifiedTiles(cp.size, files, cp.root);
    expect(tiles.size).toBe(9);
    const bundle = await get(`/log/d1/${entryBundlePath(0, cp.size)}`);
    const entries = decodeBundle(bundle.rawPayload, cp.size);
    expect(Buffer.from(merkleRoot(entries.map(leafHash))).equals(Buffer.from(cp.root))).toBe(true);

    // The entries: discussion, office key, roll, then the reports, each signed by the office key of entry 1.
    const parsed = entries.map(parseEntry);
    expect(parsed.map((e) => e.type)).toEqual(['discussion', 'key', 'roll', 'report', 'report', 'report', 'report', 'report', 'report']);
    const key = parsed[1] as { publicKey: string; keyId: string };
    const last = parsed[8] as ReportEntry;
    expect(last).toMatchObject({ unitId: 'b1', version: 2, supersedes: 1, present: 20, enteredBy: 'office', keyId: key.keyId, resolutionSha256: sha256Hex(report().resolution) });
    const pub = ed25519PublicKey(Buffer.from(key.publicKey, 'base64'));
    for (const e of parsed.slice(3) as ReportEntry[]) expect(verifyReportSignature(e, pub)).toBe(true);
    expect(verifyReportSignature({ ...last, present: 19 }, pub)).toBe(false);

    // A receipt per version, checked offline against the log's key.
    for (const a of accepted) {
      const r = await get(`/api/v1/discussions/d1/units/${a.unitId}/reports/${a.version}/receipt`);
      expect(r.statusCode, r.body).toBe(200);
      const checked = verifyProof(r.body, entries[a.logIndex]!, vkey);
      expect(checked.index).toBe(a.logIndex);
      expect(() => verifyProof(r.body, entries[(a.logIndex + 1) % entries.length]!, vkey)).toThrow();
      // The receipt carries the entry itself: it proves what was logged on its own.
      const alone = verifyReceipt(r.body, vkey);
      expect(Buffer.from(alone.entry).equals(Buffer.from(entries[a.logIndex]!))).toBe(true);
    }
  });

  it('publishes every unit\'s tally with the log size it accounts for, equal to the live tally', async () => {
    const r = await get('/log/d1/tallies.json');
    expect(r.statusCode, r.body).toBe(200);
    const published = r.json();
    expect(published.logSize).toBe(9);
    expect(published.units.map((u: { unitId: string }) => u.unitId)).toEqual([...published.units.map((u: { unitId: string }) => u.unitId)].sort());
    expect(published.units.length).toBe(16);
    for (const u of published.units) {
      const live = (await get(`/api/v1/discussions/d1/tally?unit=${u.unitId}`)).json();
      expect(u).toEqual(live);
    }
  });

  it('refuses what the log does not hold, naming it', async () => {
    expect((await get('/log/nope/checkpoint')).statusCode).toBe(404);
    expect((await get('/log/d1/tile/0/001')).statusCode).toBe(404);
    expect((await get('/log/d1/tile/0/000.p/255')).statusCode).toBe(404);
    const bad = await get('/log/d1/tile/0/0001');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('path');
    expect((await get('/api/v1/discussions/d1/units/b8/reports/1/receipt')).statusCode).toBe(404);
  });

  it("serves the title behind entry 0's titleSha256, and no other text", async () => {
    const title = 'Test discussion';
    const sha = createHash('sha256').update(title).digest('hex');
    const r = await get(`/log/d1/text/${sha}`);
    expect(r.statusCode).toBe(200);
    expect(r.body).toBe(title);
    expect(r.headers['cache-control']).toContain('immutable');
    const other = await get(`/log/d1/text/${createHash('sha256').update('a resolution').digest('hex')}`);
    expect(other.statusCode).toBe(404);
    expect(other.json().error.message).toContain('resolution texts are served with');
    const bad = await get('/log/d1/text/ABC');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('params.sha256');
  });

  it('a partial tile of an older width is still served (and never changes)', async () => {
    const now = await get('/log/d1/tile/0/000.p/4');
    expect(now.statusCode).toBe(200);
    expect(now.rawPayload.length).toBe(4 * 32);
  });
});
