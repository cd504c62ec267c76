/**
 * `plenum receipt FILE --vkey VKEY [--public-key KEY]`: checks a report's receipt offline (docs/verifiable-record.md,
 * "Receipts"). A receipt is a C2SP tlog-proof whose `extra` data is the logged entry itself, so the file alone, with the
 * log's verifier key, proves that this entry — these counts, this resolution hash, this signature — is in the log at
 * its index under a checkpoint the log signed. With the signer's public key (`--public-key`, base64 of 32 bytes, as
 * enrolled), the report's signature is checked too. No network, no database.
 *
 * Exit 0: the receipt verifies; 1: it does not (a line says why); 2: bad usage.
 */
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CommanderError, type Command } from 'commander';
import { parseEntry, type ReportEntry } from '../log/entries.ts';
import { ProofError } from '../log/merkle.ts';
import { NoteError, parseVerifierKey, type Verifier } from '../log/note.ts';
import { ProofFormatError, verifyReceipt } from '../log/proof.ts';
import { ed25519PublicKey, signingKeyId, verifyReportSignature } from '../log/signing.ts';
import { CliExit } from './io.ts';

export interface ReceiptOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

const processOutput: ReceiptOutput = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
};

function describeReport(e: ReportEntry): string {
  const votes = Object.entries(e.votes)
    .map(([q, v]) => `${q}: ${Object.entries(v.positions).map(([p, n]) => `${p} ${n}`).join(', ')}, abstain ${v.abstain}`)
    .join('; ');
  return `report of unit ${e.unitId}, version ${e.version}${e.supersedes === null ? '' : ` (corrects ${e.supersedes})`}, meeting ${e.meetingDate}, ${e.present} present; ${votes}; resolution SHA-256 ${e.resolutionSha256}; accepted ${e.submittedAt}, entered by the ${e.enteredBy}, signed by key ${e.keyId}`;
}

/** Checks the receipt in `file`; resolves to the exit code. */
export async function runReceiptCheck(file: string, opts: { vkey: string; publicKey?: string }, io: ReceiptOutput = processOutput): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    io.err(`plenum: receipt: cannot read ${file}: ${(e as Error).message}`);
    return 2;
  }
  let publicKey: { raw: Uint8Array; key: KeyObject } | undefined;
  if (opts.publicKey !== undefined) {
    const raw = new Uint8Array(Buffer.from(opts.publicKey, 'base64'));
    try {
      if (raw.length !== 32 || Buffer.from(raw).toString('base64') !== opts.publicKey) throw new Error('not the base64 of 32 bytes');
      publicKey = { raw, key: ed25519PublicKey(raw) };
    } catch (e) {
      io.err(`plenum: receipt: --public-key is not an Ed25519 public key: ${(e as Error).message}`);
      return 2;
    }
  }
  let logKey: Verifier;
  try {
    logKey = parseVerifierKey(opts.vkey.trim());
  } catch (e) {
    io.err(`plenum: receipt: --vkey is not a verifier key: ${(e as Error).message}`);
    return 2;
  }
  try {
    const r = verifyReceipt(text, logKey);
    const entry = parseEntry(r.entry);
    io.out(`entry ${r.index} of ${r.verified.origin} is in the log: the checkpoint of ${r.verified.size} entries is signed by the log key, and the inclusion proof leads to its root`);
    if (entry.type !== 'report') {
      io.out(`the entry is a ${entry.type} entry`);
      return 0;
    }
    io.out(describeReport(entry));
    if (publicKey) {
      if (signingKeyId(publicKey.raw) !== entry.keyId) {
        io.out(`FAILED: the key given is ${signingKeyId(publicKey.raw)}, the report names ${entry.keyId}`);
        return 1;
      }
      if (!verifyReportSignature(entry, publicKey.key)) {
        io.out(`FAILED: the report's signature does not verify with key ${entry.keyId}`);
        return 1;
      }
      io.out(`the report's signature verifies with key ${entry.keyId}`);
    }
    return 0;
  } catch (e) {
    if (e instanceof ProofFormatError || e instanceof NoteError || e instanceof ProofError || (e as Error).name === 'EntryError') {
      io.out(`FAILED: ${file}: ${(e as Error).message}`);
      return 1;
    }
    throw e;
  }
}

export function registerReceiptCommand(program: Command): void {
  program
    .command('receipt <file>')
    .description("check a report's receipt (a .tlog-proof file) offline: the entry it carries is in the log the key signs")
    .requiredOption('--vkey <vkey>', "the log's verifier key (name+keyid+base64, from /log/<discussion>/vkey or the organization's notice)")
    .option('--public-key <base64>', "the signer's public key as enrolled: the report's signature is checked too")
    .exitOverride((err) => {
      throw err.exitCode === 0 ? err : new CommanderError(2, err.code, err.message);
    })
    .action(async (file: string, opts: { vkey: string; publicKey?: string }) => {
      const code = await runReceiptCheck(file, opts);
      if (code !== 0) throw new CliExit(code);
    });
}
