/**
 * The 1924 demo's ending (`plenum demo --ended`): what followed 9 January 1924, played through the same services an
 * office, a commission and a conference use — a RECONSTRUCTION, marked so in every text it writes:
 *
 * - two challenges and the Central Control Commission's decisions on them, 10–15 January: the Leningrad student cell's
 *   "same cell, two counts" (the re-vote is contested and upheld) and a Moscow cell where votes of people not on its
 *   roll are struck — so the tally as adjudicated differs from the tally as reported;
 * - the XIII Conference of the RCP(b), 16–18 January: 128 seats with a deciding vote and 222 with a consultative vote
 *   apportioned over the 69 gubernia-level committees and the army's organisation (PUR) on the frozen roll — deciding
 *   seats by largest remainder (Hare-Niemeyer) with at least one per committee, consultative seats by D'Hondt (the
 *   historical method is not recorded; docs in README.md, "The demo") — delegates elected at gubernia conferences,
 *   their credentials confirmed (one mandate rejected and replaced), and the two resolutions adopted;
 * - the binding decision, published on 18 January 1924 with `reconstruction: true`, effective that day, resting on
 *   the public log. Its notices to members are queued, not mailed: the demo has no SMTP (`plenum notify` sends them).
 *
 * The demo's clock is the 1924 calendar: the base demo is loaded "on 9 January 1924 at noon" (its reports accepted
 * then, reporting open for a week), and every act below carries a fixed instant after it. A demo loaded on today's
 * clock (`plenum demo`, `serve --demo-if-empty`) cannot be ended: its reports would postdate the conference.
 */
import type { Actor } from '../domain/audit.ts';
import { CONSOLE_ACTOR } from '../domain/audit.ts';
import { DomainError } from '../domain/errors.ts';
import type { Principal } from '../domain/policy.ts';
import { describeTally, formatShare, type Share } from '../domain/shares.ts';
import type { TallyCounts } from '../domain/tally.ts';
import { decideChallenge, fileChallenge } from '../services/challenges.ts';
import {
  apportionConference,
  changeConferenceState,
  decideDelegate,
  defineConference,
  proposeMotion,
  recordDelegate,
  recordVote,
  type SeatRule,
} from '../services/conference.ts';
import { noticeCounts, publishDecision, type DecisionRecord, type Provenance } from '../services/decisions.ts';
import type { Progress } from '../services/import-units.ts';
import { LogPublisher } from '../services/log.ts';
import { listAdjudications, listChallenges } from '../storage/challenges.repository.ts';
import { countConfirmedDeciding, countDelegates, findConference } from '../storage/conference.repository.ts';
import type { Db } from '../storage/db.ts';
import { findDecisionOfDiscussion } from '../storage/decisions.repository.ts';
import { findDiscussion, listFrozenUnits, type FrozenUnit } from '../storage/discussions.repository.ts';
import { listMembersInSubtree, listStatuses } from '../storage/members.repository.ts';
import { listCurrentReports, listReportVersions, type StoredReport } from '../storage/reports.repository.ts';
import { countUnits } from '../storage/units.repository.ts';
import { DEMO_DISCUSSION_ID, loadDemo } from './load-demo.ts';

// ---------------------------------------------------------------------------------------------------------------
// The calendar. Instants are UTC; Moscow was two or three hours ahead, which none of the checks below depends on.

