/**
 * `plenum witness`: a C2SP tlog-witness (c2sp.org/tlog-witness) for Plenum's transparency logs, or anyone's.
 *
 *   plenum witness keygen --name NAME --out FILE      a new Ed25519 witness key; prints its cosignature/v1 vkey
 *   plenum witness serve --log URL --key FILE --state FILE [--vkey VKEY] [--host H] [--port P]
 *
 * The server answers `POST /add-checkpoint` (the rule is src/log/witness.ts) and `GET /` (name and vkey). What makes
 * it a witness rather than a signing oracle is the state file — per origin, the size and root of the latest checkpoint
 * it cosigned — and two disciplines around it:
 *   - the new state is on disk (temp file in the same directory, fsync, rename, fsync of the directory) before the
 *     cosignature leaves, so a crash can lose an answer but never lets the witness cosign a checkpoint inconsistent
 *     with one it already answered for;
 *   - requests are decided one at a time (check and write are one step, the race the spec warns of), and a lock file
 *     beside the state keeps a second witness process off the same state.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../domain/errors.ts';
import { cosignatureVerifierKey } from '../log/cosignature.ts';
import { HASH_SIZE } from '../log/merkle.ts';
import { decodeBase64, isValidKeyName, NoteError, parseSignerKey, parseVerifierKey, signerFromSeed, signerKey, type Signer, type Verifier } from '../log/note.ts';
import {
  addCheckpoint,
  initialWitnessState,
  requestOrigin,
  SIZE_CONTENT_TYPE,
  WitnessRequestError,
  type AddCheckpointResult,
  type WitnessState,
} from '../log/witness.ts';
import { readJsonFile, readText } from './io.ts';

/** A request body larger than this is refused (413): 63 proof lines and a note of 100 signatures fit well within. */
const BODY_LIMIT = 64 * 1024;
const VKEY_FETCH_TIMEOUT_MS = 10_000;

export interface WitnessOptions {
  /** The witness key (its name is the witness's name). */
  signer: Signer;
  /** The logs it witnesses; each key's name is the log's origin. */
  logs: readonly Verifier[];
  /** The JSON state file; created if missing. */
  stateFile: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 3100; 0 picks a free port. */
  port?: number;
  /** The cosignature timestamp, POSIX seconds (default: the clock). */
  now?: () => number;
  /** One line per decision (default: stderr). */
  log?: (line: string) => void;
}

export interface RunningWitness {
  /** The submission prefix, e.g. http://127.0.0.1:3100 (POST <url>/add-checkpoint). */
  url: string;
  close(): Promise<void>;
}

// ---- the state file ----

const StateFileSchema = z
  .object({
    logs: z.record(z.string(), z.object({ size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), root: z.string() }).strict()),
  })
  .strict();

/** The latest cosigned checkpoint per origin, in memory and on disk; `put` returns once the disk has it. */
class StateFile {
  private constructor(
    readonly file: string,
    private states: Map<string, WitnessState>,
  ) {}

  static async open(file: string): Promise<StateFile> {
    if (!existsSync(file)) {
      const created = new StateFile(file, new Map());
      await created.write(created.states);
      return created;
    }
    const parsed = readJsonFile(file, StateFileSchema);
    const states = new Map<string, WitnessState>();
    for (const [origin, { size, root }] of Object.entries(parsed.logs)) {
      let hash: Uint8Array;
      try {
        hash = decodeBase64(root, `the root of ${origin}`);
      } catch (e) {
        throw new DomainError('invalid_input', `${file}: ${(e as Error).message}`, { field: `logs.${origin}.root` });
      }
      if (hash.length !== HASH_SIZE) throw new DomainError('invalid_input', `${file}: the root of ${origin} is not a ${HASH_SIZE}-byte hash`, { field: `logs.${origin}.root` });
      states.set(origin, { origin, size, root: hash });
    }
    return new StateFile(file, states);
  }

  get(origin: string): WitnessState {
    return this.states.get(origin) ?? initialWitnessState(origin);
  }

  async put(state: WitnessState): Promise<void> {
    const next = new Map(this.states).set(state.origin, state);
    await this.write(next);
    this.states = next; // only once it is on disk
  }

  private async write(states: Map<string, WitnessState>): Promise<void> {
    // Entries of origins no longer served are kept: dropping one would let it start again from size 0.
    const logs = Object.fromEntries([...states].sort(([a], [b]) => (a < b ? -1 : 1)).map(([origin, s]) => [origin, { size: s.size, root: Buffer.from(s.root).toString('base64') }]));
    await writeFileAtomically(this.file, `${JSON.stringify({ logs }, null, 2)}\n`);
  }
}

