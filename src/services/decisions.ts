/**
 * The binding decision (docs/decisions.md): the texts the conference adopted, in every language they were adopted in,
 * their effective date, and their provenance — the checkpoint of the public log they rest on, the tally those entries
 * give (as reported and as adjudicated), the report versions and adjudications it was computed from, and the
 * conference's votes. Published once per discussion; never edited: an erratum is a new act that names the one it
 * corrects. Each act is logged, audited, and queued as a notice to every member (sent by `sendDecisionNotices`).
 */
import { randomBytes } from 'node:crypto';
import { adjudicatedReport } from '../domain/adjudication.ts';
import type { Actor } from '../domain/audit.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import { authorize, type Principal } from '../domain/policy.ts';
import { recount, type TallyCounts } from '../domain/tally.ts';
import { canonicalize } from '../log/canonical.ts';
import { decisionEntry, sha256Hex } from '../log/entries.ts';
import { recordAudit } from '../storage/audit.repository.ts';
import { listAdjudications } from '../storage/challenges.repository.ts';
import { findConference, findMotion, findVoteOfMotion, latestApportionmentVersion } from '../storage/conference.repository.ts';
import {
  claimNotices,
  countNotices,
  findDecision,
  findDecisionOfDiscussion,
  insertDecision,
  listDecisionActs,
  listNoticesOfMember,
  markNotice,
  markNoticeRead,
  queueNotices,
  releaseUncertainNotices,
  setDecisionLogIndex,
  type DecisionRecord,
  type NoticeState,
} from '../storage/decisions.repository.ts';
import { inSnapshot, type Db } from '../storage/db.ts';
import { listFrozenUnits } from '../storage/discussions.repository.ts';
import { listReportsAsOfLog } from '../storage/reports.repository.ts';
import type { LogPublisher } from './log.ts';
import { appendEntry } from './log.ts';
import type { Mail, Mailer } from './mailer.ts';
import { openDiscussionRecord } from './tally.ts';

export type { DecisionRecord } from '../storage/decisions.repository.ts';

const who = (p: Principal) => `${p.kind}:${p.id}`;
const newId = () => `dec-${randomBytes(8).toString('hex')}`;
const LANGUAGE = /^[a-z]{2,3}(-[A-Z]{2})?$/;

export interface DecisionInput {
  /** The languages the texts were adopted in, the first the one the register lists it under. */
  languages: string[];
  title: Record<string, string>;
  /** One per question decided: the conference's adopted resolution, its text in every language. */
  resolutions: Array<{ questionId: string; motionId: string; text: Record<string, string> }>;
  effectiveDate: string;
  /** A reconstruction (the 1924 demo), marked as such wherever it is shown. */
  reconstruction?: boolean | undefined;
}

export interface ErratumInput {
  languages: string[];
  title: Record<string, string>;
  text: Record<string, string>;
  /** Why the erratum (public). */
  reason: string;
  effectiveDate: string;
}

export interface VoteProvenance {
  questionId: string;
  motionId: string;
  voteId: string;
  method: 'count' | 'roll-call';
  for: number;
  against: number;
  abstain: number;
  eligible: number;
  result: 'adopted' | 'rejected';
  rule: string;
}

export interface Provenance {
  /** The public log's checkpoint the figures were computed from: its first `size` entries. */
  checkpoint: { size: number; rootHash: string; note: string };
  /** The root unit's tally over those entries: as reported, and as the commission's decisions leave it. */
  tally: { unitId: string; provisional: boolean; reported: TallyCounts; adjudicated: TallyCounts };
  /** Each unit's report version counted (the latest logged below the checkpoint's size). */
  reports: Array<{ unitId: string; version: number; logIndex: number | null }>;
  /** The commission's decisions applied (logged below the checkpoint's size, on the versions counted). */
  adjudications: Array<{ id: string; unitId: string; version: number; decision: string; logIndex: number | null }>;
  votes: VoteProvenance[];
  conference: { name: string; apportionmentVersion: number } | null;
}

