/**
 * Challenges to branch reports and the commission's adjudications (docs/challenges.md; the rules in
 * src/domain/adjudication.ts). Filing and deciding are recorded acts: a row, an audit event and a log entry in one
 * transaction; nothing is edited afterwards. The tally as reported is never touched: `getAdjudicatedTally` computes
 * the tally the decisions leave beside it, from the same current reports, so both stay reproducible.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  adjudicatedReport,
  challengeDeadline,
  strikeCounts,
  type ChallengeReason,
  type Decision,
  type Struck,
} from '../domain/adjudication.ts';
import type { Actor } from '../domain/audit.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import { authorizeOnUnit, hasRole, mayActOnUnit, type Principal } from '../domain/policy.ts';
import { addInto, tallyDelta } from '../domain/tally.ts';
import { adjudicationEntry, challengeEntry, sha256Hex } from '../log/entries.ts';
import { recordAudit } from '../storage/audit.repository.ts';
import {
  findChallenge,
  findEvidence,
  hasChallengeBy,
  insertAdjudication,
  insertChallenge,
  listAdjudications,
  listChallenges,
  markChallengeDecided,
  setAdjudicationLogIndex,
  setChallengeLogIndex,
  type Adjudication,
  type Challenge,
  type Evidence,
} from '../storage/challenges.repository.ts';
import { inSnapshot, type Db } from '../storage/db.ts';
import { findFrozenUnit, listFrozenUnits, type DiscussionRecord } from '../storage/discussions.repository.ts';
import { findCurrentReport, listReportVersions } from '../storage/reports.repository.ts';
import { appendEntry } from './log.ts';
import { asReader, openDiscussionRecord, tallyOf, type ReaderTally, type TallyView } from './tally.ts';

export type { Adjudication, Challenge } from '../storage/challenges.repository.ts';

const who = (p: Principal) => `${p.kind}:${p.id}`;
const newId = (prefix: string) => `${prefix}-${randomBytes(8).toString('hex')}`;

/** Evidence attachments: what a phone photographs or scans, at most 5 MiB. */
export const EVIDENCE_MEDIA_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'text/plain'] as const;
export const MAX_EVIDENCE_BYTES = 5 * 1024 * 1024;

export interface FileChallenge {
  /** The version challenged: it must be the unit's current one (a correction is challenged afresh). */
  version: number;
  reason: ChallengeReason;
  text: string;
  evidence?: { name: string; mediaType: (typeof EVIDENCE_MEDIA_TYPES)[number]; contentBase64: string } | undefined;
}

async function unitOf(db: Db, discussionId: string, unitId: string) {
  const unit = await findFrozenUnit(db, discussionId, unitId);
  if (!unit) throw notFound('unit', unitId, 'unitId');
  return unit;
}

/** The role a principal files as: a member of the unit, else an observer. */
function filedAs(principal: Principal, unitId: string): string {
  return principal.grants.some((g) => g.role === 'member' && g.unitId === unitId) ? 'member' : 'observer';
}