/** Writes a temp file in the same directory, fsyncs it, renames it over `file` and fsyncs the directory. */
async function writeFileAtomically(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', 0o644);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** `<state>.lock`, holding our process id; a lock left by a process that is gone is taken over. Returns the release. */
function lockStateFile(stateFile: string): () => void {
  const lock = `${stateFile}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lock, 'wx', 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      const pid = Number(readFileSync(lock, 'utf8').trim());
      if (Number.isSafeInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new DomainError('conflict', `${stateFile} is in use by the witness in process ${pid} (${lock}); two witnesses on one state could cosign inconsistent checkpoints`);
      }
      rmSync(lock, { force: true }); // stale: its process is gone
    }
  }
}

// ---- the HTTP server ----

const TEXT = 'text/plain; charset=utf-8';

/** The witness's Fastify app (not listening). Decisions run one at a time, each with its state write. */
function buildWitnessApp(opts: Required<Pick<WitnessOptions, 'signer' | 'logs' | 'now' | 'log'>>, state: StateFile): FastifyInstance {
  const { signer, now, log } = opts;
  const logs = new Map(opts.logs.map((v) => [v.name, v]));
  const vkey = cosignatureVerifierKey(signer.name, signer.publicKey);
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT });

  // The body is the protocol's own text, whatever Content-Type the client sent (or none).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.get('/', async (_req, reply) => {
    const lines = [`witness ${signer.name}`, `vkey ${vkey}`, ...[...logs.keys()].map((o) => `log ${o}`)];
    return reply.type(TEXT).send(`${lines.join('\n')}\n`);
  });

  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  app.post('/add-checkpoint', async (req, reply) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let origin: string;
    try {
      origin = requestOrigin(body);
    } catch (e) {
      if (!(e instanceof WitnessRequestError)) throw e;
      log(`witness: refused a request from ${req.ip} (400): ${e.message}`);
      return reply.code(400).type(TEXT).send(`${e.message}\n`);
    }
    const logKey = logs.get(origin);
    if (!logKey) {
      const shown = JSON.stringify(origin.slice(0, 100));
      log(`witness: refused ${shown} from ${req.ip} (404): not a log this witness knows`);
      return reply.code(404).type(TEXT).send(`unknown log ${shown}\n`);
    }

    return oneAtATime(async () => {
      const before = state.get(origin);
      const result: AddCheckpointResult = addCheckpoint(before, body, logKey, signer, now());
      if (!result.ok) {
        log(`witness: refused ${origin} from ${req.ip} (${result.status}): ${result.message}`);
        if (result.currentSize !== undefined) return reply.code(409).type(SIZE_CONTENT_TYPE).send(`${result.currentSize}\n`);
        return reply.code(result.status).type(TEXT).send(`${result.message}\n`);
      }
      try {
        if (result.state.size !== before.size) await state.put(result.state); // equal sizes: the roots are equal too
      } catch (e) {
        log(`witness: refused ${origin} ${before.size} → ${result.state.size} (500): the state file could not be written: ${(e as Error).message}`);
        return reply.code(500).type(TEXT).send('the witness could not store its state; nothing was cosigned\n');
      }
      log(`witness: cosigned ${origin} ${before.size} → ${result.state.size}`);
      return reply.code(200).type(TEXT).send(result.cosignature);
    });
  });

  return app;
}

/** Runs a witness in this process (the CLI's `serve`, tests, or a log that wants one beside it). */
export async function startWitness(opts: WitnessOptions): Promise<RunningWitness> {
  const origins = new Set<string>();
  for (const v of opts.logs) {
    if (origins.has(v.name)) throw new DomainError('invalid_input', `the log ${v.name} is given twice`, { field: 'log' });
    origins.add(v.name);
  }
  const release = lockStateFile(opts.stateFile);
  try {
    const state = await StateFile.open(opts.stateFile);
    const app = buildWitnessApp(
      {
        signer: opts.signer,
        logs: opts.logs,
        now: opts.now ?? (() => Math.floor(Date.now() / 1000)),
        log: opts.log ?? ((line) => void process.stderr.write(`${line}\n`)),
      },
      state,
    );
    await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 3100 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('the witness is not listening on a TCP port');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return {
      url: `http://${host}:${address.port}`,
      close: async () => {
        await app.close();
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

// ---- the commands ----

const invalid = (field: string, message: string) => new DomainError('invalid_input', message, { field });

/** Reads a log's verifier key from `<prefix>/vkey` (trust on first use; --vkey pins it instead). */
async function fetchLogKey(prefix: string): Promise<Verifier> {
  const url = `${prefix.replace(/\/+$/, '')}/vkey`;
  let text: string;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(VKEY_FETCH_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    text = (await res.text()).trim();
  } catch (e) {
    throw new DomainError('unavailable', `cannot fetch the log's key from ${url}: ${(e as Error).message}`, { field: 'log' });
  }
  try {
    return parseVerifierKey(text);
  } catch (e) {
    throw invalid('log', `${url} does not hold a verifier key: ${(e as Error).message}`);
  }
}

function parsePinnedKey(vkey: string): Verifier {
  try {
    return parseVerifierKey(vkey);
  } catch (e) {
    throw invalid('vkey', `--vkey ${JSON.stringify(vkey)}: ${(e as Error).message}`);
  }
}

function readWitnessKey(file: string): Signer {
  const mode = statSync(file, { throwIfNoEntry: false })?.mode;
  if (mode !== undefined && (mode & 0o077) !== 0) process.stderr.write(`plenum: warning: ${file} is readable by others; chmod 600 it\n`);
  try {
    return parseSignerKey(readText(file).trim());
  } catch (e) {
    if (e instanceof NoteError) throw invalid('key', `${file}: ${e.message}`);
    throw e;
  }
}

function keygen(opts: { name: string; out: string }): void {
  if (!isValidKeyName(opts.name)) throw invalid('name', `--name ${JSON.stringify(opts.name)}: a key name is non-empty, without spaces or '+'`);
  const seed = randomBytes(32);
  const signer = signerFromSeed(opts.name, seed);
  let fd: number;
  try {
    fd = openSync(opts.out, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new DomainError('conflict', `${opts.out} exists; a witness key is never overwritten`, { field: 'out' });
    throw invalid('out', `cannot create ${opts.out}: ${(e as Error).message}`);
  }
  try {
    writeSync(fd, `${signerKey(opts.name, seed)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const vkey = cosignatureVerifierKey(signer.name, signer.publicKey);
  process.stdout.write(`wrote the witness key ${opts.name} to ${opts.out} (mode 0600; keep it secret).\ngive the log operator the witness URL and this cosignature verifier key:\n${vkey}\n`);
}

async function serveWitness(opts: { log: string[]; key: string; state: string; vkey: string[]; host: string; port: string }): Promise<void> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid('port', `--port must be a port number, got '${opts.port}'`);
  if (opts.log.length === 0) throw invalid('log', 'give at least one --log URL');
  if (opts.vkey.length !== 0 && opts.vkey.length !== opts.log.length) {
    throw invalid('vkey', `give one --vkey per --log, in the same order, or none (${opts.log.length} --log, ${opts.vkey.length} --vkey)`);
  }
  const signer = readWitnessKey(opts.key);
  const logs: Verifier[] = [];
  for (const [i, url] of opts.log.entries()) {
    const pinned = opts.vkey[i];
    if (pinned !== undefined) {
      logs.push(parsePinnedKey(pinned));
      continue;
    }
    const fetched = await fetchLogKey(url);
    process.stderr.write(`fetched the key of ${fetched.name} from ${url} (trusted as served; pin it with --vkey)\n`);
    logs.push(fetched);
  }
  const witness = await startWitness({ signer, logs, stateFile: opts.state, host: opts.host, port });
  const stop = async () => {
    await witness.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  process.stderr.write(`witness ${signer.name} is serving ${witness.url}/add-checkpoint for ${logs.map((l) => l.name).join(', ')}\n`);
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerWitnessCommands(program: Command): void {
  const witness = program.command('witness').description('a C2SP tlog-witness: cosign log checkpoints that extend what it cosigned before');
  witness
    .command('keygen')
    .description("generate an Ed25519 witness key; its cosignature verifier key is printed alone on the last line")
    .requiredOption('--name <name>', 'the witness name, e.g. witness.example.org/w1')
    .requiredOption('--out <file>', 'where to write the private key (mode 0600; an existing file is never overwritten)')
    .action((opts: { name: string; out: string }) => keygen(opts));
  // `serve` is the default: `plenum witness --log URL --key FILE` runs a witness.
  witness
    .command('serve', { isDefault: true })
    .description('serve POST /add-checkpoint (c2sp.org/tlog-witness) for the logs given (the default: plenum witness --log URL --key FILE)')
    .option('--log <url>', "a log's prefix, e.g. http://host:3000/log/d1924 (repeat for several logs)", collect)
    .option(
      '--vkey <vkey>',
      "the log's verifier key, pinned: one per --log, in the same order. Better than the default, which fetches <url>/vkey and trusts whatever that connection serves",
      collect,
    )
    .requiredOption('--key <file>', 'the witness key file (from plenum witness keygen)')
    .option('--state <file>', 'the state file: the latest cosigned size and root per log (created if missing; never delete it)', 'witness-state.json')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on', '3100')
    .action((opts: { log?: string[]; key: string; state: string; vkey?: string[]; host: string; port: string }) =>
      serveWitness({ ...opts, log: opts.log ?? [], vkey: opts.vkey ?? [] }),
    );
}