export const ENDING_CLOCK = {
  /** The base demo: loaded (reports accepted) at noon on 9 January 1924; reporting stays open a week, to noon on the 16th. */
  loaded: '1924-01-09T12:00:00.000Z',
  /** The conference's seats, on the frozen roll, before the gubernia conferences elect. */
  apportioned: '1924-01-09T18:00:00.000Z',
  /** Challenges, within the default 72-hour window after the reports were accepted (it closes at noon on the 12th). */
  challengeLeningrad: '1924-01-10T09:00:00.000Z',
  challengeMoscow: '1924-01-11T10:00:00.000Z',
  /** The Central Control Commission decides. */
  decideLeningrad: '1924-01-14T10:00:00.000Z',
  decideMoscow: '1924-01-15T11:00:00.000Z',
  /** The gubernia conferences elect on 10–14 January; the mandates reach the CC on the 15th. */
  delegatesRecorded: '1924-01-15T15:00:00.000Z',
  /** The credentials commission, the morning the conference opens. */
  credentials: '1924-01-16T08:00:00.000Z',
  /** A replacement for the rejected mandate, recorded and confirmed the same morning. */
  replacement: '1924-01-16T09:00:00.000Z',
  /** Reporting closes at noon on the 16th; the conference opens that evening. */
  session: '1924-01-16T16:00:00.000Z',
  motions: '1924-01-17T10:00:00.000Z',
  votes: '1924-01-18T12:00:00.000Z',
  closed: '1924-01-18T17:00:00.000Z',
  published: '1924-01-18T19:00:00.000Z',
} as const;
export const EFFECTIVE_DATE = '1924-01-18';
const GUBERNIA_CONFERENCE_DAYS = ['1924-01-10', '1924-01-11', '1924-01-12', '1924-01-13', '1924-01-14'];

// ---------------------------------------------------------------------------------------------------------------
// Who acts. The office is the console; the commission's and the monitors' acts need roles the console does not hold,
// so they act as explicit demo principals, named as such in the audit log.

export const DEMO_COMMISSION: Principal = { kind: 'cli', id: 'demo-commission', name: 'Central Control Commission (demo)', grants: [{ role: 'commission', unitId: null }] };
/** The conference's credentials commission: `credentials:decide` is held by the office and the commission. */
export const DEMO_CREDENTIALS: Principal = { kind: 'cli', id: 'demo-credentials', name: 'Credentials commission of the XIII Conference (demo)', grants: [{ role: 'commission', unitId: null }] };
/** Platforms' monitors: observers, who may challenge any unit's report. */
export const DEMO_MONITOR_CC: Principal = { kind: 'cli', id: 'demo-monitor-cc', name: 'Monitor for the Central Committee platform (demo)', grants: [{ role: 'observer', unitId: null }] };
export const DEMO_MONITOR_OPPOSITION: Principal = { kind: 'cli', id: 'demo-monitor-opposition', name: 'Monitor for the opposition platform (demo)', grants: [{ role: 'observer', unitId: null }] };
const as = (principal: Principal): Actor => ({ principal, address: null });

// ---------------------------------------------------------------------------------------------------------------
// The conference and its texts

export const CONFERENCE_NAME = 'XIII Conference of the RCP(b) (reconstruction)';
/** The 69 gubernia-level committees and the army's organisation (PUR): every unit directly under the CC. */
export const ELECTING_LEVEL = { depth: 1 } as const;
export const DECIDING_SEATS = 128;
export const CONSULTATIVE_SEATS = 222;
/**
 * The historical method is not recorded. Deciding seats: largest remainder (Hare-Niemeyer) with at least one per
 * committee, so every gubernia has a vote. Consultative seats: D'Hondt, which favours the large organisations (as the
 * capitals' large consultative delegations did), with no minimum — a small committee may send none.
 */
export const DECIDING_RULE: SeatRule = { method: 'hare', seats: DECIDING_SEATS, min: 1 };
export const CONSULTATIVE_RULE: SeatRule = { method: 'dhondt', seats: CONSULTATIVE_SEATS };

/**
 * The vote on each resolution. The record says the opposition was crushed but the reference gives no exact count: the
 * demo has every confirmed deciding delegate but three vote for, and three against.
 */
export const VOTES_AGAINST = 3;

const SUMMARY_NOTE = {
  en: 'Reconstruction — a short summary written for the demo, not the historical text.',
  ru: 'Реконструкция — краткое изложение, составленное для демонстрации, а не исторический текст.',
};