function checkTexts(languages: string[], texts: Record<string, string>, field: string): void {
  for (const lang of languages) {
    if (!texts[lang]?.trim()) throw new DomainError('invalid_input', `${field}.${lang}: the text in ${lang} is missing (every language the act is published in)`, { field: `${field}.${lang}` });
  }
  const extra = Object.keys(texts).find((k) => !languages.includes(k));
  if (extra) throw new DomainError('invalid_input', `${field}.${extra}: ${extra} is not one of the languages (${languages.join(', ')})`, { field: `${field}.${extra}` });
}

function checkLanguages(languages: string[]): void {
  if (languages.length === 0) throw new DomainError('invalid_input', 'languages: name at least one', { field: 'languages' });
  const bad = languages.find((l) => !LANGUAGE.test(l));
  if (bad) throw new DomainError('invalid_input', `languages: '${bad}' is not a language tag such as en, ru or pt-BR`, { field: 'languages' });
  if (new Set(languages).size !== languages.length) throw new DomainError('invalid_input', 'languages: a language appears twice', { field: 'languages' });
}

/**
 * The root tally over the log's first `size` entries: every unit's latest report version logged below it, with the
 * commission's decisions logged below it applied for the adjudicated figures. The same computation `plenum verify`
 * does from the entries (src/log/verify.ts, decision entries).
 */
async function tallyAsOfLog(db: Db, discussionId: string, size: number) {
  const d = await openDiscussionRecord(db, discussionId);
  const questionIds = d.definition.questions.map((q) => q.id);
  const [units, reports, adjudications] = await Promise.all([
    listFrozenUnits(db, discussionId),
    listReportsAsOfLog(db, discussionId, questionIds, size),
    listAdjudications(db, discussionId),
  ]);
  const logged = adjudications.filter((a) => a.logIndex !== null && a.logIndex < size);
  const applied = logged.filter((a) => reports.get(a.unitId)?.version === a.reportVersion);
  const reported = recount(
    d.definition,
    units.map((u) => {
      const r = reports.get(u.unitId);
      return { roll: u.roll, report: r ? { present: r.present, votes: r.votes, outcome: r.outcome, officeSigned: r.officeSigned } : null };
    }),
  );
  const adjudicated = recount(
    d.definition,
    units.map((u) => {
      const r = reports.get(u.unitId);
      if (!r) return { roll: u.roll, report: null };
      const left = adjudicatedReport(r, u.roll, applied.filter((a) => a.unitId === u.unitId), d.definition);
      return { roll: u.roll, report: left ? { present: left.present, votes: left.votes, outcome: left.outcome, officeSigned: r.officeSigned } : null };
    }),
  );
  const logIndexes = new Map<string, number | null>();
  for (const r of await db.selectFrom('reports').select(['unit_id', 'version', 'log_index']).where('discussion_id', '=', discussionId).where('log_index', '<', size).execute()) {
    logIndexes.set(`${r.unit_id}\u0000${r.version}`, r.log_index);
  }
  return {
    d,
    reported,
    adjudicated,
    reports: [...reports.values()]
      .map((r) => ({ unitId: r.unitId, version: r.version, logIndex: logIndexes.get(`${r.unitId}\u0000${r.version}`) ?? null }))
      .sort((a, b) => (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0)),
    adjudications: applied.map((a) => ({ id: a.id, unitId: a.unitId, version: a.reportVersion, decision: a.decision, logIndex: a.logIndex })),
  };
}

