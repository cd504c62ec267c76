/** A conference vote in words and figures (the decision page and the conference page): each count of the eligible, the result, the rule. */
import { useTranslation } from 'react-i18next';
import { fmt } from '../i18n.ts';
import { isSimpleMajority, type Provenance } from './model.ts';
import { ShareCell } from './parts.tsx';

type VoteFigures = Pick<Provenance['votes'][number], 'method' | 'for' | 'against' | 'abstain' | 'eligible' | 'result' | 'rule'>;

/** A conference vote: for, against, abstaining and not voting, each of the eligible deciding delegates; the result; the rule. */
export function VoteView({ vote: v, id, showRule = true }: { vote: VoteFigures; id: string; showRule?: boolean }) {
  const { t } = useTranslation('decisions');
  const notVoting = Math.max(0, v.eligible - v.for - v.against - v.abstain);
  return (
    <>
      <table className="dec-vote" id={id}>
        <caption>{t('vote.caption', { method: t(`vote.method.${v.method}`) })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('vote.choice')}</th>
            <th scope="col">{t('vote.share')}</th>
          </tr>
        </thead>
        <tbody>
          {(
            [
              ['for', v.for],
              ['against', v.against],
              ['abstain', v.abstain],
              ['notVoting', notVoting],
            ] as const
          ).map(([key, n]) => (
            <tr key={key}>
              <th scope="row">{t(`vote.${key}`)}</th>
              <ShareCell numerator={n} denominator={v.eligible} />
            </tr>
          ))}
        </tbody>
      </table>
      <p className="dec-result">
        <strong className={`dec-badge dec-result-${v.result}`}>{t(`vote.result.${v.result}`)}</strong>
        <span>{t('vote.eligible', { count: v.eligible, n: fmt.number(v.eligible) })}</span>
      </p>
      {showRule ? <RuleLine rule={v.rule} /> : null}
    </>
  );
}

/** The vote rule in the reader's language when it is the conference's rule; else the server's words, marked English. */
export function RuleLine({ rule }: { rule: string | null }) {
  const { t } = useTranslation('decisions');
  if (!rule) return null;
  return (
    <p className="dec-rule">
      {t('vote.rule')}{' '}
      {isSimpleMajority(rule) ? (
        t('vote.simpleMajority')
      ) : (
        <span lang="en">{rule}</span>
      )}
    </p>
  );
}