export const RESOLUTIONS = [
  {
    questionId: 'q1',
    title: { en: 'On Party Building', ru: 'О партийном строительстве' },
    text: {
      en:
        `${SUMMARY_NOTE.en} The conference endorses the resolution of the Central Committee and the Central Control ` +
        'Commission of 5 December 1923 on party building: workers\' democracy within the party, with the unity of the ' +
        'party above all. The party is a single, self-acting body with a single will; separate factions and groupings ' +
        'are not allowed, and the ban of the 10th Congress (1921) stands.',
      ru:
        `${SUMMARY_NOTE.ru} Конференция одобряет резолюцию ЦК и ЦКК от 5 декабря 1923 года о партийном строительстве: ` +
        'рабочая демократия внутри партии при безусловном единстве партии. Партия — единое самодеятельное целое с ' +
        'единой волей; отдельные фракции и группировки недопустимы, запрет X съезда (1921) остаётся в силе.',
    },
  },
  {
    questionId: 'q2',
    title: { en: 'On the Results of the Discussion and on the Petty-Bourgeois Deviation in the Party', ru: 'Об итогах дискуссии и о мелкобуржуазном уклоне в партии' },
    text: {
      en:
        `${SUMMARY_NOTE.en} The conference sums up the discussion: the party's organisations have endorsed the line of ` +
        'the Central Committee, and the opposition\'s platform is judged a petty-bourgeois deviation from Leninism. The ' +
        'New Economic Policy has justified itself: the course set by the 12th Congress stands and is not to be revised. ' +
        'Point 7 of the 10th Congress resolution "On Party Unity" (1921) is to be published.',
      ru:
        `${SUMMARY_NOTE.ru} Конференция подводит итоги дискуссии: партийные организации одобрили линию Центрального ` +
        'Комитета, а платформа оппозиции признаётся мелкобуржуазным уклоном от ленинизма. Новая экономическая политика ' +
        'себя оправдала: курс XII съезда остаётся в силе и пересмотру не подлежит. Пункт 7 резолюции X съезда «О единстве ' +
        'партии» (1921) подлежит опубликованию.',
    },
  },
] as const;

export const DECISION_TITLE = {
  ru: 'Резолюции XIII конференции РКП(б), 16–18 января 1924 г. (реконструкция)',
  en: 'Resolutions of the XIII Conference of the RCP(b), 16–18 January 1924 (reconstruction)',
};

// ---------------------------------------------------------------------------------------------------------------
// The challenges

/** The Leningrad (Petrograd until 26 January 1924) student cell of the reference: officially 37 of ~400, ~40% on a re-vote. */
export const LENINGRAD_CELL = 'g-petrograd-r3-c1';

export interface EndingSummary {
  seats: {
    electingUnits: number;
    deciding: number;
    consultative: number;
    method: { deciding: string; consultative: string };
    largest: { name: string; deciding: number; consultative: number };
    fewestDeciding: number;
  };
  challenges: Array<{ unitId: string; version: number; reason: string; filedAt: string; decision: string; struck: number }>;
  delegates: { deciding: number; consultative: number; rejected: number };
  votes: Array<{ questionId: string; title: string; for: number; against: number; abstain: number; eligible: number; result: string }>;
  decision: { id: string; logIndex: number | null; checkpointSize: number; effectiveDate: string; noticesQueued: number };
  headline: { reported: Share[]; adjudicated: Share[] };
}

export interface EndDemoOptions {
  /** Makes a progress reporter for a named phase (the CLI's bar); silent when absent. */
  progress?: (label: string) => { update: Progress; stop: () => void };
  log?: (line: string) => void;
}

const byNumericId = (a: { id: string }, b: { id: string }): number => {
  const na = Number(a.id.replace(/\D+/g, ''));
  const nb = Number(b.id.replace(/\D+/g, ''));
  return na - nb || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
};

/**
 * Refuses, naming what it found, a database the ending cannot follow: no demo, a demo on today's clock, or one whose
 * ending was applied already (in full, or in part by a run that stopped).
 */