/** The office publishes the binding decision, once per discussion, resting on the log as it stands now. */
export async function publishDecision(db: Db, log: LogPublisher, actor: Actor, discussionId: string, input: DecisionInput, now: string): Promise<DecisionRecord> {
  authorize(actor.principal, 'discussion:write');
  checkLanguages(input.languages);
  checkTexts(input.languages, input.title, 'title');
  if (input.resolutions.length === 0) throw new DomainError('invalid_input', 'resolutions: a decision adopts at least one resolution', { field: 'resolutions' });
  const d = await openDiscussionRecord(db, discussionId);
  if (await findDecisionOfDiscussion(db, discussionId)) {
    throw new DomainError('conflict', `discussion '${discussionId}' has its decision already; a decision is never edited — publish an erratum`, { field: 'discussionId' });
  }
  const conference = await findConference(db, discussionId);
  const votes: VoteProvenance[] = [];
  const seen = new Set<string>();
  for (const [i, r] of input.resolutions.entries()) {
    const at = `resolutions.${i}`;
    if (!d.definition.questions.some((q) => q.id === r.questionId)) throw new DomainError('invalid_input', `${at}.questionId: no question '${r.questionId}' in this discussion`, { field: `${at}.questionId` });
    if (seen.has(r.questionId)) throw new DomainError('invalid_input', `${at}.questionId: question '${r.questionId}' is decided twice`, { field: `${at}.questionId` });
    seen.add(r.questionId);
    checkTexts(input.languages, r.text, `${at}.text`);
    const motion = await findMotion(db, discussionId, r.motionId);
    if (!motion) throw new DomainError('invalid_input', `${at}.motionId: no conference motion '${r.motionId}'`, { field: `${at}.motionId` });
    if (motion.kind !== 'resolution' || motion.questionId !== r.questionId) {
      throw new DomainError('invalid_input', `${at}.motionId: motion '${r.motionId}' is not a resolution on question '${r.questionId}'`, { field: `${at}.motionId` });
    }
    const vote = await findVoteOfMotion(db, discussionId, r.motionId);
    if (motion.state !== 'adopted' || !vote || vote.state !== 'closed' || vote.result !== 'adopted') {
      throw new DomainError('conflict', `${at}.motionId: the conference has not adopted motion '${r.motionId}' (${vote ? `vote ${vote.state}, ${vote.result ?? 'no result'}` : 'no vote'})`, { field: `${at}.motionId` });
    }
    votes.push({
      questionId: r.questionId,
      motionId: r.motionId,
      voteId: vote.id,
      method: vote.method,
      for: vote.for!,
      against: vote.against!,
      abstain: vote.abstain!,
      eligible: vote.eligible!,
      result: vote.result,
      rule: vote.rule!,
    });
  }

  // The log as it stands: a checkpoint covering every entry so far (signed now if the latest is older).
  const cp = await log.checkpoint(discussionId);
  if (!cp) throw new DomainError('conflict', `discussion '${discussionId}' has no public log: a decision rests on one`, { field: 'discussionId' });
  const figures = await inSnapshot(db, (trx) => tallyAsOfLog(trx, discussionId, cp.size));
  const provenance: Provenance = {
    checkpoint: { size: cp.size, rootHash: cp.rootHash, note: cp.cosigned },
    tally: { unitId: d.rootUnitId!, provisional: now < d.definition.reportingClosesAt, reported: figures.reported, adjudicated: figures.adjudicated },
    reports: figures.reports,
    adjudications: figures.adjudications,
    votes,
    conference: conference ? { name: conference.name, apportionmentVersion: await latestApportionmentVersion(db, discussionId) } : null,
  };
  const body = { title: input.title, resolutions: input.resolutions.map((r) => ({ questionId: r.questionId, motionId: r.motionId, text: r.text })) };
  const record: DecisionRecord = {
    id: newId(),
    discussionId,
    kind: 'decision',
    corrects: null,
    languages: input.languages,
    title: input.title,
    body,
    reason: null,
    effectiveDate: input.effectiveDate,
    provenance,
    reconstruction: input.reconstruction ?? false,
    publishedBy: who(actor.principal),
    publishedAt: now,
    logIndex: null,
  };
  return publish(db, actor, record, {
    textsSha256: sha256Hex(canonicalize(body)),
    reasonSha256: null,
    basedOn: { size: cp.size, rootHash: cp.rootHash },
    tally: { reported: figures.reported, adjudicated: figures.adjudicated },
    votes: votes.map((v) => ({ questionId: v.questionId, motionId: v.motionId, for: v.for, against: v.against, abstain: v.abstain, result: v.result })),
  }, now);
}

