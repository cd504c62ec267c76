/**
 * Links from a discussion's pages (the dashboard, its description) to what came after the count: its conference and
 * its binding decision, each shown only when it exists (a 404 is "not yet", never an error). Its own small chunk.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { conferenceHref, conferencePath, decisionHref, decisionPath, useExists } from './model.ts';
import './decisions.css';

export function DiscussionLinks({ discussionId }: { discussionId: string }) {
  const { t } = useTranslation('decisions');
  const decision = useExists(decisionPath(discussionId));
  const conference = useExists(conferencePath(discussionId));
  if (!decision && !conference) return null;
  return (
    <nav aria-label={t('links.label')} className="dec-after">
      <ul className="dec-links-list">
        {decision ? (
          <li>
            <Link href={decisionHref(discussionId)}>{t('links.decision')}</Link>
          </li>
        ) : null}
        {conference ? (
          <li>
            <Link href={conferenceHref(discussionId)}>{t('links.conference')}</Link>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
