/**
 * The public record checked by Go's reference implementation, golang.org/x/mod/sumdb/note and …/sumdb/tlog, with none
 * of our code: test/interop/go/main.go fetches a live server's checkpoint, hash tiles and entry bundles over HTTP,
 * verifies the signature, recomputes the root, proves every entry into it and proves an older checkpoint consistent.
 * The log holds 604 entries: full and partial level-0 tiles and a level-1 tile.
 *
 * Needs Go and x/mod's sources from Debian (apt-get install -y golang-go golang-golang-x-mod-dev), built in GOPATH
 * mode (no module proxy). Without them the suite skips with a loud line locally, and fails under CI=true.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCheckpoint } from '../../src/log/checkpoint.ts';
import { generateSigner, verifierKey } from '../../src/log/note.ts';
import { buildApp, type App } from '../../src/server/app.ts';
import { createDiscussion, openDiscussion } from '../../src/services/discussions.ts';
import { importMembersCsv } from '../../src/services/import-members.ts';
import { importUnitsCsv } from '../../src/services/import-units.ts';
import { LogPublisher, logOrigin, logSigner } from '../../src/services/log.ts';
import { submitReport } from '../../src/services/reports.ts';
import { newStore } from '../support/engines.ts';
import { discussionDef, report, T0, T1 } from '../support/factories.ts';

/** Debian's GOPATH tree (golang-golang-x-mod-dev). */
const GOPATH = '/usr/share/gocode';
const X_MOD = join(GOPATH, 'src/golang.org/x/mod/sumdb');
const PROGRAM = new URL('./go/', import.meta.url).pathname;

const go = (() => {
  const found = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin'].map((d) => join(d, 'go')).find((p) => existsSync(p));
  const missing = !found ? 'no `go` on PATH' : !existsSync(join(X_MOD, 'tlog')) || !existsSync(join(X_MOD, 'note')) ? `no golang.org/x/mod sources at ${X_MOD}` : undefined;
  if (missing) {
    const fix = 'apt-get install -y golang-go golang-golang-x-mod-dev';
    if (process.env.CI === 'true') throw new Error(`the Go sumdb interop test cannot run under CI=true: ${missing} (${fix})`);
    console.warn(`\n!!! SKIPPING the Go sumdb interop test: ${missing} (${fix})\n`);
    return undefined;
  }
  return found;
})();

/** Runs a program without blocking the event loop (the server answering it lives in this process). */
function run(file: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const BRANCHES = 600;

function wideOrganization(): { units: string; members: string } {
  const units = ['id,parent_id,name,kind', 'root,,Root,national'];
  const members = ['id,unit_id,name,email,status'];
  for (let r = 1; r <= 4; r++) units.push(`r${r},root,Region ${r},region`);
  for (let b = 1; b <= BRANCHES; b++) {
    units.push(`w${b},r${(b % 4) + 1},Branch ${b},branch`);
    for (let m = 0; m < 3; m++) members.push(`w${b}m${m},w${b},M,,member`);
  }
  return { units: units.join('\n'), members: members.join('\n') };
}

describe.runIf(go)("the public log checked by Go's golang.org/x/mod/sumdb", () => {
  let dir: string;
  let binary: string;
  let store: Awaited<ReturnType<typeof newStore>>;
  let app: App;
  let base: string;
  let vkey: string;
  let older: string;
  let size: number;
  const served: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plenum-go-'));
    binary = join(dir, 'plenum-go-check');
    // GOPATH mode: x/mod from Debian's /usr/share/gocode, nothing from the module proxy.
    const env = { ...process.env, GO111MODULE: 'off', GOPATH, GOCACHE: join(dir, 'gocache'), GOFLAGS: '', GOTOOLCHAIN: 'local' };
    const built = await run(go!, ['build', '-o', binary, '.'], { cwd: PROGRAM, env });
    expect(built.code, `go build failed:\n${built.stderr}`).toBe(0);

    store = await newStore('sqlite');
    const org = wideOrganization();
    await importUnitsCsv(store.db, org.units, T0);
    await importMembersCsv(store.db, org.members, T0);
    await createDiscussion(store.db, discussionDef(), T0);
    await openDiscussion(store.db, 'd1', T0); // 4 entries: the discussion, the office key, two roll parts
    const publisher = new LogPublisher(store.db, () => T1);
    for (let b = 1; b <= BRANCHES; b++) {
      const yes = b % 3;
      await submitReport(store.db, { discussionId: 'd1', report: report({ unitId: `w${b}`, present: 3, votes: { q1: { positions: { cc: yes, opp: 3 - yes }, abstain: 0 } } }), submittedBy: 'cli', now: T1 });
      // An older checkpoint mid-way, at a size that is not a power of two.
      if (b === 297) {
        older = join(dir, 'older.checkpoint');
        const c = (await publisher.checkpoint('d1'))!;
        expect(c.size).toBe(301);
        writeFileSync(older, c.cosigned);
      }
    }
    // Sign the checkpoint covering every entry now, rather than waiting for the half-second tick.
    size = (await publisher.checkpoint('d1'))!.size;
    expect(size).toBe(4 + BRANCHES);

    app = await buildApp({ store, now: () => T1, live: false });
    app.addHook('onResponse', async (req, reply) => void served.push(`${reply.statusCode} ${req.url}`));
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/log/d1`;
    vkey = (await (await fetch(`${base}/vkey`)).text()).trim();
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await store?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('verifies the checkpoint, recomputes the root from the tiles, proves every entry and an older checkpoint', async () => {
    served.length = 0;
    const r = await run(binary, [base, vkey, older]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`go-sumdb: checkpoint verified by ${logOrigin('d1')}; size ${size}; root matches; ${size} records proved; consistent with checkpoint of size 301`);
    // What Go asked for, through the path mapping: full, partial and level-1 hash tiles, and every entry bundle.
    const tiles = ['tile/0/000', 'tile/0/001', 'tile/0/002.p/92', 'tile/1/000.p/2', 'tile/entries/000', 'tile/entries/001', 'tile/entries/002.p/92'];
    expect([...served].sort()).toEqual(['checkpoint', ...tiles].map((p) => `200 /log/d1/${p}`).sort());
  });

  it("refuses the checkpoint under another key of the log's name", async () => {
    const other = verifierKey(logOrigin('d1'), generateSigner(logOrigin('d1')).publicKey);
    const r = await run(binary, [base, other]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`checkpoint signature not verified by ${logOrigin('d1')}: note has no verifiable signatures`);
  });

  it('refuses an older checkpoint, signed by the log key, that the latest does not extend', async () => {
    const forked = join(dir, 'forked.checkpoint');
    const signer = await logSigner(store.db, logOrigin('d1'), T1);
    writeFileSync(forked, signCheckpoint({ origin: logOrigin('d1'), size: 301, root: new Uint8Array(32).fill(7) }, signer));
    const r = await run(binary, [base, vkey, forked]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`checkpoint of size 301 is not a prefix of size ${size}: invalid transparency proof`);
  });
});
