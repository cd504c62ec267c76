/**
 * One apportionment run's seat table (docs/conference.md, docs/apportionment.md): each electing unit's population, its
 * exact quota (a decimal rounded half up, the exact fraction on request and in the cell's title), its share when a
 * minimum or maximum bound it, its seats of each kind, and the totals — the seats sum to the seats apportioned; then
 * the ties broken, in words.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fmt } from '../i18n.ts';
import { fractionDecimal, localDecimal, localFraction, parseFraction, type SeatTable } from './model.ts';
import { ScrollingTable } from './parts.tsx';

type Cell = SeatTable['units'][number]['deciding'];

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** The exact sum of fractions written as the server writes them ("60/7", "3"), written the same way. */
function sumFractions(texts: string[]): string {
  let num = 0n;
  let den = 1n;
  for (const s of texts) {
    const f = parseFraction(s);
    if (!f) continue;
    num = num * f.den + f.num * den;
    den = den * f.den;
    const g = gcd(num, den) || 1n;
    num /= g;
    den /= g;
  }
  return den === 1n ? num.toString() : `${num}/${den}`;
}

function Fraction({ value, decimal, exact }: { value: string; decimal?: string; exact: boolean }) {
  const { t } = useTranslation('decisions');
  const shown = decimal !== undefined ? localDecimal(decimal) : fractionDecimal(value);
  const whole = !value.includes('/');
  return (
    <>
      <span title={whole ? undefined : t('seats.exactValue', { fraction: localFraction(value) })}>{shown}</span>
      {exact && !whole ? <span className="dec-exact">{t('seats.exactValue', { fraction: localFraction(value) })}</span> : null}
    </>
  );
}

export function SeatTableView({ table, idPrefix, headingLevel = 3 }: { table: SeatTable; idPrefix: string; headingLevel?: 3 | 4 }) {
  const { t } = useTranslation('decisions');
  const [exact, setExact] = useState(false);
  const consultative = table.consultative !== null;
  const shareD = table.units.some((u) => u.deciding.share !== null);
  const shareC = consultative && table.units.some((u) => u.consultative?.share);
  const nameOf = new Map(table.units.map((u) => [u.unitId, u.name]));
  const names = (ids: string[]) => ids.map((id) => nameOf.get(id) ?? id).join(', ');
  const totals = {
    population: table.units.reduce((a, u) => a + u.population, 0),
    decidingSeats: table.units.reduce((a, u) => a + u.deciding.seats, 0),
    consultativeSeats: table.units.reduce((a, u) => a + (u.consultative?.seats ?? 0), 0),
    decidingQuota: sumFractions(table.units.map((u) => u.deciding.quota)),
    consultativeQuota: sumFractions(table.units.map((u) => u.consultative?.quota ?? '0')),
  };
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  const caption = t('seats.caption', { version: table.version, date: fmt.dateTime(table.computedAt) });
  const captionId = `${idPrefix}-caption`;
  const shareCell = (c: Cell | null | undefined) => (
    <td className="num">{c?.share ? <Fraction value={c.share} exact={exact} /> : <span className="muted">{t('seats.sameAsQuota')}</span>}</td>
  );
  const ties = [
    ...table.deciding.ties.map((tie) => ({ kind: t('conference.deciding'), tie })),
    ...(table.consultative?.ties ?? []).map((tie) => ({ kind: t('conference.consultative'), tie })),
  ];
  return (
    <>
      <p>
        {t('seats.population', { count: table.population, n: fmt.number(table.population) })}
        {table.outside > 0 ? ` ${t('seats.outside', { count: table.outside, n: fmt.number(table.outside) })}` : null}
      </p>
      <p className="field-hint">{t('seats.exactHint')}</p>
      <button type="button" className="secondary dec-toggle" aria-pressed={exact} onClick={() => setExact((x) => !x)}>
        {t('seats.exact')}
      </button>
      <ScrollingTable label={caption}>
        <table className="dec-seats">
          <caption id={captionId}>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t('seats.unit')}</th>
              <th scope="col" className="num">
                {t('seats.members')}
              </th>
              <th scope="col" className="num">
                {t('seats.quotaDeciding')}
              </th>
              {shareD ? (
                <th scope="col" className="num">
                  {t('seats.shareDeciding')}
                </th>
              ) : null}
              <th scope="col" className="num">
                {t('seats.seatsDeciding')}
              </th>
              {consultative ? (
                <>
                  <th scope="col" className="num">
                    {t('seats.quotaConsultative')}
                  </th>
                  {shareC ? (
                    <th scope="col" className="num">
                      {t('seats.shareConsultative')}
                    </th>
                  ) : null}
                  <th scope="col" className="num">
                    {t('seats.seatsConsultative')}
                  </th>
                </>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {table.units.map((u) => (
              <tr key={u.unitId} data-unit={u.unitId}>
                <th scope="row">{u.name}</th>
                <td className="num">{fmt.number(u.population)}</td>
                <td className="num">
                  <Fraction value={u.deciding.quota} decimal={u.deciding.quotaDecimal} exact={exact} />
                </td>
                {shareD ? shareCell(u.deciding) : null}
                <td className="num" data-seats="deciding">
                  {fmt.number(u.deciding.seats)}
                </td>
                {consultative ? (
                  <>
                    <td className="num">{u.consultative ? <Fraction value={u.consultative.quota} decimal={u.consultative.quotaDecimal} exact={exact} /> : '—'}</td>
                    {shareC ? shareCell(u.consultative) : null}
                    <td className="num" data-seats="consultative">
                      {fmt.number(u.consultative?.seats ?? 0)}
                    </td>
                  </>
                ) : null}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('seats.total')}</th>
              <td className="num">{fmt.number(totals.population)}</td>
              <td className="num">
                <Fraction value={totals.decidingQuota} exact={exact} />
              </td>
              {shareD ? <td /> : null}
              <td className="num" data-total="deciding">
                {fmt.number(totals.decidingSeats)}
              </td>
              {consultative ? (
                <>
                  <td className="num">
                    <Fraction value={totals.consultativeQuota} exact={exact} />
                  </td>
                  {shareC ? <td /> : null}
                  <td className="num" data-total="consultative">
                    {fmt.number(totals.consultativeSeats)}
                  </td>
                </>
              ) : null}
            </tr>
          </tfoot>
        </table>
      </ScrollingTable>
      <Heading id={`${idPrefix}-ties`}>{t('seats.ties')}</Heading>
      {ties.length === 0 ? (
        <p>{t('seats.tiesNone')}</p>
      ) : (
        <ul>
          {ties.map(({ kind, tie }, i) => (
            <li key={i}>
              {t('seats.tie', {
                kind,
                count: tie.seats,
                n: fmt.number(tie.seats),
                among: names(tie.among),
                by: t(`seats.by.${tie.by}`),
                value: tie.value ? fractionDecimal(tie.value) : '—',
                awarded: names(tie.awarded),
              })}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