export async function fileChallenge(db: Db, actor: Actor, discussionId: string, unitId: string, input: FileChallenge, now: string): Promise<Challenge> {
  const d = await openDiscussionRecord(db, discussionId);
  const unit = await unitOf(db, discussionId, unitId);
  authorizeOnUnit(actor.principal, 'challenge:file', unitId, unit.ancestors);
  const questionIds = d.definition.questions.map((q) => q.id);
  const versions = await listReportVersions(db, discussionId, unitId, questionIds);
  const target = versions.find((v) => v.version === input.version);
  if (!target) throw new DomainError('not_found', `unit '${unitId}' has no report version ${input.version}`, { field: 'version' });
  if (!target.isCurrent) {
    throw new DomainError('conflict', `version: ${input.version} has been corrected; the current version is ${versions.find((v) => v.isCurrent)?.version} — challenge that one`, { field: 'version' });
  }
  const deadline = challengeDeadline(target.submittedAt, d.definition.rules.challengeWindowHours);
  if (now > deadline) {
    throw new DomainError('conflict', `version: the challenge window for version ${input.version} closed at ${deadline} (${d.definition.rules.challengeWindowHours ?? 72} hours after it was accepted)`, {
      field: 'version',
    });
  }
  const filedBy = who(actor.principal);
  if (await hasChallengeBy(db, discussionId, unitId, input.version, filedBy)) {
    throw new DomainError('conflict', `you have already challenged version ${input.version} of unit '${unitId}'`, { field: 'version' });
  }
  let evidence: Evidence | undefined;
  const challenge: Challenge = {
    id: newId('ch'),
    discussionId,
    unitId,
    reportVersion: input.version,
    reason: input.reason,
    text: input.text,
    filedBy,
    filedAs: filedAs(actor.principal, unitId),
    filedAt: now,
    state: 'open',
    logIndex: null,
  };
  if (input.evidence) {
    const bytes = Buffer.from(input.evidence.contentBase64, 'base64');
    if (bytes.toString('base64') !== input.evidence.contentBase64.replace(/\s+/g, '')) {
      throw new DomainError('invalid_input', 'evidence.contentBase64: must be standard base64', { field: 'evidence.contentBase64' });
    }
    if (bytes.length === 0) throw new DomainError('invalid_input', 'evidence.contentBase64: the file is empty', { field: 'evidence.contentBase64' });
    if (bytes.length > MAX_EVIDENCE_BYTES) {
      throw new DomainError('invalid_input', `evidence.contentBase64: ${bytes.length.toLocaleString('en')} bytes, over the ${MAX_EVIDENCE_BYTES.toLocaleString('en')}-byte limit`, {
        field: 'evidence.contentBase64',
      });
    }
    evidence = {
      challengeId: challenge.id,
      name: input.evidence.name,
      mediaType: input.evidence.mediaType,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      contentBase64: bytes.toString('base64'),
    };
  }
  await db.transaction().execute(async (trx) => {
    await insertChallenge(trx, challenge, evidence);
    const index = await appendEntry(
      trx,
      discussionId,
      challengeEntry({ discussionId, challengeId: challenge.id, unitId, version: input.version, reason: input.reason, textSha256: sha256Hex(input.text) }),
      now,
    );
    if (index !== null) {
      await setChallengeLogIndex(trx, challenge.id, index);
      challenge.logIndex = index;
    }
    await recordAudit(trx, actor, 'challenge.file', `challenge:${challenge.id}`, { discussionId, unitId, version: input.version, reason: input.reason, evidence: evidence?.sha256 ?? null }, now);
  });
  return challenge;
}

export interface Decide {
  decision: Decision;
  /** The stated criterion the decision applies (e.g. "ballots cast before the meeting opened"). */
  criterion: string;
  /** The commission's written reason. */
  reason: string;
  /** decision "strike-votes" only: the counts struck. */
  struck?: Struck | undefined;
}

/** The commission decides a challenge (which closes it). */
export async function decideChallenge(db: Db, actor: Actor, discussionId: string, challengeId: string, input: Decide, now: string): Promise<Adjudication> {
  const challenge = await findChallenge(db, discussionId, challengeId);
  if (!challenge) throw notFound('challenge', challengeId, 'challengeId');
  if (challenge.state !== 'open') throw new DomainError('conflict', `challenge ${challengeId} has been decided already; a decision is never changed`, { field: 'challengeId' });
  return adjudicate(db, actor, discussionId, challenge.unitId, challenge.reportVersion, challenge.id, input, now);
}

/** The commission decides on a report version of its own motion (no challenge filed). */
export async function adjudicateReport(db: Db, actor: Actor, discussionId: string, unitId: string, version: number, input: Decide, now: string): Promise<Adjudication> {
  return adjudicate(db, actor, discussionId, unitId, version, null, input, now);
}