/** An erratum: a new act naming the decision it corrects, with its text and the reason. The decision stays as it was. */
export async function publishErratum(db: Db, actor: Actor, discussionId: string, input: ErratumInput, now: string): Promise<DecisionRecord> {
  authorize(actor.principal, 'discussion:write');
  checkLanguages(input.languages);
  checkTexts(input.languages, input.title, 'title');
  checkTexts(input.languages, input.text, 'text');
  const decision = await findDecisionOfDiscussion(db, discussionId);
  if (!decision) throw new DomainError('not_found', `discussion '${discussionId}' has no decision to correct`, { field: 'discussionId' });
  const body = { title: input.title, text: input.text };
  const record: DecisionRecord = {
    id: newId(),
    discussionId,
    kind: 'erratum',
    corrects: decision.id,
    languages: input.languages,
    title: input.title,
    body,
    reason: input.reason,
    effectiveDate: input.effectiveDate,
    provenance: null,
    reconstruction: decision.reconstruction,
    publishedBy: who(actor.principal),
    publishedAt: now,
    logIndex: null,
  };
  return publish(db, actor, record, { textsSha256: sha256Hex(canonicalize(body)), reasonSha256: sha256Hex(input.reason), basedOn: null, tally: null, votes: [] }, now);
}

async function publish(
  db: Db,
  actor: Actor,
  record: DecisionRecord,
  logged: Pick<Parameters<typeof decisionEntry>[0], 'textsSha256' | 'reasonSha256' | 'basedOn' | 'tally' | 'votes'>,
  now: string,
): Promise<DecisionRecord> {
  await db.transaction().execute(async (trx) => {
    if (record.kind === 'decision' && (await findDecisionOfDiscussion(trx, record.discussionId))) {
      throw new DomainError('conflict', `discussion '${record.discussionId}' has its decision already; a decision is never edited — publish an erratum`, { field: 'discussionId' });
    }
    await insertDecision(trx, record);
    const index = await appendEntry(
      trx,
      record.discussionId,
      decisionEntry({ discussionId: record.discussionId, decisionId: record.id, kind: record.kind, corrects: record.corrects, effectiveDate: record.effectiveDate, ...logged }),
      now,
    );
    if (index !== null) {
      await setDecisionLogIndex(trx, record.id, index);
      record.logIndex = index;
    }
    const queued = await queueNotices(trx, record.id, now);
    await recordAudit(trx, actor, record.kind === 'decision' ? 'decision.publish' : 'decision.erratum', `decision:${record.id}`, { discussionId: record.discussionId, corrects: record.corrects, notices: queued }, now);
  });
  return record;
}

/** The discussion's decision and its errata, newest erratum last; 404 if none is published. */
export async function getDecisionDocument(db: Db, discussionId: string): Promise<{ decision: DecisionRecord; errata: DecisionRecord[] }> {
  const acts = await listDecisionActs(db, { discussionId });
  const decision = acts.find((a) => a.kind === 'decision');
  if (!decision) throw new DomainError('not_found', `discussion '${discussionId}' has no binding decision yet`, { field: 'id' });
  return { decision, errata: acts.filter((a) => a.kind === 'erratum').sort((a, b) => (a.publishedAt < b.publishedAt ? -1 : 1)) };
}

/** Every published act (decisions and errata) of every discussion, newest first: the register. */
export async function getDecisionRegister(db: Db, limit = 200): Promise<DecisionRecord[]> {
  return listDecisionActs(db, { limit });
}

export async function getDecisionAct(db: Db, id: string): Promise<DecisionRecord> {
  const act = await findDecision(db, id);
  if (!act) throw notFound('decision', id, 'decisionId');
  return act;
}

