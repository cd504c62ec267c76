/** One unit of the drill-down: name (a link to its dashboard), whether it reported, voting members, the main figure. */
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { fmt } from '../../i18n.ts';
import { unitName } from './unitNames.ts';
import { dashboardHref, type Discussion, type ListedUnit } from './types.ts';

function Figure({ n, d, label }: { n: number; d: number; label: string }) {
  const { t } = useTranslation();
  return (
    <div className="pub-cellfig">
      <span className="pub-cellfig-label">{label}</span> <strong>{fmt.percent(n, d)}</strong>{' '}
      <span className="share-of">{t('share.of', { n: fmt.number(n), d: fmt.number(d) })}</span>
    </div>
  );
}

export function UnitRow({
  unit,
  discussion,
  index,
  showParent = false,
  ref,
}: {
  unit: ListedUnit;
  discussion: Discussion;
  index: number;
  /** In search results, units of the same name in different places are told apart by where they are. */
  showParent?: boolean;
  ref?: (el: HTMLTableRowElement | null) => void;
}) {
  const { t } = useTranslation('public');
  const tl = unit.tally;
  const q = discussion.questions[0];
  const p = q?.positions[0];
  const ownReport = unit.roll > 0 && tl.unitsTotal === 1;
  const reported = ownReport
    ? t(unit.reported ? 'units.reportedYes' : 'units.reportedNo')
    : t('units.reportedBelow', { n: fmt.number(tl.unitsReported), total: fmt.number(tl.unitsTotal) });
  const members = t('units.membersCount', { count: tl.membersTotal, n: fmt.number(tl.membersTotal) });
  // Phones have no "Reported" column: the same fact, said in full under the name.
  const reportedInFull = ownReport
    ? t(unit.reported ? 'units.phoneReportedYes' : 'units.phoneReportedNo')
    : t('units.phoneReportedBelow', { n: fmt.number(tl.unitsReported), total: fmt.number(tl.unitsTotal) });
  let figure;
  if (tl.withheld) figure = <span>{t('withheld.short', { count: discussion.rules.publicMinUnitSize ?? 0 })}</span>;
  else if (tl.unitsReported === 0) figure = <span className="muted">{t('units.noReportsYet')}</span>;
  else if (q && p && tl.questions) {
    const qt = tl.questions[q.id];
    const cast = qt ? Object.values(qt.votes).reduce((a, b) => a + b, 0) : 0;
    figure = (
      <>
        <Figure n={qt?.adopted[p.id]?.members ?? 0} d={tl.membersTotal} label={t('units.figAdopting')} />
        <Figure n={qt?.votes[p.id] ?? 0} d={cast} label={t('units.figVotes')} />
      </>
    );
  }
  return (
    <tr ref={ref} data-index={index} aria-rowindex={index + 2}>
      <th scope="row" className="pub-unit-name">
        <Link href={dashboardHref(discussion.id, unit.id, discussion.rootUnitId)}>{unit.name}</Link>
        <span className="pub-kind">
          {showParent && unit.parentId ? t('units.kindIn', { kind: unit.kind, parent: unitName(discussion.id, unit.parentId) ?? unit.parentId }) : unit.kind}
        </span>
        <span className="pub-phone-only pub-kind">
          {reportedInFull} · {members}
        </span>
      </th>
      <td className="pub-desktop-only">{reported}</td>
      <td className="num pub-desktop-only">{fmt.number(tl.membersTotal)}</td>
      <td>{figure}</td>
    </tr>
  );
}