async function adjudicate(db: Db, actor: Actor, discussionId: string, unitId: string, version: number, challengeId: string | null, input: Decide, now: string): Promise<Adjudication> {
  const d = await openDiscussionRecord(db, discussionId);
  const unit = await unitOf(db, discussionId, unitId);
  authorizeOnUnit(actor.principal, 'challenge:decide', unitId, unit.ancestors);
  if (input.decision === 'strike-votes' && !input.struck) throw new DomainError('invalid_input', 'struck: a strike-votes decision says which counts it strikes', { field: 'struck' });
  if (input.decision !== 'strike-votes' && input.struck) throw new DomainError('invalid_input', `struck: only a strike-votes decision strikes counts, not ${input.decision}`, { field: 'struck' });
  const adjudication: Adjudication = {
    id: newId('adj'),
    discussionId,
    unitId,
    reportVersion: version,
    challengeId,
    decision: input.decision,
    criterion: input.criterion,
    reason: input.reason,
    struck: input.struck ?? null,
    decidedBy: who(actor.principal),
    decidedAt: now,
    logIndex: null,
  };
  await db.transaction().execute(async (trx) => {
    const versions = await listReportVersions(trx, discussionId, unitId, d.definition.questions.map((q) => q.id));
    const target = versions.find((v) => v.version === version);
    if (!target) throw new DomainError('not_found', `unit '${unitId}' has no report version ${version}`, { field: 'version' });
    const earlier = await listAdjudications(trx, discussionId, { unitId, version });
    if (earlier.some((a) => a.decision === 'strike')) {
      throw new DomainError('conflict', `version ${version} of unit '${unitId}' has been struck already (${earlier.find((a) => a.decision === 'strike')!.id})`, { field: 'decision' });
    }
    if (input.struck) {
      // Checked against what the earlier decisions on this version left.
      const left = adjudicatedReport(target, unit.roll, earlier, d.definition);
      strikeCounts(left!, input.struck, d.definition);
    }
    if (challengeId !== null && !(await markChallengeDecided(trx, challengeId))) {
      throw new DomainError('conflict', `challenge ${challengeId} has been decided already; a decision is never changed`, { field: 'challengeId' });
    }
    await insertAdjudication(trx, adjudication);
    const index = await appendEntry(
      trx,
      discussionId,
      adjudicationEntry({
        discussionId,
        adjudicationId: adjudication.id,
        challengeId,
        unitId,
        version,
        decision: input.decision,
        criterionSha256: sha256Hex(input.criterion),
        reasonSha256: sha256Hex(input.reason),
        struck: input.struck ?? null,
      }),
      now,
    );
    if (index !== null) {
      await setAdjudicationLogIndex(trx, adjudication.id, index);
      adjudication.logIndex = index;
    }
    await recordAudit(trx, actor, 'challenge.decide', `adjudication:${adjudication.id}`, { discussionId, unitId, version, challengeId, decision: input.decision }, now);
  });
  return adjudication;
}

/** A challenge as a reader sees it: who filed it only for the commission and the office; its text for the unit's readers too. */
export interface ChallengeView {
  id: string;
  unitId: string;
  version: number;
  reason: ChallengeReason;
  filedAs: string;
  filedAt: string;
  state: 'open' | 'decided';
  logIndex: number | null;
  text: string | null;
  filedBy: string | null;
  evidence: { name: string; mediaType: string; sha256: string; size: number } | null;
  decision: Pick<Adjudication, 'id' | 'decision' | 'criterion' | 'reason' | 'struck' | 'decidedAt' | 'logIndex'> | null;
}

export async function getChallenges(db: Db, viewer: Principal | null, discussionId: string, unitId: string | undefined): Promise<{ challenges: ChallengeView[]; adjudications: AdjudicationView[] }> {
  await openDiscussionRecord(db, discussionId);
  if (unitId !== undefined) await unitOf(db, discussionId, unitId);
  const [challenges, adjudications, units] = await Promise.all([
    listChallenges(db, discussionId, unitId),
    listAdjudications(db, discussionId, unitId === undefined ? undefined : { unitId }),
    listFrozenUnits(db, discussionId),
  ]);
  const ancestors = new Map(units.map((u) => [u.unitId, u.ancestors]));
  const reviewer = viewer !== null && (hasRole(viewer, 'commission') || hasRole(viewer, 'office'));
  const byChallenge = new Map(adjudications.filter((a) => a.challengeId).map((a) => [a.challengeId!, a]));
  const views: ChallengeView[] = [];
  for (const c of challenges) {
    const reads = reviewer || mayActOnUnit(viewer, 'report:read', c.unitId, ancestors.get(c.unitId) ?? []);
    const ev = reviewer ? await findEvidence(db, c.id) : undefined;
    const a = byChallenge.get(c.id);
    views.push({
      id: c.id,
      unitId: c.unitId,
      version: c.reportVersion,
      reason: c.reason,
      filedAs: c.filedAs,
      filedAt: c.filedAt,
      state: c.state,
      logIndex: c.logIndex,
      text: reads ? c.text : null,
      filedBy: reviewer ? c.filedBy : null,
      evidence: ev ? { name: ev.name, mediaType: ev.mediaType, sha256: ev.sha256, size: ev.size } : null,
      decision: a ? pickDecision(a) : null,
    });
  }
  return { challenges: views, adjudications: adjudications.map(adjudicationView) };
}

