/**
 * What a report means, in words with its numbers: the quorum ("Quorate: 23 of 40 voting members present (needed:
 * 20).") and, per question, the adopted position with the votes that carried it, or why nothing was adopted.
 * Used by the live preview of the form and by the receipt. The figures come from the shared rules (never re-derived
 * differently here): `needed` is the smallest attendance the exact quorum fraction accepts.
 */
import { useTranslation } from 'react-i18next';
import type { Discussion } from '../../../../src/schemas/discussion.ts';
import { ceilFractionOf, fractionFromDecimal } from '../../../../src/domain/fraction.ts';
import { fmt } from '../../i18n.ts';

export const neededForQuorum = (quorum: number, roll: number) => ceilFractionOf(fractionFromDecimal(quorum), roll);

export function QuorumSentence({ present, roll, quorate, quorum }: { present: number; roll: number; quorate: boolean; quorum: number }) {
  const { t } = useTranslation('report');
  const values = { count: roll, present: fmt.number(present), roll: fmt.number(roll), needed: fmt.number(neededForQuorum(quorum, roll)) };
  return (
    <>
      <strong>{quorate ? t('outcome.quorateLabel') : t('outcome.notQuorateLabel')}</strong> {quorate ? t('outcome.quorate', values) : t('outcome.notQuorate', values)}
    </>
  );
}

/** One question's result: what was adopted and by how many, or why nothing was. */
export function AdoptedSentence({
  discussion,
  questionId,
  adopted,
  votes,
  present,
  quorate,
}: {
  discussion: Pick<Discussion, 'questions' | 'rules'>;
  questionId: string;
  adopted: string | null;
  votes: { positions: Record<string, number>; abstain: number } | undefined;
  present: number;
  quorate: boolean;
}) {
  const { t } = useTranslation('report');
  const q = discussion.questions.find((x) => x.id === questionId);
  const cast = votes ? Object.values(votes.positions).reduce((a, b) => a + b, 0) : 0;
  const byPresent = discussion.rules.majority === 'present';
  const base = byPresent ? present : cast;
  if (!quorate) {
    return (
      <>
        <strong>{t('outcome.nothingLabel')}</strong> {t('outcome.noQuorum')}
      </>
    );
  }
  if (adopted === null || !votes) {
    return (
      <>
        <strong>{t('outcome.nothingLabel')}</strong> {t(byPresent ? 'outcome.nothingPresent' : 'outcome.nothingCast', { base: fmt.number(base) })}
      </>
    );
  }
  const title = q?.positions.find((p) => p.id === adopted)?.title ?? adopted;
  const values = { count: base, title, votes: fmt.number(votes.positions[adopted] ?? 0), base: fmt.number(base) };
  return (
    <>
      <strong>{t('outcome.adoptedLabel')}</strong> {t(byPresent ? 'outcome.adoptedPresent' : 'outcome.adoptedCast', values)}
    </>
  );
}

/** "Question 1" — questions are numbered as the discussion lists them. */
export function questionNumber(discussion: Pick<Discussion, 'questions'>, questionId: string): number {
  return discussion.questions.findIndex((q) => q.id === questionId) + 1;
}

/** A meeting date (YYYY-MM-DD, a calendar day with no time zone) in the reader's language. */
export function formatDay(day: string, language: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(d);
}
