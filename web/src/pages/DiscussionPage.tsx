/**
 * What a discussion is about: its description, its questions and positions (markdown, no raw HTML), the timeline,
 * and the rules in plain words. The markdown renderer is its own chunk, loaded by this page only.
 */
import { lazy, Suspense, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useApi } from '../api.ts';
import { fmt, loadNamespace } from '../i18n.ts';
import { ErrorNote, Loading } from '../components/Status.tsx';
import { useDocumentTitle, useFocusOnNavigate } from '../components/public/focus.ts';
import { quorumFor, quorumName } from '../components/public/rules.ts';
import { discussionPath, enc, type Discussion } from '../components/public/types.ts';
import '../components/public/public.css';

const Markdown = lazy(() => import('../components/public/Markdown.tsx'));
const DiscussionLinks = lazy(() => Promise.all([import('../decisions/Links.tsx'), loadNamespace('decisions')]).then(([m]) => ({ default: m.DiscussionLinks })));

/** Until the renderer has loaded, the text as written (it is readable as it is). */
function Text({ text, headingLevel }: { text: string; headingLevel: number }) {
  return (
    <Suspense fallback={<div className="pub-markdown pub-plain">{text}</div>}>
      <Markdown text={text} headingLevel={headingLevel} />
    </Suspense>
  );
}

function Rules({ discussion }: { discussion: Discussion }) {
  const { t } = useTranslation('public');
  const { quorum, majority, publicMinUnitSize } = discussion.rules;
  const named = quorumName(quorum);
  const share = named ? t(`rules.fraction.${named}`) : fmt.percent(quorum, 1);
  const example = 25;
  return (
    <ul className="pub-rules">
      <li>
        {quorum === 0
          ? t('rules.quorumNone')
          : quorum === 1
            ? t('rules.quorumAll')
            : t('rules.quorum', { share, needed: fmt.number(quorumFor(quorum, example)), roll: fmt.number(example) })}
      </li>
      <li>{t(majority === 'present' ? 'rules.majorityPresent' : 'rules.majorityVotesCast')}</li>
      <li>{t('rules.nothingAdopted')}</li>
      <li>{t('rules.weighting', { date: discussion.openedAt ? fmt.dateTime(discussion.openedAt) : t('rules.atOpening') })}</li>
      <li>{t('rules.twoFigures')}</li>
      {publicMinUnitSize ? <li>{t('rules.small', { count: publicMinUnitSize, n: fmt.number(publicMinUnitSize) })}</li> : null}
    </ul>
  );
}

export function DiscussionPage({ discussionId }: { discussionId: string }) {
  const { t } = useTranslation('public');
  const { data: d, error, loading } = useApi<Discussion>(discussionPath(discussionId));
  const h1 = useRef<HTMLHeadingElement>(null);
  useDocumentTitle(d ? t('about.documentTitle', { title: d.title }) : undefined);
  useFocusOnNavigate(h1, d !== undefined);
  if (error)
    return (
      <>
        <h1>{t('about.titleFallback')}</h1>
        <ErrorNote error={error} />
      </>
    );
  if (!d || loading) return <Loading />;
  const state = d.state === 'draft' ? 'draft' : d.reportingOpen ? 'open' : 'closed';
  return (
    <article>
      <h1 ref={h1} tabIndex={-1} className="pub-h1">
        {d.title}
      </h1>
      {d.state === 'open' ? (
        <p className="pub-subtitle">
          <Link href={`/d/${enc(d.id)}`}>{t('about.resultsLink')}</Link>
        </p>
      ) : null}
      {d.state === 'open' ? (
        <Suspense fallback={null}>
          <DiscussionLinks discussionId={d.id} />
        </Suspense>
      ) : null}
      {d.description ? <Text text={d.description} headingLevel={2} /> : null}

      <section aria-labelledby="timeline-h">
        <h2 id="timeline-h">{t('about.timeline')}</h2>
        <dl className="pub-dl">
          <div>
            <dt>{t('about.openedAt')}</dt>
            <dd>{d.openedAt ? fmt.dateTime(d.openedAt) : t('about.notOpened')}</dd>
          </div>
          <div>
            <dt>{t('about.closesAt')}</dt>
            <dd>{fmt.dateTime(d.reportingClosesAt)}</dd>
          </div>
          <div>
            <dt>{t('about.now')}</dt>
            <dd>{t(`about.state.${state}`)}</dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="rules-h">
        <h2 id="rules-h">{t('about.rules')}</h2>
        <Rules discussion={d} />
      </section>

      <section aria-labelledby="questions-h">
        <h2 id="questions-h">{t('about.questions')}</h2>
        {d.questions.map((q, qi) => (
          <section key={q.id} aria-labelledby={`about-q-${qi}`} className="pub-about-question">
            <h3 id={`about-q-${qi}`}>
              <span className="pub-qnum">{t('dashboard.questionN', { n: qi + 1 })}</span> {q.text}
            </h3>
            {q.positions.map((p) => (
              <div key={p.id} className="panel">
                <h4>{p.title}</h4>
                {p.text ? <Text text={p.text} headingLevel={5} /> : <p className="muted">{t('about.noText')}</p>}
              </div>
            ))}
          </section>
        ))}
      </section>
    </article>
  );
}
