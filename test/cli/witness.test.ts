/**
 * `plenum witness` over real HTTP: a witness on port 0 with a temporary state file, checkpoints of a log key made here,
 * each status of c2sp.org/tlog-witness, one-at-a-time decisions, a restart that remembers the size, the state lock,
 * the log side's client, and `keygen` (a 0600 key file, never overwritten).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { registerWitnessCommands, startWitness, type RunningWitness } from '../../src/cli/witness.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { signCheckpoint } from '../../src/log/checkpoint.ts';
import { addCosignatures, cosignatureVerifierKey, cosignatureVerifierOf, openCosignatures } from '../../src/log/cosignature.ts';
import { consistencyProof, leafHash, merkleRoot } from '../../src/log/merkle.ts';
import { generateSigner, parseSignerKey, verifierOf } from '../../src/log/note.ts';
import { formatAddCheckpointRequest } from '../../src/log/witness.ts';
import { requestCosignature } from '../../src/services/witness-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'plenum-witness-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const logKey = generateSigner('example.org/log');
const witnessKey = generateSigner('witness.example/w1');
const leaves = Array.from({ length: 40 }, (_, i) => leafHash(new TextEncoder().encode(`entry ${i}`)));
const noteOf = (size: number, key = logKey) => signCheckpoint({ origin: key.name, size, root: merkleRoot(leaves.slice(0, size)) }, key);
const proofOf = (m: number, n: number) => (m === 0 || m === n ? [] : consistencyProof(m, n, leaves));
const body = (m: number, n: number, proof = proofOf(m, n), note = noteOf(n)) => formatAddCheckpointRequest(m, proof, note);

let running: RunningWitness[] = [];
afterEach(async () => {
  await Promise.all(running.map((w) => w.close()));
  running = [];
});

async function witness(stateFile: string, lines: string[] = []): Promise<RunningWitness> {
  const w = await startWitness({ signer: witnessKey, logs: [verifierOf(logKey)], stateFile, port: 0, now: () => 1_700_000_000, log: (l) => lines.push(l) });
  running.push(w);
  return w;
}

const post = (w: RunningWitness, text: string, headers: Record<string, string> = { 'content-type': 'text/plain' }) =>
  fetch(`${w.url}/add-checkpoint`, { method: 'POST', body: text, headers });
const stored = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { logs: Record<string, { size: number; root: string }> };

describe('the witness server', () => {
  it('answers GET / with its name and vkey', async () => {
    const w = await witness(join(dir, 'hello.json'));
    const res = await fetch(`${w.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(`witness witness.example/w1\nvkey ${cosignatureVerifierKey(witnessKey.name, witnessKey.publicKey)}\nlog example.org/log\n`);
  });

  it('cosigns a first checkpoint and a consistent extension, storing each before it answers', async () => {
    const state = join(dir, 'grow.json');
    const lines: string[] = [];
    const w = await witness(state, lines);
    expect(stored(state)).toEqual({ logs: {} }); // created at start

    const first = await post(w, body(0, 5));
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/plain/);
    const line = await first.text();
    const cosigned = addCosignatures(noteOf(5), [line]);
    expect(openCosignatures(cosigned, verifierOf(logKey), [cosignatureVerifierOf(witnessKey)])).toEqual([
      { name: witnessKey.name, id: cosignatureVerifierOf(witnessKey).id, timestamp: 1_700_000_000 },
    ]);
    expect(stored(state).logs['example.org/log']).toEqual({ size: 5, root: Buffer.from(merkleRoot(leaves.slice(0, 5))).toString('base64') });

    const next = await requestCosignature(w.url, 5, proofOf(5, 17), noteOf(17), { timeoutMs: 5000 });
    expect(next).toMatchObject({ ok: true, lines: [expect.stringMatching(/^\u2014 witness\.example\/w1 /)] });
    expect(stored(state).logs['example.org/log']!.size).toBe(17);

    // Same size, same root: cosigned again.
    expect((await post(w, body(17, 17))).status).toBe(200);
    expect(lines).toEqual(['witness: cosigned example.org/log 0 → 5', 'witness: cosigned example.org/log 5 → 17', 'witness: cosigned example.org/log 17 → 17']);
  });

  it('answers each refusal with the status of the spec', async () => {
    const state = join(dir, 'refuse.json');
    const lines: string[] = [];
    const w = await witness(state, lines);
    expect((await post(w, body(0, 8))).status).toBe(200);

    const stale = await post(w, body(5, 12));
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toBe('text/x.tlog.size');
    expect(await stale.text()).toBe('8\n');
    expect(await requestCosignature(w.url, 0, [], noteOf(12))).toMatchObject({ ok: false, status: 409, currentSize: 8 });

    const proof = proofOf(8, 12);
    proof[0] = leaves[0]!;
    expect((await post(w, body(8, 12, proof))).status).toBe(422);
    expect((await post(w, body(8, 12, [], noteOf(12, generateSigner('example.org/log'))))).status).toBe(403);
    expect((await post(w, body(8, 12, proofOf(8, 12), noteOf(12, generateSigner('example.org/other'))))).status).toBe(404);
    expect((await post(w, body(12, 8, []))).status).toBe(400);
    const malformed = await post(w, 'old 8\n');
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toMatch(/line 2/);
    expect((await post(w, '', {})).status).toBe(400);

    const splitView = signCheckpoint({ origin: logKey.name, size: 8, root: merkleRoot(leaves.slice(1, 9)) }, logKey);
    const split = await post(w, body(8, 8, [], splitView));
    expect(split.status).toBe(409);
    expect(split.headers.get('content-type')).toMatch(/^text\/plain/);
    const splitAnswer = await requestCosignature(w.url, 8, [], splitView);
    expect(splitAnswer).toMatchObject({ ok: false, status: 409, message: expect.stringMatching(/root differs/) });
    expect(splitAnswer).not.toHaveProperty('currentSize');

    expect(stored(state).logs['example.org/log']!.size).toBe(8); // nothing refused moved the state
    expect(lines.filter((l) => l.startsWith('witness: refused'))).toHaveLength(10);
    // Any Content-Type, or none, carries the same body.
    expect((await post(w, body(8, 9), { 'content-type': 'application/octet-stream' })).status).toBe(200);
    expect((await post(w, body(9, 10), {})).status).toBe(200);
  });

  it('decides concurrent requests one at a time: of several from the same old size, one is cosigned', async () => {
    const state = join(dir, 'race.json');
    const w = await witness(state);
    expect((await post(w, body(0, 5))).status).toBe(200);
    const sizes = [9, 17, 6, 30, 12, 25];
    const answers = await Promise.all(sizes.map((n) => post(w, body(5, n))));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(sizes.length - 1);
    const winner = sizes[statuses.indexOf(200)]!;
    expect(stored(state).logs['example.org/log']!.size).toBe(winner);
    for (const r of answers.filter((a) => a.status === 409)) expect(await r.text()).toBe(`${winner}\n`);
  });

  it('remembers its state across a restart, and keeps a second witness off the same state file', async () => {
    const state = join(dir, 'restart.json');
    const w1 = await witness(state);
    expect((await post(w1, body(0, 10))).status).toBe(200);
    await expect(startWitness({ signer: witnessKey, logs: [verifierOf(logKey)], stateFile: state, port: 0, log: () => undefined })).rejects.toThrow(
      /in use by the witness in process/,
    );
    await w1.close();
    running = [];

    const w2 = await witness(state);
    const stale = await post(w2, body(0, 11));
    expect(stale.status).toBe(409);
    expect(await stale.text()).toBe('10\n');
    expect((await post(w2, body(10, 11))).status).toBe(200);
  });

  it('takes over a lock left by a process that is gone, and refuses a damaged state file', async () => {
    const state = join(dir, 'stale-lock.json');
    writeFileSync(`${state}.lock`, '2147483646\n');
    const w = await witness(state);
    expect((await post(w, body(0, 3))).status).toBe(200);

    const damaged = join(dir, 'damaged.json');
    writeFileSync(damaged, JSON.stringify({ logs: { 'example.org/log': { size: 3, root: 'AAAA' } } }));
    await expect(witness(damaged)).rejects.toThrow(/not a 32-byte hash/);
    writeFileSync(damaged, JSON.stringify({ logs: { 'example.org/log': { size: -3, root: 'AAAA' } } }));
    await expect(witness(damaged)).rejects.toThrow(/logs\.example\.org\/log\.size/);
  });
});

describe('requestCosignature', () => {
  it('reports a witness that does not answer, answers nonsense, or is not there', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/slow/add-checkpoint') return; // never answers
      res.writeHead(200, { 'content-type': 'text/plain' }).end('hello\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const slow = await requestCosignature(`http://127.0.0.1:${port}/slow`, 0, [], noteOf(3), { timeoutMs: 200 });
      expect(slow).toMatchObject({ ok: false, status: 0, message: expect.stringMatching(/no answer within 200 ms/) });
      const nonsense = await requestCosignature(`http://127.0.0.1:${port}/`, 0, [], noteOf(3));
      expect(nonsense).toMatchObject({ ok: false, status: 200, message: expect.stringMatching(/without signature lines/) });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    const gone = await requestCosignature(`http://127.0.0.1:${port}`, 0, [], noteOf(3));
    expect(gone).toMatchObject({ ok: false, status: 0, message: expect.stringContaining(`127.0.0.1:${port}/add-checkpoint: `) });
  });
});

describe('plenum witness commands', () => {
  async function run(...args: string[]): Promise<string> {
    const program = new Command('plenum').exitOverride();
    registerWitnessCommands(program);
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    try {
      await program.parseAsync(['node', 'plenum', 'witness', ...args]);
    } finally {
      spy.mockRestore();
    }
    return out.join('');
  }

  it('keygen writes a 0600 key file, prints the cosignature vkey alone on the last line, and never overwrites', async () => {
    const file = join(dir, 'witness.key');
    const out = await run('keygen', '--name', 'witness.example/w9', '--out', file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const signer = parseSignerKey(readFileSync(file, 'utf8').trim());
    expect(signer.name).toBe('witness.example/w9');
    expect(out.trimEnd().split('\n').at(-1)).toBe(cosignatureVerifierKey(signer.name, signer.publicKey));

    const before = readFileSync(file, 'utf8');
    const again = run('keygen', '--name', 'witness.example/w9', '--out', file);
    await expect(again).rejects.toThrow(DomainError);
    await expect(again).rejects.toThrow(/exists; a witness key is never overwritten/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    await expect(run('keygen', '--name', 'bad name', '--out', join(dir, 'other.key'))).rejects.toThrow(/--name "bad name"/);
  });

  it('serve refuses --vkey counts that do not match the --log URLs', async () => {
    await expect(run('serve', '--log', 'http://a/log/1', '--log', 'http://b/log/2', '--vkey', 'x', '--key', 'k', '--state', 's')).rejects.toThrow(
      /one --vkey per --log/,
    );
  });
});
