/**
 * The conference of one discussion, for the office and the credentials committee (/office/conference/:id, in the
 * office chunk, catalog `conference-office`): its pages — the definition and the seat table, delegates and
 * credentials, motions and votes, the binding decision — under one heading and a local navigation. Who sees what
 * follows the API's policy: the office does everything; the commission decides credentials; a committee records
 * its units' delegates. The server refuses anything else anyway.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Switch, useLocation } from 'wouter';
import type { Discussion } from '../../../../src/schemas/discussion.ts';
import { useApi } from '../../api.ts';
import { Loading } from '../../components/Status.tsx';
import { Refusal, useTitle, type OfficeAccess } from '../shared.tsx';
import { DecisionPage } from './DecisionPage.tsx';
import { DelegatesPage } from './DelegatesPage.tsx';
import { MotionsPage } from './MotionsPage.tsx';
import { conferencePath, enc, type Conference } from './model.ts';
import { SetupPage } from './SetupPage.tsx';
import './conference.css';

export interface ConferenceContext {
  discussion: Discussion;
  /** null: no conference defined yet. */
  conference: Conference | null;
  reload: () => void;
  access: OfficeAccess;
}

export function ConferenceArea({ discussionId, access }: { discussionId: string; access: OfficeAccess }) {
  const { t } = useTranslation('conference-office');
  const disc = useApi<Discussion>(`/discussions/${enc(discussionId)}`);
  const conf = useApi<Conference>(conferencePath(discussionId));
  const [location] = useLocation();
  const page = location.startsWith('/delegates') ? 'delegates' : location.startsWith('/motions') ? 'motions' : location.startsWith('/decision') ? 'decision' : 'setup';
  const title = disc.data ? t(`pages.${page}`) + ' — ' + disc.data.title : t('title');
  useTitle(title);
  const h1 = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);
  // Moving between the conference's pages: the new page's heading takes the focus (not on the first page loaded).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    h1.current?.focus();
  }, [page]);

  if (disc.error) return <Refusal error={disc.error} />;
  if (!disc.data || (conf.loading && !conf.data && !conf.error)) return <Loading />;
  const discussion = disc.data;
  const notDefined = conf.error?.status === 404;
  if (conf.error && !notDefined) return <Refusal error={conf.error} />;
  const conference = notDefined ? null : (conf.data ?? null);
  const ctx: ConferenceContext = { discussion, conference, reload: conf.reload, access };

  const items: Array<[string, string]> = [['/', t('pages.setup')], ['/delegates', t('pages.delegates')], ['/motions', t('pages.motions')]];
  if (access.office) items.push(['/decision', t('pages.decision')]);
  const current = page === 'setup' ? '/' : `/${page}`;

  return (
    <div className="cf">
      <h1 ref={h1} tabIndex={-1}>
        {t(`pages.${page}`)} <span className="cf-subtitle">{conference ? conference.name : t('title')}</span>
        <span className="cf-subtitle muted">{discussion.title}</span>
      </h1>
      <p className="cf-state">
        {conference ? (
          <>
            <span className={`cf-badge cf-${conference.state}`}>{t(`state.${conference.state}`)}</span> {t(`stateAbout.${conference.state}`)}
          </>
        ) : (
          t('stateAbout.none')
        )}
      </p>
      <nav aria-label={t('nav.label')} className="cf-nav">
        <ul>
          {items.map(([href, label]) => (
            <li key={href}>
              <Link href={href} aria-current={current === href ? 'page' : undefined}>
                {label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {discussion.state !== 'open' ? <p className="notice">{t('notOpen')}</p> : null}
      <Switch>
        <Route path="/">
          <SetupPage ctx={ctx} />
        </Route>
        <Route path="/delegates">
          <DelegatesPage ctx={ctx} />
        </Route>
        <Route path="/motions">
          <MotionsPage ctx={ctx} />
        </Route>
        <Route path="/decision">{access.office ? <DecisionPage ctx={ctx} /> : <p>{t('officeOnly')}</p>}</Route>
        <Route>
          <p>
            <Link href="/">{t('pages.setup')}</Link>
          </p>
        </Route>
      </Switch>
    </div>
  );
}

/** For the commission, whose only office pages are the conferences' credentials: the open discussions. */
export function CredentialsIndex() {
  const { t } = useTranslation('conference-office');
  useTitle(t('index.title'));
  const list = useApi<Discussion[]>('/discussions');
  const open = (list.data ?? []).filter((d) => d.state === 'open');
  return (
    <>
      <h1>{t('index.title')}</h1>
      <p className="muted">{t('index.intro')}</p>
      {list.error ? <Refusal error={list.error} /> : null}
      {!list.data ? <Loading /> : open.length === 0 ? <p>{t('index.none')}</p> : null}
      <ul className="cf-links">
        {open.map((d) => (
          <li key={d.id}>
            <Link href={`/conference/${enc(d.id)}/delegates`}>{t('index.link', { title: d.title })}</Link>
          </li>
        ))}
      </ul>
    </>
  );
}

/** The office area as the commission sees it: the conferences' credentials, nothing else. */
export function CredentialsRoutes({ access }: { access: OfficeAccess }) {
  const { t } = useTranslation('conference-office');
  return (
    <Switch>
      <Route path="/">
        <CredentialsIndex />
      </Route>
      <Route path="/conference/:id" nest>
        {(p) => <ConferenceArea discussionId={p.id} access={access} />}
      </Route>
      <Route>
        <h1>{t('index.title')}</h1>
        <p>
          <Link href="/">{t('index.back')}</Link>
        </p>
      </Route>
    </Switch>
  );
}
