/**
 * A seat table as the office reads it: each electing unit's population, each kind's exact Hare quota (as a decimal, the
 * exact fraction beside it), the share when a minimum or maximum bound it, the seats; the totals; the rule and the
 * ties broken, in words.
 */
import { useTranslation } from 'react-i18next';
import i18n, { fmt } from '../../i18n.ts';
import type { SeatRuleOut, SeatTable } from './model.ts';

type Kind = 'deciding' | 'consultative';

/** A quota's decimal (four places, rounded half up by the server) in the reader's language. */
export const decimal4 = (s: string) => new Intl.NumberFormat(i18n.language, { minimumFractionDigits: 4, maximumFractionDigits: 4 }).format(Number(s));
/** An exact fraction ('12700/173') with its parts grouped as numbers are in the reader's language. */
export const fraction = (s: string) => {
  const nf = new Intl.NumberFormat(i18n.language);
  return s
    .split('/')
    .map((p) => (/^-?\d+$/.test(p) ? nf.format(BigInt(p)) : p))
    .join('/');
};

/** The tie-break rule in words. */
export function useTieBreakText() {
  const { t } = useTranslation('conference-office');
  return (tb: SeatRuleOut['tieBreak']) => (tb?.rule === 'lot' ? t('rule.lot', { seed: String(tb.seed ?? 0) }) : t('rule.larger'));
}

/** A seat rule in words: "Hare–Niemeyer (largest remainder); 6 seats; at least 2 per unit with members". */
export function useRuleText() {
  const { t } = useTranslation('conference-office');
  const tie = useTieBreakText();
  return (r: SeatRuleOut) => {
    // The fixed-ratio rules say themselves with their numbers; the others are named, then their total.
    const parts =
      r.method === 'per' && r.per !== undefined
        ? [t('rule.per', { n: fmt.number(r.per) })]
        : r.method === 'stepped' && r.first !== undefined && r.step !== undefined
          ? [t('rule.stepped', { first: fmt.number(r.first), step: fmt.number(r.step) })]
          : [t(`method.${r.method}`, { defaultValue: r.method })];
    if (r.seats !== undefined) parts.push(t('rule.seats', { count: r.seats, n: fmt.number(r.seats) }));
    if (r.min !== undefined && r.min > 0) parts.push(t('rule.min', { n: fmt.number(r.min) }));
    if (r.max !== undefined) parts.push(t('rule.max', { n: fmt.number(r.max) }));
    if (['hare', 'dhondt', 'sainte-lague', 'huntington-hill', 'adams'].includes(r.method)) parts.push(t('rule.tieBreak', { rule: tie(r.tieBreak) }));
    return parts.join('; ');
  };
}

export function SeatTableView({ table, captionId }: { table: SeatTable; captionId: string }) {
  const { t } = useTranslation('conference-office');
  const ruleText = useRuleText();
  const tieText = useTieBreakText();
  const kinds: Kind[] = table.consultative ? ['deciding', 'consultative'] : ['deciding'];
  const nameOf = (id: string) => table.units.find((u) => u.unitId === id)?.name ?? id;
  const withShare = (k: Kind) => table.units.some((u) => u[k]?.share);
  const seatsOf = (k: Kind) => table.units.reduce((a, u) => a + (u[k]?.seats ?? 0), 0);
  const summary = (k: Kind) => (k === 'deciding' ? table.deciding : table.consultative!);
  const ruleOf = (k: Kind) => (k === 'deciding' ? table.rules.deciding : table.rules.consultative!);

  return (
    <div className="cf-table">
      <dl className="cf-facts">
        <dt>{t('table.basis')}</dt>
        <dd>{t(`basis.${table.basis}`)}</dd>
        <dt>{t('table.population')}</dt>
        <dd>{fmt.number(table.population)}</dd>
        <dt>{t('table.outside')}</dt>
        <dd>{fmt.number(table.outside)}</dd>
        <dt>{t('table.computedAt')}</dt>
        <dd>{fmt.dateTime(table.computedAt)}</dd>
      </dl>
      {table.reason ? (
        <p>
          {t('table.reason')} <q>{table.reason}</q>
        </p>
      ) : null}
      <h3 id={captionId}>{t('table.caption', { version: table.version })}</h3>
      <div className="table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
        <table className="cf-seats" aria-labelledby={captionId}>
          <thead>
            <tr>
              <th scope="col">{t('table.unit')}</th>
              <th scope="col" className="num">
                {t('table.populationCol')}
              </th>
              {kinds.map((k) => (
                <KindHeads key={k} kind={k} share={withShare(k)} />
              ))}
            </tr>
          </thead>
          <tbody>
            {table.units.map((u) => (
              <tr key={u.unitId}>
                <th scope="row">
                  {u.name} <span className="muted cf-id">({u.unitId})</span>
                </th>
                <td className="num">{fmt.number(u.population)}</td>
                {kinds.map((k) => {
                  const cell = u[k];
                  if (!cell) return null;
                  return [
                    <td key={`${k}-q`} className="num">
                      {decimal4(cell.quotaDecimal)}
                      {cell.quota.includes('/') ? <span className="cf-exact"> = {fraction(cell.quota)}</span> : null}
                    </td>,
                    withShare(k) ? (
                      <td key={`${k}-s`} className="num">
                        {cell.share ? fraction(cell.share) : <span className="muted">{t('table.noShare')}</span>}
                      </td>
                    ) : null,
                    <td key={`${k}-n`} className="num cf-seatcount">
                      {fmt.number(cell.seats)}
                    </td>,
                  ];
                })}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('table.total')}</th>
              <td className="num">{fmt.number(table.population)}</td>
              {kinds.map((k) => [
                <td key={`${k}-q`} className="num">
                  {fmt.number(summary(k).seats)}
                </td>,
                withShare(k) ? <td key={`${k}-s`} className="num" /> : null,
                <td key={`${k}-n`} className="num cf-seatcount" data-kind={k}>
                  {fmt.number(seatsOf(k))}
                </td>,
              ])}
            </tr>
          </tfoot>
        </table>
      </div>
      <p className="field-hint">{t('table.quotaNote')}</p>
      {kinds.map((k) => {
        const s = summary(k);
        return (
          <div key={k} className="cf-rule">
            <h4>{t(`table.${k}`)}</h4>
            <p>{ruleText(ruleOf(k))}</p>
            {s.ties.length === 0 ? (
              <p className="muted">{t('table.noTies')}</p>
            ) : (
              <ul>
                {s.ties.map((tie, i) => (
                  <li key={i}>
                    {t(tie.value ? 'table.tie' : 'table.tieNoValue', {
                      count: tie.seats,
                      n: fmt.number(tie.seats),
                      among: tie.among.map(nameOf).join(', '),
                      by: t(`table.by.${tie.by}`),
                      value: tie.value ? fraction(tie.value) : '',
                      awarded: tie.awarded.map(nameOf).join(', '),
                    })}{' '}
                    {t('table.tieRule', { rule: tieText(ruleOf(k).tieBreak) })}
                  </li>
                ))}
              </ul>
            )}
          </div>
        );
      })}
    </div>
  );
}

function KindHeads({ kind, share }: { kind: Kind; share: boolean }) {
  const { t } = useTranslation('conference-office');
  return (
    <>
      <th scope="col" className="num">
        {t(`table.${kind}Quota`)}
      </th>
      {share ? (
        <th scope="col" className="num">
          {t(`table.${kind}Share`)}
        </th>
      ) : null}
      <th scope="col" className="num">
        {t(`table.${kind}Seats`)}
      </th>
    </>
  );
}
