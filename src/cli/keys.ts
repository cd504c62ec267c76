/**
 * `plenum key …`: signing keys kept in files, for secretaries who report by script, and the office's decisions at
 * the console (docs/verifiable-record.md, "Keys").
 *
 *   plenum key generate --out FILE          a new Ed25519 key (PKCS#8 PEM, mode 0600); prints its key id and the
 *                                           public key to enrol (POST /api/v1/keys), the public key alone last
 *   plenum key sign --key FILE --discussion ID REPORT.json
 *                                           prints the report with its `signature` ({keyId, value}) over the
 *                                           report's statement, ready to POST
 *   plenum key list [--state S] / approve|refuse|revoke KEY --reason R   the office, at the console
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CONSOLE_ACTOR } from '../domain/audit.ts';
import { DomainError } from '../domain/errors.ts';
import { CONSOLE } from '../domain/policy.ts';
import { sha256Hex } from '../log/entries.ts';
import { signingKeyId } from '../log/signing.ts';
import { reportStatementBytes } from '../log/statement.ts';
import { ReportInput } from '../schemas/report.ts';
import { approveKey, listKeys, refuseKey, revokeKey } from '../services/keys.ts';
import { readJsonFile, readText } from './io.ts';
import { dbOption, withStore } from './main.ts';

const now = () => new Date().toISOString();

function rawPublicKey(pem: string): Uint8Array {
  let key;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    throw new DomainError('invalid_input', `--key: not a PEM private key (${(e as Error).message})`, { field: 'key' });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new DomainError('invalid_input', `--key: an Ed25519 key is needed, not ${key.asymmetricKeyType}`, { field: 'key' });
  return new Uint8Array(Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x!, 'base64url'));
}

export function registerKeyCommands(program: Command): void {
  const key = program.command('key').description("signing keys: a secretary's key file for scripts; the office's decisions on enrolled keys");

  key
    .command('generate')
    .description('make an Ed25519 signing key in a file (PKCS#8 PEM, readable by you alone); prints the public key to enrol, alone on the last line')
    .requiredOption('--out <file>', 'where to write the private key (must not exist)')
    .action((opts: { out: string }) => {
      if (existsSync(opts.out)) throw new DomainError('conflict', `--out: ${opts.out} exists; a key file is never overwritten`, { field: 'out' });
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      writeFileSync(opts.out, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
      const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
      process.stdout.write(`key id ${signingKeyId(raw)}\nenrol it with POST /api/v1/keys {"unitId": "…", "publicKey": "${raw.toString('base64')}"}\n${raw.toString('base64')}\n`);
    });

  key
    .command('sign <report>')
    .description("sign a report JSON file's statement with a key file; prints the report with its signature")
    .requiredOption('--key <file>', 'the private key file (plenum key generate)')
    .requiredOption('--discussion <id>', 'the discussion the report is for')
    .action((file: string, opts: { key: string; discussion: string }) => {
      const report = readJsonFile(file, ReportInput);
      const pem = readText(opts.key);
      const keyId = signingKeyId(rawPublicKey(pem));
      const statement = reportStatementBytes({
        type: 'report',
        v: 1,
        discussionId: opts.discussion,
        unitId: report.unitId,
        version: report.supersedes ? report.supersedes + 1 : 1,
        supersedes: report.supersedes ?? null,
        meetingDate: report.meetingDate,
        present: report.present,
        votes: report.votes,
        resolutionSha256: sha256Hex(report.resolution),
        keyId,
        enteredBy: 'unit',
      });
      const value = sign(null, statement, createPrivateKey(pem)).toString('base64');
      process.stdout.write(`${JSON.stringify({ ...report, signature: { keyId, value } }, null, 2)}\n`);
    });

  key
    .command('list')
    .description('enrolled keys (the office, at the console)')
    .option('--state <state>', 'pending, active, refused, revoked or replaced')
    .option('--unit <id>', 'one unit')
    .addOption(dbOption())
    .action((opts: { state?: 'pending'; unit?: string; db?: string }) =>
      withStore(opts, async (s) => {
        for (const k of await listKeys(s.db, CONSOLE, { state: opts.state, unitId: opts.unit })) {
          process.stdout.write(`${k.keyId}  ${k.unitId}  ${k.state}  ${k.requestedAt}  ${k.label}\n`);
        }
      }),
    );

  for (const [name, fn, needsReason] of [
    ['approve', approveKey, false],
    ['refuse', refuseKey, true],
    ['revoke', revokeKey, true],
  ] as const) {
    key
      .command(`${name} <keyId>`)
      .description(`${name} a key (the office, at the console); ${name === 'approve' ? 'logged in every open discussion' : 'a reason is required'}`)
      .option('--reason <text>', 'why')
      .addOption(dbOption())
      .action((keyId: string, opts: { reason?: string; db?: string }) =>
        withStore(opts, async (s) => {
          if (needsReason && !opts.reason?.trim()) throw new DomainError('invalid_input', `--reason: ${name} needs a reason`, { field: 'reason' });
          const k = await (fn as (db: unknown, a: typeof CONSOLE_ACTOR, id: string, r: string | null, n: string) => Promise<{ keyId: string; state: string }>)(s.db, CONSOLE_ACTOR, keyId, opts.reason ?? null, now());
          process.stdout.write(`${k.keyId}: ${k.state}\n`);
        }),
      );
  }
}
