/**
 * The signed-in member's notices of binding decisions (GET /api/v1/session/notices), unobtrusively above the page: each
 * unread act — "A binding decision was published: <title>" — linked to the decision's page, which marks it read.
 * Nothing for anonymous visitors or accounts without a roll entry (the API answers an empty list). Its own chunk,
 * loaded by the layout only for a signed-in account, with the `decisions` catalog.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api } from '../api.ts';
import { fmt } from '../i18n.ts';
import { useSession } from '../session.tsx';
import { decisionHref, onNoticesChanged, pick, type MemberNotice } from './model.ts';
import './decisions.css';

/** At most this many notices are listed; the rest are counted, with a link to the register. */
const SHOWN = 3;

export function NoticeBanner() {
  const { t } = useTranslation('decisions');
  const { session } = useSession();
  const account = session?.accountId ?? null;
  const [items, setItems] = useState<MemberNotice[]>([]);
  const load = useCallback(() => {
    if (account === null) return setItems([]);
    api<{ items: MemberNotice[] }>('/session/notices').then(
      (r) => setItems(r.items),
      () => setItems([]),
    );
  }, [account]);
  useEffect(() => {
    load();
    return onNoticesChanged(load);
  }, [load]);
  const unread = items.filter((n) => n.readAt === null);
  if (account === null || unread.length === 0) return null;
  const more = unread.length - SHOWN;
  return (
    <aside className="dec-notices" aria-label={t('notices.label')}>
      <div className="wrap">
        <ul>
          {unread.slice(0, SHOWN).map((n) => {
            const title = pick(n.title, n.languages);
            return (
              <li key={n.decisionId} data-notice={n.decisionId}>
                {t(n.kind === 'erratum' ? 'notices.erratum' : 'notices.decision')}{' '}
                <Link href={`${decisionHref(n.discussionId)}${n.kind === 'erratum' ? `#${n.decisionId}` : ''}`}>
                  <span lang={title.lang}>{title.text}</span>
                </Link>
                {n.reconstruction ? <span className="muted"> ({t('reconstruction.badge')})</span> : null}
              </li>
            );
          })}
          {more > 0 ? (
            <li>
              <Link href="/decisions">{t('notices.more', { count: more, n: fmt.number(more) })}</Link>
            </li>
          ) : null}
        </ul>
      </div>
    </aside>
  );
}
