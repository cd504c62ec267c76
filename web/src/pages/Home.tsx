/** The discussions: each with its state, its reporting window and links to its dashboard and its description. */
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useApi } from '../api.ts';
import { fmt } from '../i18n.ts';
import { ErrorNote, Loading } from '../components/Status.tsx';
import { useDocumentTitle, useFocusOnNavigate } from '../components/public/focus.ts';
import { enc, type Discussion } from '../components/public/types.ts';
import '../components/public/public.css';

function stateOf(d: Discussion): 'draft' | 'open' | 'closed' {
  if (d.state === 'draft') return 'draft';
  return d.reportingOpen ? 'open' : 'closed';
}

export function Home() {
  const { t } = useTranslation('public');
  const { data, error, loading } = useApi<Discussion[]>('/discussions');
  const h1 = useRef<HTMLHeadingElement>(null);
  useDocumentTitle(t('home.title'));
  useFocusOnNavigate(h1);
  return (
    <>
      <h1 ref={h1} tabIndex={-1} className="pub-h1">
        {t('home.title')}
      </h1>
      <p className="pub-subtitle">{t('home.intro')}</p>
      <ErrorNote error={error} />
      {loading && !data ? <Loading /> : null}
      {data && data.length === 0 ? <p>{t('home.none')}</p> : null}
      {data && data.length > 0 ? (
        <ul className="pub-discussions">
          {data.map((d) => {
            const state = stateOf(d);
            return (
              <li key={d.id} className="panel">
                <h2>
                  {state === 'draft' ? d.title : <Link href={`/d/${enc(d.id)}`}>{d.title}</Link>}
                </h2>
                <p>
                  <span className={`pub-badge pub-badge-${state}`}>{t(`home.state.${state}`)}</span>
                </p>
                <p>
                  {d.openedAt
                    ? t('home.window', { from: fmt.dateTime(d.openedAt), to: fmt.dateTime(d.reportingClosesAt) })
                    : t('home.windowDraft', { to: fmt.dateTime(d.reportingClosesAt) })}
                </p>
                <ul className="pub-links">
                  {state === 'draft' ? null : (
                    <li>
                      <Link href={`/d/${enc(d.id)}`}>{t('home.results')}
                        <span className="visually-hidden"> — {d.title}</span></Link>
                    </li>
                  )}
                  <li>
                    <Link href={`/d/${enc(d.id)}/about`}>{t('home.about')}
                      <span className="visually-hidden"> — {d.title}</span></Link>
                  </li>
                </ul>
              </li>
            );
          })}
        </ul>
      ) : null}
    </>
  );
}