async function checkEndable(db: Db): Promise<void> {
  const d = await findDiscussion(db, DEMO_DISCUSSION_ID);
  if (!d) {
    throw new DomainError('conflict', `this database holds an organization but not the 1924 demo (no discussion '${DEMO_DISCUSSION_ID}'); load the ended demo into a new file: plenum demo --ended --db ./data/demo-ended.db`);
  }
  const decision = await findDecisionOfDiscussion(db, DEMO_DISCUSSION_ID);
  if (decision) {
    throw new DomainError('conflict', `the 1924 demo's ending has been applied already: its decision ${decision.id} was published on ${decision.publishedAt.slice(0, 10)}, and a decision is never re-made; load a new demo into another file to see it again`);
  }
  const traces = [
    (await findConference(db, DEMO_DISCUSSION_ID)) ? 'a conference' : null,
    (await listChallenges(db, DEMO_DISCUSSION_ID)).length > 0 ? 'challenges' : null,
    (await listAdjudications(db, DEMO_DISCUSSION_ID)).length > 0 ? "the commission's decisions" : null,
  ].filter(Boolean);
  if (traces.length > 0) {
    throw new DomainError('conflict', `the 1924 demo's ending has been applied already, in part (this database holds ${traces.join(' and ')} but no decision: an earlier run stopped part-way); recorded acts are never undone, so load the ended demo into a new file: plenum demo --ended --db ./data/demo-ended.db`);
  }
  if (d.state !== 'open' || !d.openedAt) throw new DomainError('conflict', `the demo's discussion '${DEMO_DISCUSSION_ID}' is not open`);
  if (d.openedAt > ENDING_CLOCK.loaded || d.definition.reportingClosesAt > ENDING_CLOCK.session) {
    throw new DomainError(
      'conflict',
      `this 1924 demo was loaded on today's clock (its reports accepted on ${d.openedAt.slice(0, 10)}, reporting open until ${d.definition.reportingClosesAt.slice(0, 16).replace('T', ' ')} UTC), ` +
        'but its ending is set on the 1924 calendar (challenges on 10–11 January 1924, the conference 16–18 January), which cannot follow reports accepted later. ' +
        'Load the ended demo, on the 1924 clock, into a new file: plenum demo --ended --db ./data/demo-ended.db',
    );
  }
}

/**
 * Loads the demo on the 1924 clock into an empty database and ends it; or, when the database already holds a demo on
 * the 1924 clock that has not been ended, ends that one.
 */
export async function loadEndedDemo(db: Db, opts: EndDemoOptions & { scale: number; seed?: number }): Promise<EndingSummary> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  if ((await countUnits(db)) === 0) {
    await loadDemo(db, { scale: opts.scale, now: ENDING_CLOCK.loaded, ...(opts.seed !== undefined ? { seed: opts.seed } : {}), ...(opts.progress ? { progress: opts.progress } : {}), log });
  } else {
    await checkEndable(db);
    log('this database holds the 1924 demo, not yet ended: applying the ending to it (--scale does not apply)');
  }
  return endDemo(db, opts);
}

