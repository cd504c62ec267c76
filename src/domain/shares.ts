/**
 * Every share Plenum shows, derived from a tally and named by its numerator and denominator — never a bare percentage.
 * The founding case's lesson: "units representing 90% of members adopted" and "90% of votes were cast for" are
 * different figures, and both are shown side by side.
 */
import type { DiscussionDefinition } from './discussion.ts';
import type { TallyCounts } from './tally.ts';

export interface Share {
  key: string;
  label: string;
  numerator: number;
  denominator: number;
}

export function percent(n: number, d: number): string {
  if (d === 0) return '—';
  return `${((100 * n) / d).toFixed(1)}%`;
}

export function formatShare(s: Pick<Share, 'numerator' | 'denominator'>, locale = 'en'): string {
  const f = new Intl.NumberFormat(locale);
  return `${percent(s.numerator, s.denominator)} (${f.format(s.numerator)} of ${f.format(s.denominator)})`;
}

export interface QuestionShares {
  questionId: string;
  text: string;
  shares: Share[];
}

export function describeTally(t: TallyCounts, d: Pick<DiscussionDefinition, 'questions'>): { overall: Share[]; questions: QuestionShares[] } {
  const overall: Share[] = [
    { key: 'coverage.units', label: 'units reported, of units with voting members', numerator: t.unitsReported, denominator: t.unitsTotal },
    { key: 'coverage.members', label: 'members in reporting units, of all voting members', numerator: t.membersReported, denominator: t.membersTotal },
    { key: 'turnout', label: 'turnout: present at meetings, of members in reporting units', numerator: t.present, denominator: t.membersReported },
    { key: 'quorate', label: 'quorate meetings, of reports', numerator: t.unitsQuorate, denominator: t.unitsReported },
    {
      key: 'officeSigned',
      label: "reports resting on the office's signature (paper minutes, or sent without the unit's own key), of reports",
      numerator: t.unitsOfficeSigned ?? 0,
      denominator: t.unitsReported,
    },
  ];
  const questions = d.questions.map((q) => {
    const qt = t.questions[q.id];
    const cast = qt ? Object.values(qt.votes).reduce((a, b) => a + b, 0) : 0;
    const shares: Share[] = [];
    for (const p of q.positions) {
      const adopted = qt?.adopted[p.id] ?? { units: 0, members: 0 };
      shares.push(
        { key: `${q.id}.${p.id}.members`, label: `members in units adopting "${p.title}", of all voting members`, numerator: adopted.members, denominator: t.membersTotal },
        { key: `${q.id}.${p.id}.membersReported`, label: `members in units adopting "${p.title}", of members in reporting units`, numerator: adopted.members, denominator: t.membersReported },
        { key: `${q.id}.${p.id}.units`, label: `units adopting "${p.title}", of reporting units`, numerator: adopted.units, denominator: t.unitsReported },
        { key: `${q.id}.${p.id}.votes`, label: `votes cast for "${p.title}", of votes cast for positions`, numerator: qt?.votes[p.id] ?? 0, denominator: cast },
      );
    }
    const none = qt?.adopted.none ?? { units: 0, members: 0 };
    shares.push(
      { key: `${q.id}.none.units`, label: 'reporting units that adopted no position (not quorate, no majority, or not voted)', numerator: none.units, denominator: t.unitsReported },
      { key: `${q.id}.cast`, label: 'votes cast for a position, of members present', numerator: cast, denominator: t.present },
      { key: `${q.id}.abstain`, label: 'abstentions, of members present', numerator: qt?.abstain ?? 0, denominator: t.present },
    );
    return { questionId: q.id, text: q.text, shares };
  });
  return { overall, questions };
}