export type AdjudicationView = Omit<Adjudication, 'discussionId' | 'decidedBy'>;
const adjudicationView = ({ discussionId: _d, decidedBy: _b, ...rest }: Adjudication): AdjudicationView => rest;
const pickDecision = (a: Adjudication) => ({ id: a.id, decision: a.decision, criterion: a.criterion, reason: a.reason, struck: a.struck, decidedAt: a.decidedAt, logIndex: a.logIndex });

/** A challenge's evidence file, for the commission and the office. */
export async function getEvidence(db: Db, discussionId: string, challengeId: string): Promise<Evidence> {
  const c = await findChallenge(db, discussionId, challengeId);
  if (!c) throw notFound('challenge', challengeId, 'challengeId');
  const ev = await findEvidence(db, challengeId);
  if (!ev) throw new DomainError('not_found', `challenge ${challengeId} has no evidence attached`, { field: 'challengeId' });
  return ev;
}

export interface AdjudicatedTally {
  discussionId: string;
  unitId: string;
  /** The tally as the units reported it, recounted from their current reports. */
  reported: ReaderTally;
  /** The tally the commission's decisions leave: struck reports count as not reported, struck counts removed. */
  adjudicated: ReaderTally;
  /** The decisions that apply to current report versions in this subtree. */
  applied: AdjudicationView[];
}

/**
 * The tally of a subtree as reported and as adjudicated, side by side, in one snapshot. As reported: the maintained
 * tally (which always equals a recount of the current reports). As adjudicated: that tally plus, for each current
 * report version the commission decided on, the difference between what the decisions leave and what was reported —
 * the tally is a sum of units' contributions, so only the decided units are read. A decision applies to the version
 * it names; a unit's later correction is judged afresh.
 */
export async function getAdjudicatedTally(db: Db, viewer: Principal | null, discussionId: string, unitId: string | undefined, now: string): Promise<AdjudicatedTally> {
  return inSnapshot(db, async (trx) => {
    const d = await openDiscussionRecord(trx, discussionId);
    const target = unitId ?? d.rootUnitId!;
    const unit = await unitOf(trx, discussionId, target);
    const questionIds = d.definition.questions.map((q) => q.id);
    const reported = await tallyOf(trx, d, target, now);
    const adjudicated: TallyView = structuredClone(reported);
    const byUnit = new Map<string, Adjudication[]>();
    for (const a of await listAdjudications(trx, discussionId)) byUnit.set(a.unitId, [...(byUnit.get(a.unitId) ?? []), a]);
    const applied: Adjudication[] = [];
    for (const [decidedUnit, decisions] of byUnit) {
      const u = decidedUnit === target ? unit : await findFrozenUnit(trx, discussionId, decidedUnit);
      if (!u || (decidedUnit !== target && !u.ancestors.includes(target))) continue;
      const r = await findCurrentReport(trx, discussionId, decidedUnit, questionIds);
      const onCurrent = decisions.filter((a) => a.reportVersion === r?.version);
      if (!r || onCurrent.length === 0) continue;
      applied.push(...onCurrent);
      const left = adjudicatedReport(r, u.roll, onCurrent, d.definition);
      addInto(adjudicated, tallyDelta(d.definition, u.roll, r, left ? { ...left, officeSigned: r.officeSigned } : null));
    }
    applied.sort((a, b) => (a.decidedAt < b.decidedAt ? -1 : a.decidedAt > b.decidedAt ? 1 : a.id < b.id ? -1 : 1));
    return {
      discussionId,
      unitId: target,
      reported: asReader(reported, viewer, unit, d.definition.rules),
      adjudicated: asReader(adjudicated, viewer, unit, d.definition.rules),
      applied: applied.map(adjudicationView),
    };
  });
}

export type { DiscussionRecord };