/** Plays the ending on a loaded demo (on the 1924 clock, not ended yet). */
export async function endDemo(db: Db, opts: EndDemoOptions = {}): Promise<EndingSummary> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const step = (label: string) => log(`ending: ${label}`);
  await checkEndable(db);
  const id = DEMO_DISCUSSION_ID;
  const d = (await findDiscussion(db, id))!;
  const questionIds = d.definition.questions.map((q) => q.id);
  const units = await listFrozenUnits(db, id);
  const unitById = new Map(units.map((u) => [u.unitId, u]));

  // 1. The conference is defined and its seats apportioned on the frozen roll, before the gubernia conferences elect.
  step(`the conference: ${DECIDING_SEATS} deciding seats (Hare, min 1) and ${CONSULTATIVE_SEATS} consultative (D'Hondt) over the committees under the CC`);
  await defineConference(db, CONSOLE_ACTOR, id, { name: CONFERENCE_NAME, electingLevel: ELECTING_LEVEL, basis: 'roll', deciding: DECIDING_RULE, consultative: CONSULTATIVE_RULE }, ENDING_CLOCK.apportioned);
  const table = await apportionConference(db, CONSOLE_ACTOR, id, null, ENDING_CLOCK.apportioned);

  // 2. Challenges and the commission's decisions.
  step('challenges (10–11 January) and the Central Control Commission\'s decisions (14–15 January)');
  const challenges: EndingSummary['challenges'] = [];

  // 2a. Leningrad: the cell's first vote (37 for the opposition) was protested as rushed; the students' re-vote (two
  // fifths for the opposition) came in as a correction. The majority's monitor contests the re-vote; the commission
  // upholds it: same cell, two counts, and the record says which one stands and why.
  const versions = await listReportVersions(db, id, LENINGRAD_CELL, questionIds);
  const first = versions[0];
  const len = versions.find((v) => v.isCurrent);
  if (!first || !len || first === len) throw new DomainError('conflict', `the demo's Leningrad student cell '${LENINGRAD_CELL}' should have sent a first count and a re-vote; it has ${versions.length} report version(s)`);
  const count = (r: StoredReport) => `${r.votes.q1?.positions.opp ?? 0} of ${r.present} present for the opposition`;
  const lenChallenge = await fileChallenge(db, as(DEMO_MONITOR_CC), id, LENINGRAD_CELL, {
    version: len.version,
    reason: 'procedure',
    text:
      `Reconstruction: the cell's first vote (version ${first.version}, ${first.meetingDate}: ${count(first)}) was taken at a meeting called by the bureau. ` +
      `The re-vote (version ${len.version}, ${len.meetingDate}: ${count(len)}) was called by the students themselves after protests that the first vote ` +
      "had been rushed, without the district committee's leave. The first count should stand.",
  }, ENDING_CLOCK.challengeLeningrad);
  const lenDecision = await decideChallenge(db, as(DEMO_COMMISSION), id, lenChallenge.id, {
    decision: 'uphold',
    criterion: 'a re-vote called by the general meeting of a cell, on due notice, replaces its earlier vote',
    reason:
      'Reconstruction: the general meeting of the cell called the re-vote, on due notice, after protests that the first vote had been rushed; ' +
      'a cell\'s general meeting may do so. The re-vote stands as reported; the first count stays in the record as the version it corrected.',
  }, ENDING_CLOCK.decideLeningrad);
  challenges.push({ unitId: LENINGRAD_CELL, version: len.version, reason: lenChallenge.reason, filedAt: lenChallenge.filedAt, decision: lenDecision.decision, struck: 0 });

  // 2b. Moscow: the opposition's monitor says members of the district committee's apparatus, on another cell's roll,
  // voted at a workers' cell's meeting; the commission strikes their attendance and votes.
  const target = await pickStruckCell(db, units, questionIds);
  const voters = target.struck;
  const parentId = unitById.get(target.unitId)?.parentId;
  const committee = (parentId && unitById.get(parentId)?.name) || 'district committee';
  const mosChallenge = await fileChallenge(db, as(DEMO_MONITOR_OPPOSITION), id, target.unitId, {
    version: target.version,
    reason: 'roll',
    text:
      `Reconstruction: ${voters} ${voters === 1 ? 'member' : 'members'} of the apparatus of the ${committee}, registered in another cell, attended this cell's ` +
      'meeting and voted for the Central Committee\'s resolution.',
  }, ENDING_CLOCK.challengeMoscow);
  const struckVotes: Record<string, { positions: Record<string, number>; abstain: number }> = {};
  for (const qid of Object.keys(target.votes)) struckVotes[qid] = { positions: { cc: voters }, abstain: 0 };
  const mosDecision = await decideChallenge(db, as(DEMO_COMMISSION), id, mosChallenge.id, {
    decision: 'strike-votes',
    criterion: 'attendance and votes of people not on the cell\'s frozen roll',
    reason:
      `Reconstruction: the attendance list shows ${voters} people registered in another cell among those present, all voting for the Central Committee's ` +
      'resolution; their attendance and votes are struck. The rest of the report stands.',
    struck: { present: voters, votes: struckVotes },
  }, ENDING_CLOCK.decideMoscow);
  challenges.push({ unitId: target.unitId, version: target.version, reason: mosChallenge.reason, filedAt: mosChallenge.filedAt, decision: mosDecision.decision, struck: voters });

  // 3. Delegates, elected at the gubernia conferences (10–14 January), recorded by the office on the 15th.
  const statuses = new Map((await listStatuses(db)).map((s) => [s.status, s.votes]));
  const seats = table.units.map((u) => ({ unitId: u.unitId, name: u.name, deciding: u.deciding.seats, consultative: u.consultative?.seats ?? 0 }));
  const totalMandates = seats.reduce((n, s) => n + s.deciding + s.consultative, 0);
  type Pending = { id: string; unitId: string; vote: 'deciding' | 'consultative' };
  const recorded: Pending[] = [];
  const spare = new Map<string, string>(); // one more member per unit: a replacement, if a mandate is rejected
  const electedOn = new Map<string, string>();
  // The mandate the credentials commission will reject: a consultative one issued by a gubkom's bureau — Irkutsk's,
  // where the city districts went over to the opposition, when it has a consultative seat; else the first unit's.
  const rejectUnit = (seats.find((s) => s.unitId === 'g-irkutsk' && s.consultative > 0) ?? seats.find((s) => s.consultative > 0))?.unitId;
  let rejectedOne: Pending | undefined;
  const bar = opts.progress?.('ending: delegates');
  try {
    for (const [i, s] of seats.entries()) {
      const members = (await listMembersInSubtree(db, s.unitId)).sort(byNumericId);
      const voting = members.filter((m) => statuses.get(m.status));
      const deciding = voting.slice(0, s.deciding);
      const taken = new Set(deciding.map((m) => m.id));
      const rest = members.filter((m) => !taken.has(m.id));
      const consultative = rest.slice(0, s.consultative);
      if (deciding.length < s.deciding || consultative.length < s.consultative) {
        throw new DomainError('conflict', `unit '${s.unitId}' has ${s.deciding} deciding and ${s.consultative} consultative seats but only ${voting.length} voting members and ${members.length} in all`);
      }
      if (rest[s.consultative]) spare.set(s.unitId, rest[s.consultative]!.id);
      const electedAt = GUBERNIA_CONFERENCE_DAYS[i % GUBERNIA_CONFERENCE_DAYS.length]!;
      electedOn.set(s.unitId, electedAt);
      const electedMeeting = `${conferenceOf(unitById.get(s.unitId)!)} (reconstruction)`;
      for (const [vote, list] of [['deciding', deciding], ['consultative', consultative]] as const) {
        for (const m of list) {
          const byBureau = vote === 'consultative' && s.unitId === rejectUnit && !rejectedOne;
          const meeting = byBureau ? `${unitById.get(s.unitId)!.name}, bureau (reconstruction)` : electedMeeting;
          const r = await recordDelegate(db, CONSOLE_ACTOR, id, { unitId: s.unitId, memberId: m.id, vote, electedAt, electedMeeting: meeting }, ENDING_CLOCK.delegatesRecorded);
          recorded.push({ id: r.id, unitId: s.unitId, vote });
          if (byBureau) rejectedOne = recorded.at(-1);
          bar?.update(recorded.length, totalMandates);
        }
      }
    }
  } finally {
    bar?.stop();
  }

  // 4. Credentials: every mandate confirmed but the consultative one a gubkom's bureau issued in place of the delegate
  // the gubernia conference elected; that delegate is recorded and confirmed instead.
  const creds = opts.progress?.('ending: credentials');
  let decided = 0;
  try {
    for (const r of recorded) {
      if (r === rejectedOne) {
        await decideDelegate(db, as(DEMO_CREDENTIALS), id, r.id, 'reject',
          'Reconstruction: the mandate was issued by the gubernia committee\'s bureau, not by the gubernia party conference, which had elected another delegate.', ENDING_CLOCK.credentials);
      } else {
        await decideDelegate(db, as(DEMO_CREDENTIALS), id, r.id, 'confirm', null, ENDING_CLOCK.credentials);
      }
      creds?.update(++decided, recorded.length);
    }
  } finally {
    creds?.stop();
  }
  if (rejectedOne) {
    const memberId = spare.get(rejectedOne.unitId);
    if (memberId) {
      const unit = unitById.get(rejectedOne.unitId)!;
      const r = await recordDelegate(db, CONSOLE_ACTOR, id, {
        unitId: rejectedOne.unitId, memberId, vote: 'consultative', electedAt: electedOn.get(rejectedOne.unitId)!, electedMeeting: `${conferenceOf(unit)} (reconstruction; the delegate it elected, in place of the rejected mandate)`,
      }, ENDING_CLOCK.replacement);
      await decideDelegate(db, as(DEMO_CREDENTIALS), id, r.id, 'confirm', 'Reconstruction: elected by the gubernia party conference.', ENDING_CLOCK.replacement);
    }
  }

  // 5. The session: the two resolutions, voted by count.
  step('the session (16–18 January): two resolutions, voted by count');
  await changeConferenceState(db, CONSOLE_ACTOR, id, 'in-session', ENDING_CLOCK.session);
  const votes: EndingSummary['votes'] = [];
  const adopted: Array<{ questionId: string; motionId: string; text: { ru: string; en: string } }> = [];
  for (const res of RESOLUTIONS) {
    const motion = await proposeMotion(db, CONSOLE_ACTOR, id, {
      kind: 'resolution', questionId: res.questionId, title: `${res.title.en} (reconstruction)`, text: `${res.text.en}\n\n${res.title.ru}. ${res.text.ru}`,
    }, ENDING_CLOCK.motions);
    const n = await countConfirmedDeciding(db, id);
    const v = await recordVote(db, CONSOLE_ACTOR, id, motion.id, { method: 'count', for: n - VOTES_AGAINST, against: VOTES_AGAINST, abstain: 0 }, ENDING_CLOCK.votes);
    votes.push({ questionId: res.questionId, title: res.title.en, for: v.for!, against: v.against!, abstain: v.abstain!, eligible: v.eligible!, result: v.result! });
    adopted.push({ questionId: res.questionId, motionId: motion.id, text: { ru: res.text.ru, en: res.text.en } });
  }
  await changeConferenceState(db, CONSOLE_ACTOR, id, 'closed', ENDING_CLOCK.closed);

  // 6. The binding decision, resting on the public log as it stands.
  step('the decision (18 January 1924), resting on the public log');
  const publisher = new LogPublisher(db, () => ENDING_CLOCK.published);
  const decision: DecisionRecord = await publishDecision(db, publisher, CONSOLE_ACTOR, id, {
    languages: ['ru', 'en'],
    title: DECISION_TITLE,
    resolutions: adopted,
    effectiveDate: EFFECTIVE_DATE,
    reconstruction: true,
  }, ENDING_CLOCK.published);
  const notices = await noticeCounts(db, decision.id);

  const provenance = decision.provenance as Provenance;
  const mandates = await countDelegates(db, id);
  const shares = (t: TallyCounts) => {
    const { overall, questions } = describeTally(t, d.definition);
    const q1 = questions[0]!.shares;
    const pick = (key: string) => q1.find((s) => s.key === key) ?? overall.find((s) => s.key === key)!;
    return [pick('q1.cc.members'), pick('q1.cc.votes'), pick('coverage.units'), pick('turnout')];
  };
  const largest = [...seats].sort((a, b) => b.deciding - a.deciding || b.consultative - a.consultative)[0]!;
  return {
    seats: {
      electingUnits: seats.length,
      deciding: seats.reduce((n, s) => n + s.deciding, 0),
      consultative: seats.reduce((n, s) => n + s.consultative, 0),
      method: { deciding: 'largest remainder (Hare-Niemeyer), at least 1 per committee', consultative: "D'Hondt, no minimum" },
      largest: { name: largest.name, deciding: largest.deciding, consultative: largest.consultative },
      fewestDeciding: Math.min(...seats.map((s) => s.deciding)),
    },
    challenges,
    delegates: {
      deciding: mandates.filter((k) => k.vote === 'deciding' && k.state === 'confirmed').reduce((a, k) => a + k.n, 0),
      consultative: mandates.filter((k) => k.vote === 'consultative' && k.state === 'confirmed').reduce((a, k) => a + k.n, 0),
      rejected: mandates.filter((k) => k.state === 'rejected').reduce((a, k) => a + k.n, 0),
    },
    votes,
    decision: { id: decision.id, logIndex: decision.logIndex, checkpointSize: provenance.checkpoint.size, effectiveDate: decision.effectiveDate, noticesQueued: notices.total },
    headline: { reported: shares(provenance.tally.reported), adjudicated: shares(provenance.tally.adjudicated) },
  };
}

