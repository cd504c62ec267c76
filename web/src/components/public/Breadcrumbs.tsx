/** Where this unit sits: its ancestors, root first, each a link to its dashboard; names resolved once and cached. */
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useUnitNames } from './unitNames.ts';
import { dashboardHref } from './types.ts';

export function Breadcrumbs({ discussionId, rootUnitId, ancestors, current }: { discussionId: string; rootUnitId: string | null; ancestors: string[]; current: string }) {
  const { t } = useTranslation('public');
  const nameOf = useUnitNames(discussionId, ancestors);
  if (ancestors.length === 0) return null;
  return (
    <nav className="breadcrumbs" aria-label={t('dashboard.breadcrumbs')}>
      <ol>
        {ancestors.map((a) => (
          <li key={a}>
            <Link href={dashboardHref(discussionId, a, rootUnitId)}>{nameOf(a) ?? a}</Link>
          </li>
        ))}
        <li>
          <span aria-current="page">{current}</span>
        </li>
      </ol>
    </nav>
  );
}
