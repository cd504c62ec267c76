/**
 * The `plenum` command. Each command opens the store named by DATABASE_URL / --db / PLENUM_DB, migrates it, does one
 * thing through the services, and exits non-zero with a message naming the line, column or field when input is bad.
 * Whoever can open the database is the office (see CONSOLE in src/domain/policy.ts).
 */
import { registerWitnessCommands } from './witness.ts';
import { registerKeyCommands } from './keys.ts';
import { registerVerifyCommand } from './verify.ts';
import { registerExportCommand } from './export.ts';
import { registerReceiptCommand } from './receipt.ts';
import { registerNoticeCommand } from './notices.ts';
import { registerApportionCommand } from './apportion.ts';
import { Command, Option } from 'commander';
import { CONSOLE, formatGrants } from '../domain/policy.ts';
import { CONSOLE_ACTOR } from '../domain/audit.ts';
import { describeTally, formatShare } from '../domain/shares.ts';
import { DiscussionInput } from '../schemas/discussion.ts';
import { ReportInput } from '../schemas/report.ts';
import { createDiscussion, getDiscussions, openDiscussion } from '../services/discussions.ts';
import { importMembersCsv } from '../services/import-members.ts';
import { importUnitsCsv } from '../services/import-units.ts';
import { getReportHistory, submitReport } from '../services/reports.ts';
import { getTally, recountTally } from '../services/tally.ts';
import { createToken, getTokens, revoke } from '../services/tokens.ts';
import { changeRole, createAccount, resolveAccountId } from '../services/accounts.ts';
import { migrateToLatest, storeFromEnvironment, type Store } from '../storage/db.ts';
import { listStatuses } from '../storage/members.repository.ts';
import { setStatus } from '../services/statuses.ts';
import { listAuditEvents } from '../storage/audit.repository.ts';
import { CliExit, progressBar, readJsonFile, readText, reportError } from './io.ts';
import { DomainError } from '../domain/errors.ts';

const now = () => new Date().toISOString();
export const dbOption = () => new Option('--db <path>', 'SQLite database file (or set PLENUM_DB; DATABASE_URL=postgres://… selects PostgreSQL)');