/** "Moscow gubernia party conference", "Tatar Republic (Kazan) regional party conference", the army's own. */
function conferenceOf(unit: FrozenUnit): string {
  if (unit.kind === 'army') return 'Conference of the party organisations of the Red Army and Fleet';
  return `${unit.name.replace(/ committee$/, '')} party conference`;
}

/**
 * The cell whose votes are struck: the Moscow workers' cell with the largest quorate meeting for the CC (else any
 * quorate cell), and how many votes: a tenth of its CC votes on q1, at least one.
 */
async function pickStruckCell(db: Db, units: readonly FrozenUnit[], questionIds: string[]) {
  const reports = await listCurrentReports(db, DEMO_DISCUSSION_ID, questionIds);
  const candidates = units
    .filter((u) => u.kind === 'cell' && u.unitId !== LENINGRAD_CELL)
    .map((u) => ({ u, r: reports.get(u.unitId) }))
    .filter((x): x is { u: FrozenUnit; r: StoredReport } =>
      !!x.r && x.r.outcome.quorate && x.r.outcome.adopted.q1 === 'cc' && Object.values(x.r.votes).every((v) => (v.positions.cc ?? 0) >= 2));
  const rank = (x: { u: FrozenUnit; r: StoredReport }) => (x.u.ancestors.includes('g-moskva') ? 2 : 0) + (x.u.name.startsWith("Workers' cell") ? 1 : 0);
  candidates.sort((a, b) => rank(b) - rank(a) || b.r.present - a.r.present || (a.u.unitId < b.u.unitId ? -1 : 1));
  const best = candidates[0];
  if (!best) throw new DomainError('conflict', 'the demo has no quorate cell that adopted the CC position to strike votes from');
  // A tenth of its smallest CC vote on any question, so every question's CC votes lose the same people.
  const cc = Math.min(...Object.values(best.r.votes).map((v) => v.positions.cc ?? 0));
  return { unitId: best.u.unitId, version: best.r.version, votes: best.r.votes, struck: Math.max(1, Math.min(12, Math.floor(cc / 10))) };
}

