/**
 * The register of binding decisions (/decisions): every published act, newest first (GET /api/v1/decisions) — its
 * title in the reader's language when the act has it (else its first language, marked with `lang`), decision or
 * erratum, the dates, a reconstruction said in words, and a link to the decision's page. The Atom feed is linked.
 * Its own chunk, with the `decisions` catalog.
 */
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useApi } from '../api.ts';
import { fmt, languageName } from '../i18n.ts';
import { ErrorNote, Loading } from '../components/Status.tsx';
import { useDocumentTitle, useFocusOnNavigate } from '../components/public/focus.ts';
import { day, decisionHref, pick, type DecisionAct } from './model.ts';
import './decisions.css';

export function RegisterPage() {
  const { t } = useTranslation('decisions');
  const { data, error, loading } = useApi<{ items: DecisionAct[] }>('/decisions');
  const h1 = useRef<HTMLHeadingElement>(null);
  useDocumentTitle(t('register.title'));
  useFocusOnNavigate(h1);
  return (
    <>
      <h1 ref={h1} tabIndex={-1} className="dec-h1">
        {t('register.title')}
      </h1>
      <p className="pub-subtitle muted">{t('register.intro')}</p>
      <p>
        <a className="dec-feed" href="/decisions.atom" type="application/atom+xml">
          {t('register.feed')}
        </a>
      </p>
      <ErrorNote error={error} />
      {loading && !data ? <Loading /> : null}
      {data && data.items.length === 0 ? <p>{t('register.none')}</p> : null}
      {data && data.items.length > 0 ? (
        <ol className="dec-register">
          {data.items.map((a) => (
            <RegisterItem key={a.id} act={a} />
          ))}
        </ol>
      ) : null}
    </>
  );
}

function RegisterItem({ act: a }: { act: DecisionAct }) {
  const { t } = useTranslation('decisions');
  const title = pick(a.title, a.languages);
  const href = `${decisionHref(a.discussionId)}${a.kind === 'erratum' ? `#${a.id}` : ''}`;
  const headingId = `reg-${a.id}`;
  return (
    <li className="panel">
      <article aria-labelledby={headingId}>
        <p>
          <span className={`dec-badge${a.kind === 'erratum' ? ' dec-badge-erratum' : ''}`}>{t(`kind.${a.kind}`)}</span>
          {a.reconstruction ? <span className="dec-badge dec-badge-reconstruction">{t('reconstruction.badge')}</span> : null}
        </p>
        <h2 id={headingId}>
          <Link href={href}>
            <span lang={title.lang}>{title.text}</span>
          </Link>
        </h2>
        {a.kind === 'erratum' ? <p className="muted">{t('register.corrects')}</p> : null}
        <dl className="pub-dl">
          <div>
            <dt>{t('register.effective')}</dt>
            <dd>{day(a.effectiveDate)}</dd>
          </div>
          <div>
            <dt>{t('register.published')}</dt>
            <dd>{fmt.dateTime(a.publishedAt)}</dd>
          </div>
          <div>
            <dt>{t('register.languages')}</dt>
            <dd>
              {a.languages.map((l, i) => (
                <span key={l}>
                  {i > 0 ? ', ' : ''}
                  <span lang={l}>{languageName(l)}</span>
                </span>
              ))}
            </dd>
          </div>
        </dl>
      </article>
    </li>
  );
}