export async function withStore<T>(opts: { db?: string }, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = storeFromEnvironment(opts);
  try {
    await migrateToLatest(store);
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** The only open discussion, when a command needs one and none was named. */
async function defaultDiscussion(store: Store, given: string | undefined): Promise<string> {
  if (given) return given;
  const open = (await getDiscussions(store.db, now())).filter((d) => d.state === 'open');
  if (open.length === 1) return open[0]!.id;
  throw new DomainError('invalid_input', `name the discussion with --discussion ID (${open.length} discussions are open)`, { field: 'discussion' });
}

function printJson(v: unknown): void {
  process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
}

export function buildCli(): Command {
  const program = new Command('plenum')
    .description('Organization-wide discussions, branch reports and a live membership-weighted tally that anyone can check.')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('serve')
    .description('serve the API (and, with --demo-if-empty or --demo-ended, load the 1924 demo into an empty database first)')
    .addOption(dbOption())
    .addOption(new Option('--port <n>', 'port to listen on').env('PORT').default('3000'))
    .addOption(new Option('--host <host>', 'address to listen on').env('HOST').default('localhost'))
    .option('--demo-if-empty', 'load the 1924 demo when the database holds no discussion')
    .option('--demo-ended', 'like --demo-if-empty, with the demo\'s ending (plenum demo --ended: the XIII Conference and its decision, a reconstruction, on the 1924 calendar)')
    .action(async (opts: { db?: string; port: string; host: string; demoIfEmpty?: boolean; demoEnded?: boolean }) => {
      const { serve } = await import('./serve.ts');
      await serve(opts);
    });

  program
    .command('migrate')
    .description('create or update the database schema')
    .addOption(dbOption())
    .action((opts) => withStore(opts, async (s) => void process.stdout.write(`database is up to date (${s.engine})\n`)));

  // The two roll imports: same shape, same guarantees (atomic, idempotent, errors by line and column).
  const imports = [
    { noun: 'units', what: 'the unit tree', header: 'id,parent_id,name,kind', run: importUnitsCsv },
    { noun: 'members', what: 'the member roll', header: 'id,unit_id,name,email,status', run: importMembersCsv },
  ] as const;
  for (const { noun, what, header, run } of imports) {
    program
      .command(noun)
      .description(what)
      .command('import <file>')
      .description(`import ${noun} from CSV with header ${header} (atomic; re-import upserts)`)
      .addOption(dbOption())
      .action((file: string, opts) =>
        withStore(opts, async (s) => {
          const bar = progressBar(noun);
          try {
            const r = await run(s.db, readText(file), now(), bar.update);
            bar.stop();
            process.stdout.write(`imported ${r.rows} ${noun} (${r.created} new, ${r.updated} updated)\n`);
          } catch (e) {
            bar.stop();
            throw Object.assign(e as object, { file });
          }
        }),
      );
  }

  const status = program.command('status').description('member statuses: which ones vote');
  status
    .command('list')
    .addOption(dbOption())
    .action((opts) =>
      withStore(opts, async (s) => {
        for (const st of await listStatuses(s.db)) process.stdout.write(`${st.status}\t${st.votes ? 'votes' : 'does not vote'}\n`);
      }),
    );
  status
    .command('set <name>')
    .description('add a status or change whether it votes (affects discussions opened afterwards)')
    .option('--voting', 'members with this status vote')
    .option('--non-voting', 'members with this status attend without a vote')
    .addOption(dbOption())
    .action((name: string, opts: { voting?: boolean; nonVoting?: boolean; db?: string }) =>
      withStore(opts, async (s) => {
        if (!/^[a-z][a-z0-9_-]{0,39}$/.test(name)) throw new DomainError('invalid_input', `status '${name}' must be lower-case letters, digits, _ or -`, { field: 'name' });
        if (!!opts.voting === !!opts.nonVoting) throw new DomainError('invalid_input', 'give exactly one of --voting or --non-voting', { field: 'voting' });
        await setStatus(s.db, { status: name, votes: !!opts.voting }, now());
        process.stdout.write(`${name}: ${opts.voting ? 'votes' : 'does not vote'}\n`);
      }),
    );

  const discussion = program.command('discussion').description('discussions: create, open, list');
  discussion
    .command('create <file>')
    .description('create a discussion from a JSON file (see docs/data-contract.md)')
    .addOption(dbOption())
    .action((file: string, opts) =>
      withStore(opts, async (s) => {
        const d = await createDiscussion(s.db, readJsonFile(file, DiscussionInput), now());
        process.stdout.write(`created discussion ${d.id} (draft; open it with: plenum discussion open ${d.id})\n`);
      }),
    );
  discussion
    .command('open <id>')
    .description('open a discussion: freeze the roll and start accepting reports')
    .addOption(dbOption())
    .action((id: string, opts) =>
      withStore(opts, async (s) => {
        const d = await openDiscussion(s.db, id, now());
        const t = await getTally(s.db, id, undefined, now());
        process.stdout.write(
          `opened ${d.id}: roll frozen — ${t.membersTotal.toLocaleString('en')} voting members in ${t.unitsTotal.toLocaleString('en')} units that may report; reports accepted until ${d.reportingClosesAt}\n`,
        );
      }),
    );
  discussion
    .command('list')
    .addOption(dbOption())
    .option('--json', 'print JSON')
    .action((opts: { db?: string; json?: boolean }) =>
      withStore(opts, async (s) => {
        const list = await getDiscussions(s.db, now());
        if (opts.json) return printJson(list);
        for (const d of list) process.stdout.write(`${d.id}\t${d.state}\t${d.reportingOpen ? 'reporting open' : 'reporting closed'}\t${d.title}\n`);
      }),
    );

  const report = program.command('report').description('branch reports');
  report
    .command('submit <file>')
    .description("enter a branch's report (e.g. from paper minutes) from a JSON file; a correction carries \"supersedes\"")
    .option('--discussion <id>', 'the discussion (default: the only open one)')
    .addOption(dbOption())
    .action((file: string, opts: { discussion?: string; db?: string }) =>
      withStore(opts, async (s) => {
        const input = readJsonFile(file, ReportInput);
        const discussionId = await defaultDiscussion(s, opts.discussion);
        const r = await submitReport(s.db, { discussionId, report: input, submittedBy: CONSOLE.id, now: now() });
        const adopted = Object.entries(r.accepted.adopted).map(([q, p]) => `${q}: ${p ?? 'nothing adopted'}`);
        process.stdout.write(`accepted ${r.accepted.unitId} version ${r.accepted.version}: ${r.accepted.quorate ? 'quorate' : 'not quorate'}; ${adopted.join('; ')}\n`);
      }),
    );
  report
    .command('history <unitId>')
    .description("every version of a unit's report")
    .option('--discussion <id>', 'the discussion (default: the only open one)')
    .addOption(dbOption())
    .action((unitId: string, opts: { discussion?: string; db?: string }) =>
      withStore(opts, async (s) => printJson(await getReportHistory(s.db, await defaultDiscussion(s, opts.discussion), unitId, CONSOLE))),
    );

  program
    .command('tally <discussionId>')
    .description('the membership-weighted tally of a unit and its descendants (default: the whole organization)')
    .option('--unit <id>', 'the unit')
    .option('--json', 'print the tally as JSON (the API shape)')
    .option('--recount', 'also recount from scratch and check the maintained tally against it')
    .addOption(dbOption())
    .action((discussionId: string, opts: { unit?: string; json?: boolean; recount?: boolean; db?: string }) =>
      withStore(opts, async (s) => {
        const t = await getTally(s.db, discussionId, opts.unit, now());
        if (opts.recount) {
          const r = await recountTally(s.db, discussionId, t.unitId);
          const { discussionId: _d, unitId: _u, asOf: _a, provisional: _p, ...kept } = t;
          if (JSON.stringify(sortKeys(kept)) !== JSON.stringify(sortKeys(r))) {
            process.stderr.write(`recount differs from the maintained tally:\nmaintained ${JSON.stringify(kept)}\nrecounted  ${JSON.stringify(r)}\n`);
            throw new CliExit(3);
          }
          process.stderr.write('recount matches the maintained tally\n');
        }
        if (opts.json) return printJson(t);
        const d = (await getDiscussions(s.db, now())).find((x) => x.id === discussionId)!;
        const { overall, questions } = describeTally(t, d);
        process.stdout.write(`${d.title}\nunit ${t.unitId} — ${t.provisional ? 'PROVISIONAL (reporting open)' : 'final'} — as of ${t.asOf}\n\n`);
        for (const sh of overall) process.stdout.write(`  ${formatShare(sh).padEnd(34)} ${sh.label}\n`);
        for (const q of questions) {
          process.stdout.write(`\n${q.questionId}: ${q.text}\n`);
          for (const sh of q.shares) process.stdout.write(`  ${formatShare(sh).padEnd(34)} ${sh.label}\n`);
        }
      }),
    );

  const token = program.command('token').description('API tokens');
  token
    .command('create')
    .description('create a bearer token; the token is printed alone on the last line, and only once')
    .addOption(new Option('--role <role>', 'office, committee, secretary, commission, member or observer').default('office'))
    .option('--unit <id>', 'the unit a committee, secretary or member token belongs to')
    .requiredOption('--name <name>', 'who or what uses it')
    .addOption(dbOption())
    .action((opts: { role: string; unit?: string; name: string; db?: string }) =>
      withStore(opts, async (s) => {
        const t = await createToken(s.db, { name: opts.name, role: opts.role, unitId: opts.unit ?? null }, now());
        const scope = opts.unit ? ` for unit ${opts.unit}` : '';
        process.stdout.write(`token ${t.id} for '${opts.name}' (role ${opts.role}${scope}); store it now, it is not shown again:\n${t.token}\n`);
      }),
    );
  token
    .command('list')
    .addOption(dbOption())
    .action((opts) =>
      withStore(opts, async (s) => {
        for (const t of await getTokens(s.db)) process.stdout.write(`${t.id}\t${t.role}\t${t.unitId ?? '-'}\t${t.revokedAt ? `revoked ${t.revokedAt}` : 'active'}\t${t.name}\n`);
      }),
    );
  token
    .command('revoke <id>')
    .addOption(dbOption())
    .action((id: string, opts) => withStore(opts, async (s) => {
      await revoke(s.db, id, now());
      process.stdout.write(`revoked ${id}\n`);
    }));

  const account = program.command('account').description('accounts that sign in with email and password');
  account
    .command('create')
    .description('create an account; the password is read from PLENUM_PASSWORD or, failing that, from standard input')
    .requiredOption('--email <email>', 'the address it signs in with')
    .addOption(new Option('--role <role>', 'office, committee, secretary, commission, member or observer').default('office'))
    .option('--unit <id>', 'the unit a committee, secretary or member belongs to')
    .addOption(dbOption())
    .action((opts: { email: string; role: string; unit?: string; db?: string }) =>
      withStore(opts, async (s) => {
        const password = process.env.PLENUM_PASSWORD ?? (await readStdin()).replace(/\r?\n$/, '');
        const a = await createAccount(s.db, { email: opts.email, password, role: opts.role, unitId: opts.unit ?? null }, now());
        process.stdout.write(`created account ${a.id} (${opts.role}${opts.unit ? ` for unit ${opts.unit}` : ''}); sign in at POST /api/v1/session\n`);
      }),
    );
  for (const revoke of [false, true]) {
    account
      .command(revoke ? 'revoke ACCOUNT' : 'grant ACCOUNT')
      .description(revoke ? 'take a role back from an account (by id or email), with the reason recorded' : 'give an account (by id or email) another role, with the reason recorded; an account may hold several')
      .requiredOption('--role <role>', 'office, committee, secretary, commission, member or observer')
      .option('--unit <id>', 'the unit, for a committee, secretary or member')
      .requiredOption('--reason <text>', 'why (recorded in the audit log)')
      .addOption(dbOption())
      .action((ref: string, opts: { role: string; unit?: string; reason: string; db?: string }) =>
        withStore(opts, async (s) => {
          const accountId = await resolveAccountId(s.db, ref);
          const r = await changeRole(s.db, { accountId, role: opts.role, unitId: opts.unit ?? null, reason: opts.reason, revoke }, now(), CONSOLE_ACTOR);
          const roles = formatGrants(r.grants);
          process.stdout.write(`${r.changed ? (revoke ? 'revoked' : 'granted') : revoke ? 'not held; nothing changed' : 'already held; nothing changed'}: ${r.email} now holds ${roles}\n`);
        }),
      );
  }

  program
    .command('audit')
    .description('export the audit log (who changed what, when, from where) as JSON lines, oldest first')
    .addOption(dbOption())
    .action((opts) =>
      withStore(opts, async (s) => {
        let after: { at: string; id: string } | undefined;
        for (;;) {
          const page = await listAuditEvents(s.db, { after, limit: 1000 });
          for (const e of page) process.stdout.write(`${JSON.stringify(e)}\n`);
          if (page.length < 1000) break;
          after = page.at(-1)!;
        }
      }),
    );

  program
    .command('demo')
    .description('load the 1924 demo (an illustration: the branch votes are synthetic, not historical counts)')
    .option('--scale <n>', 'size relative to the real party (1 = ≈470,000 members)', '0.1')
    .option('--ended', "with its ending, a reconstruction: challenges and the commission's decisions, the XIII Conference (128 deciding and 222 consultative seats) and its binding decision of 18 January 1924; the demo runs on the 1924 calendar. On a database holding a demo not yet ended (on that calendar), applies the ending to it")
    .addOption(dbOption())
    .action((opts: { scale: string; ended?: boolean; db?: string }) =>
      withStore(opts, async (s) => {
        const scale = Number(opts.scale);
        if (!(scale > 0 && scale <= 2)) throw new DomainError('invalid_input', `--scale must be a number in (0, 2], got '${opts.scale}'`, { field: 'scale' });
        if (opts.ended) {
          const { describeEnding, loadEndedDemo } = await import('../demo/ending-1924.ts');
          const started = Date.now();
          const summary = await loadEndedDemo(s.db, { scale, progress: progressBar });
          for (const line of describeEnding(summary)) process.stderr.write(`${line}\n`);
          process.stderr.write(`  (done in ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
          return;
        }
        const { loadDemo } = await import('../demo/load-demo.ts');
        await loadDemo(s.db, { scale, now: now(), progress: progressBar });
      }),
    );

  program
    .command('bench')
    .description('measure ingest and tally speed against baselines measured in the same run')
    .option('--units <n>', 'units in the synthetic organization', '100000')
    .option('--json', 'print one JSON object on the last line')
    .option('--no-web', "skip the dashboard's first render in Chromium")
    .option('--web-only', "measure only the dashboard's first render in Chromium")
    .option('--record-reports <n>', 'signed reports in the synthetic record plenum verify is timed on (0: skip)', '1000000')
    .option('--record-only', 'measure only plenum verify on the synthetic record')
    .action(async (opts: { units: string; json?: boolean; web: boolean; webOnly?: boolean; recordReports: string; recordOnly?: boolean }) => {
      const { runBench } = await import('../bench/bench.ts');
      const recordReports = Number(opts.recordReports);
      if (!Number.isSafeInteger(recordReports) || recordReports < 0) throw new DomainError('invalid_input', `--record-reports must be a whole number, got '${opts.recordReports}'`, { field: 'record-reports' });
      await runBench({ units: Number(opts.units), json: !!opts.json, web: opts.web, webOnly: !!opts.webOnly, recordReports, recordOnly: !!opts.recordOnly });
    });

  registerWitnessCommands(program);
  registerKeyCommands(program);
  registerVerifyCommand(program);
  registerExportCommand(program);
  registerReceiptCommand(program);
  registerNoticeCommand(program);
  registerApportionCommand(program);

  return program;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

export async function main(argv: string[]): Promise<void> {
  // `plenum tally … | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const program = buildCli();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const err = e as { code?: string; exitCode?: number; file?: string };
    if (typeof err.code === 'string' && err.code.startsWith('commander.')) {
      process.exitCode = err.exitCode ?? 1;
      return;
    }
    process.exitCode = reportError(e, err.file);
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new DomainError('invalid_input', 'give the password in PLENUM_PASSWORD or on standard input', { field: 'password' });
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}