/** The summary the CLI prints. */
export function describeEnding(s: EndingSummary): string[] {
  const n = (x: number) => x.toLocaleString('en');
  const lines = [
    'The 1924 demo, ended — a RECONSTRUCTION. Historical: the conference (16–18 January 1924), its 128 deciding and 222 consultative seats, the titles of its two ' +
      "resolutions. Synthetic: the seat method, the challenges and the commission's decisions, the delegates, the vote counts, the resolutions' texts (summaries).",
    `  seats: ${n(s.seats.deciding)} deciding (${s.seats.method.deciding}) and ${n(s.seats.consultative)} consultative (${s.seats.method.consultative}) over ${s.seats.electingUnits} committees; ` +
      `the largest, ${s.seats.largest.name}: ${s.seats.largest.deciding} + ${s.seats.largest.consultative}; the smallest: ${s.seats.fewestDeciding} deciding`,
    `  delegates confirmed: ${n(s.delegates.deciding)} deciding, ${n(s.delegates.consultative)} consultative (${s.delegates.rejected} mandate rejected and replaced)`,
    ...s.challenges.map((c) => `  challenge of ${c.unitId} version ${c.version} (${c.reason}, ${c.filedAt.slice(0, 10)}): ${c.decision}${c.struck ? ` — ${c.struck} of those present, and their votes, struck` : ''}`),
    ...s.votes.map((v) => `  "${v.title}": ${v.for} for, ${v.against} against, ${v.abstain} abstaining, of ${v.eligible} deciding delegates — ${v.result}`),
    `  decision ${s.decision.id}, effective ${s.decision.effectiveDate}, log entry ${s.decision.logIndex ?? '-'}, resting on the log's first ${n(s.decision.checkpointSize)} entries`,
    `  notices: ${n(s.decision.noticesQueued)} queued for the members, not mailed (the demo has no SMTP; plenum notify ${DEMO_DISCUSSION_ID} sends them once SMTP_URL is set)`,
    '  question 1, the CC position           as reported                      as adjudicated',
  ];
  const labels = ['members in adopting units', 'votes cast for it', 'units reported', 'turnout'];
  s.headline.reported.forEach((r, i) => {
    lines.push(`    ${labels[i]!.padEnd(34)} ${formatShare(r).padEnd(32)} ${formatShare(s.headline.adjudicated[i]!)}`);
  });
  return lines;
}