// ---- notices ----

export interface NoticeCounts {
  pending: number;
  sending: number;
  sent: number;
  failed: number;
  noEmail: number;
  total: number;
}

export async function noticeCounts(db: Db, decisionId: string): Promise<NoticeCounts> {
  const c = await countNotices(db, decisionId);
  const n = (s: NoticeState) => c[s] ?? 0;
  return { pending: n('pending'), sending: n('sending'), sent: n('sent'), failed: n('failed'), noEmail: n('no-email'), total: Object.values(c).reduce((a, b) => a + b, 0) };
}

export interface SendOptions {
  baseUrl: string;
  /** Notices claimed and sent per batch (default 100). */
  batchSize?: number | undefined;
  /** Notices left `sending` by an interrupted run: their mail may or may not have gone. Only with this are they re-sent. */
  retryUncertain?: boolean | undefined;
  progress?: ((done: number, total: number) => void) | undefined;
}

function noticeMail(act: DecisionRecord, email: string, baseUrl: string): Mail {
  const lang = act.languages[0]!;
  const kind = act.kind === 'decision' ? 'binding decision' : 'erratum to the binding decision';
  const link = `${baseUrl}/decisions/${encodeURIComponent(act.discussionId)}`;
  return {
    to: email,
    subject: `${act.reconstruction ? '[Reconstruction] ' : ''}${act.title[lang]}`,
    text: [
      `The ${kind} "${act.title[lang]}" has been published${act.reconstruction ? ' (a historical reconstruction)' : ''}. It takes effect on ${act.effectiveDate} and binds every member.`,
      '',
      `Read it, in ${act.languages.join(', ')}, with the figures and the record it rests on:`,
      link,
      ...act.languages.map((l) => `PDF (${l}): ${baseUrl}/api/v1/discussions/${encodeURIComponent(act.discussionId)}/decision.pdf?lang=${l}`),
    ].join('\n'),
  };
}

/**
 * Sends the queued notices of one act by email, `batchSize` at a time: each batch is claimed (pending → sending) and
 * committed before a mail goes, and marked sent after — so an interrupted run is resumed by running again, and no
 * member is ever mailed twice. A notice left `sending` by a crash is uncertain (its mail may have gone) and is re-sent
 * only when asked (`retryUncertain`). Members without an email are notified in the app only.
 */
export async function sendDecisionNotices(db: Db, mailer: Mailer, decisionId: string, opts: SendOptions, now: () => string): Promise<NoticeCounts> {
  const act = await getDecisionAct(db, decisionId);
  if (opts.retryUncertain) await releaseUncertainNotices(db, decisionId, now());
  const start = await noticeCounts(db, decisionId);
  const todo = start.pending;
  let done = 0;
  opts.progress?.(0, todo);
  for (;;) {
    const batch = await claimNotices(db, decisionId, opts.batchSize ?? 100, now());
    if (batch.length === 0) break;
    for (const n of batch) {
      if (!n.email) {
        await markNotice(db, decisionId, n.memberId, 'no-email', null, now());
      } else {
        try {
          await mailer.send(noticeMail(act, n.email, opts.baseUrl));
          await markNotice(db, decisionId, n.memberId, 'sent', null, now());
        } catch (e) {
          await markNotice(db, decisionId, n.memberId, 'failed', (e as Error).message.slice(0, 500), now());
        }
      }
      opts.progress?.(++done, todo);
    }
  }
  return noticeCounts(db, decisionId);
}

/** The notices of a signed-in member (in the app): every act she was told of, unread first. */
export async function memberNotices(db: Db, memberId: string) {
  return listNoticesOfMember(db, memberId);
}

export async function readNotice(db: Db, memberId: string, decisionId: string, now: string): Promise<void> {
  if (!(await markNoticeRead(db, decisionId, memberId, now))) throw notFound('notice', decisionId, 'decisionId');
}
