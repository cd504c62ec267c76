/**
 * The tally as reported beside the tally the commission's decisions leave (GET …/adjudicated-tally), shown on a
 * dashboard only when some decision changed it: the key figures, each share with its numerator and denominator
 * (src/domain/shares.ts), and the decisions, each linked to its unit's page. Loaded with the `challenges` catalog.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { describeTally, type Share } from '../../../src/domain/shares.ts';
import type { TallyCounts } from '../../../src/domain/tally.ts';
import { fmt } from '../i18n.ts';
import { useUnitNames } from '../components/public/unitNames.ts';
import { dashboardHref, type Discussion, type Tally } from '../components/public/types.ts';
import type { AdjudicatedTally } from './model.ts';
import './challenges.css';

function counts(t: Tally): TallyCounts {
  return { ...t, present: t.present ?? 0, unitsQuorate: t.unitsQuorate ?? 0, unitsOfficeSigned: t.unitsOfficeSigned ?? 0, questions: t.questions ?? {} };
}

function Cell({ share }: { share: Share | undefined }) {
  const { t } = useTranslation();
  if (!share) return <td />;
  return (
    <td className="ch-cell">
      <strong>{fmt.percent(share.numerator, share.denominator)}</strong> <span className="share-of">{t('share.of', { n: fmt.number(share.numerator), d: fmt.number(share.denominator) })}</span>
    </td>
  );
}

interface Row {
  key: string;
  label: string;
}

export function AdjudicatedFigures({ data, discussion }: { data: AdjudicatedTally; discussion: Discussion }) {
  const { t } = useTranslation('challenges');
  const nameOf = useUnitNames(discussion.id, [...new Set(data.applied.map((a) => a.unitId))]);
  const before = describeTally(counts(data.reported), discussion);
  const after = describeTally(counts(data.adjudicated), discussion);
  const withheld = data.reported.withheld || data.adjudicated.withheld;
  const map = (shares: Share[]) => new Map(shares.map((s) => [s.key, s]));
  const overall = [map(before.overall), map(after.overall)] as const;
  const overallRows: Row[] = [
    { key: 'coverage.units', label: t('adjudicated.row.units') },
    { key: 'coverage.members', label: t('adjudicated.row.members') },
    ...(withheld
      ? []
      : [
          { key: 'quorate', label: t('adjudicated.row.quorate') },
          { key: 'turnout', label: t('adjudicated.row.present') },
        ]),
  ];
  const row = (r: Row, [a, b]: readonly [Map<string, Share>, Map<string, Share>]) => {
    const x = a.get(r.key);
    const y = b.get(r.key);
    const changed = x && y && (x.numerator !== y.numerator || x.denominator !== y.denominator);
    return (
      <tr key={r.key} className={changed ? 'ch-row-changed' : undefined}>
        <th scope="row">
          {r.label}
          {changed ? (
            <>
              {' '}
              <span className="ch-changed">{t('adjudicated.changed')}</span>
            </>
          ) : null}
        </th>
        <Cell share={x} />
        <Cell share={y} />
      </tr>
    );
  };
  return (
    <section aria-labelledby="adjudicated-h" className="panel ch-adjudicated">
      <h2 id="adjudicated-h">{t('adjudicated.title')}</h2>
      <p>{t('adjudicated.intro', { count: data.applied.length, n: fmt.number(data.applied.length) })}</p>
      <div className="table-scroll">
        <table className="ch-compare">
          <caption>{t('adjudicated.caption', { time: fmt.dateTime(data.adjudicated.asOf) })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('adjudicated.figure')}</th>
              <th scope="col">{t('adjudicated.reported')}</th>
              <th scope="col">{t('adjudicated.adjudicated')}</th>
            </tr>
          </thead>
          <tbody>{overallRows.map((r) => row(r, overall))}</tbody>
          {withheld
            ? null
            : discussion.questions.map((q, qi) => {
                const pair = [map(before.questions[qi]!.shares), map(after.questions[qi]!.shares)] as const;
                const rows: Row[] = [
                  ...q.positions.map((p) => ({ key: `${q.id}.${p.id}.votes`, label: t('adjudicated.row.votes', { position: p.title }) })),
                  { key: `${q.id}.abstain`, label: t('adjudicated.row.abstain') },
                  ...q.positions.map((p) => ({ key: `${q.id}.${p.id}.members`, label: t('adjudicated.row.adopting', { position: p.title }) })),
                  { key: `${q.id}.none.units`, label: t('adjudicated.row.none') },
                ];
                // A question on which no count moved takes one line (its shares of those present follow attendance above).
                const moved = rows.some((r) => pair[0].get(r.key)?.numerator !== pair[1].get(r.key)?.numerator);
                return (
                  <tbody key={q.id}>
                    <tr>
                      <th scope="rowgroup" colSpan={3} className="ch-question">
                        {t('questionN', { n: qi + 1 })} <span className="ch-question-text">{q.text}</span>
                      </th>
                    </tr>
                    {moved ? (
                      rows.map((r) => row(r, pair))
                    ) : (
                      <tr>
                        <td colSpan={3} className="muted">
                          {t('adjudicated.unchanged')}
                        </td>
                      </tr>
                    )}
                  </tbody>
                );
              })}
        </table>
      </div>
      <h3>{t('adjudicated.decisions')}</h3>
      <ul className="ch-applied">
        {data.applied.map((a) => (
          <li key={a.id}>
            <Link href={`${dashboardHref(discussion.id, a.unitId, discussion.rootUnitId)}#challenges`}>{t('adjudicated.unitVersion', { unit: nameOf(a.unitId) ?? a.unitId, version: a.reportVersion })}</Link>
            {': '}
            <strong>{t(`decision.${a.decision}`)}</strong> — {a.criterion}
          </li>
        ))}
      </ul>
    </section>
  );
}
