/**
 * The headline figures of a tally, per question and position, each with its numerator and denominator
 * (src/domain/shares.ts). The founding case's contrast is laid side by side for every position: the share of members
 * in units that adopted it next to the share of votes actually cast for it.
 */
import { useTranslation } from 'react-i18next';
import { describeTally, type Share } from '../../../../src/domain/shares.ts';
import type { TallyCounts } from '../../../../src/domain/tally.ts';
import { ShareFigure } from '../Share.tsx';
import type { Discussion, Tally } from './types.ts';

/** A withheld tally carries only coverage; the rest reads as zero for describeTally but is never shown. */
function counts(t: Tally): TallyCounts {
  return { ...t, present: t.present ?? 0, unitsQuorate: t.unitsQuorate ?? 0, unitsOfficeSigned: t.unitsOfficeSigned ?? 0, questions: t.questions ?? {} };
}

function byKey(shares: Share[]): Map<string, Share> {
  return new Map(shares.map((s) => [s.key, s]));
}

export function CoverageFigures({ tally, withheld }: { tally: Tally; withheld: boolean }) {
  const { t } = useTranslation('public');
  const overall = byKey(describeTally(counts(tally), { questions: [] }).overall);
  const show = withheld ? ['coverage.units', 'coverage.members', 'officeSigned'] : ['coverage.units', 'coverage.members', 'turnout', 'quorate', 'officeSigned'];
  return (
    <div className="grid pub-figures">
      {show.map((k) => {
        const s = overall.get(k)!;
        return <ShareFigure key={k} numerator={s.numerator} denominator={s.denominator} label={t(`share.${k}`)} />;
      })}
    </div>
  );
}

export function QuestionFigures({ tally, discussion }: { tally: Tally; discussion: Discussion }) {
  const { t } = useTranslation('public');
  const described = describeTally(counts(tally), discussion);
  return (
    <>
      {discussion.questions.map((q, qi) => {
        const shares = byKey(described.questions[qi]!.shares);
        const fig = (key: string, labelKey: string, position?: string) => {
          const s = shares.get(key)!;
          return <ShareFigure numerator={s.numerator} denominator={s.denominator} label={t(labelKey, { position })} />;
        };
        const headingId = `q-${qi}-h`;
        return (
          <section key={q.id} aria-labelledby={headingId} className="pub-question">
            <h2 id={headingId}>
              <span className="pub-qnum">{t('dashboard.questionN', { n: qi + 1 })}</span> {q.text}
            </h2>
            {q.positions.map((p) => (
              <div key={p.id} className="panel pub-position">
                <h3>{p.title}</h3>
                <div className="pub-contrast">
                  {fig(`${q.id}.${p.id}.members`, 'share.members', p.title)}
                  {fig(`${q.id}.${p.id}.votes`, 'share.votes', p.title)}
                </div>
                <div className="pub-contrast pub-secondary">
                  {fig(`${q.id}.${p.id}.membersReported`, 'share.membersReported', p.title)}
                  {fig(`${q.id}.${p.id}.units`, 'share.units', p.title)}
                </div>
              </div>
            ))}
            <div className="grid pub-figures pub-secondary">
              {fig(`${q.id}.none.units`, 'share.none')}
              {fig(`${q.id}.cast`, 'share.cast')}
              {fig(`${q.id}.abstain`, 'share.abstain')}
            </div>
          </section>
        );
      })}
    </>
  );
}
