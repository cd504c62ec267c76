/**
 * The binding decision of a discussion (/decisions/:discussionId; GET …/decision): the texts in each language it was
 * adopted in (a switcher; every text carries its `lang`), each resolution with its question and the conference's vote,
 * the PDFs, and the provenance — the checkpoint of the public log with how to verify it, the figures as reported and as
 * adjudicated (every share with its numerator and denominator, src/domain/shares.ts), the report versions counted and
 * the commission's decisions applied — then its errata. A reconstruction says so first. Opening the page marks the
 * signed-in member's notices of this decision (and its errata) read. Its own chunk, with the `decisions` catalog.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { describeTally, type Share } from '../../../src/domain/shares.ts';
import { api, useApi } from '../api.ts';
import { fmt, languageName } from '../i18n.ts';
import { useSession } from '../session.tsx';
import { ErrorNote, Loading } from '../components/Status.tsx';
import { useDocumentTitle, useFocusOnNavigate } from '../components/public/focus.ts';
import { useUnitNames } from '../components/public/unitNames.ts';
import { dashboardHref, discussionPath, type Discussion } from '../components/public/types.ts';
import {
  conferenceHref,
  day,
  decisionPath,
  enc,
  logUrl,
  noticesChanged,
  pdfHref,
  pick,
  tallyCounts,
  textLanguage,
  type DecisionAct,
  type DecisionDocument,
  type MemberNotice,
  type Provenance,
  type Resolution,
} from './model.ts';
import { ReconstructionBanner, ScrollingTable, ShareCell } from './parts.tsx';
import { VoteView } from './Vote.tsx';
import './decisions.css';

/** Marks the signed-in member's unread notices of this discussion's acts read, once per visit; the banner is told. */
function useMarkNoticesRead(discussionId: string, shown: boolean): void {
  const { session } = useSession();
  const account = session?.accountId ?? null;
  useEffect(() => {
    if (!shown || account === null) return;
    let live = true;
    void (async () => {
      try {
        const { items } = await api<{ items: MemberNotice[] }>('/session/notices');
        const unread = items.filter((n) => n.discussionId === discussionId && n.readAt === null);
        for (const n of unread) {
          if (!live) return;
          await api(`/session/notices/${enc(n.decisionId)}/read`, { method: 'POST' });
        }
        if (unread.length > 0) noticesChanged();
      } catch {
        // Nothing to mark (an account without a roll entry), or the network failed: the notice stays, harmlessly.
      }
    })();
    return () => {
      live = false;
    };
  }, [discussionId, shown, account]);
}

export function DecisionPage({ discussionId }: { discussionId: string }) {
  const { t } = useTranslation('decisions');
  const doc = useApi<DecisionDocument>(decisionPath(discussionId));
  const disc = useApi<Discussion>(discussionPath(discussionId));
  const [chosen, setChosen] = useState<string | null>(null);
  const h1 = useRef<HTMLHeadingElement>(null);
  const decision = doc.data?.decision;
  const lang = decision ? textLanguage(decision.languages, chosen) : null;
  const title = decision && lang ? pick(decision.title, decision.languages, lang) : null;
  useDocumentTitle(title ? t('decision.documentTitle', { title: title.text }) : t('decision.titleFallback'));
  useFocusOnNavigate(h1, doc.data !== undefined || doc.error !== undefined);
  useMarkNoticesRead(discussionId, decision !== undefined);

  if (doc.error) {
    const none = doc.error.status === 404;
    return (
      <>
        <h1 ref={h1} tabIndex={-1} className="dec-h1">
          {t('decision.titleFallback')}
        </h1>
        {none ? <p>{t('decision.none')}</p> : <ErrorNote error={doc.error} />}
        <p>
          <Link href="/decisions">{t('decision.register')}</Link>
        </p>
      </>
    );
  }
  if (!doc.data || !decision || !lang || !title) return <Loading />;
  const { errata } = doc.data;
  const discussion = disc.data;
  const provenance = decision.provenance;
  const resolutions = (decision.body.resolutions ?? []) as Resolution[];

  return (
    <article className="dec-decision">
      {decision.reconstruction ? <ReconstructionBanner /> : null}
      <p className="dec-kicker">{t('decision.kicker')}</p>
      <h1 ref={h1} tabIndex={-1} className="dec-h1" lang={title.lang}>
        {title.text}
      </h1>
      {discussion ? (
        <p className="pub-subtitle muted">
          {t('decision.of', { title: discussion.title })}
        </p>
      ) : null}
      <ul className="dec-links-list">
        <li>
          <Link href={dashboardHref(discussionId)}>{t('decision.results')}</Link>
        </li>
        {provenance?.conference ? (
          <li>
            <Link href={conferenceHref(discussionId)}>{t('decision.conference')}</Link>
          </li>
        ) : null}
        <li>
          <Link href="/decisions">{t('decision.register')}</Link>
        </li>
      </ul>

      <LanguageSwitch languages={decision.languages} current={lang} onChoose={setChosen} />

      <dl className="pub-dl">
        <div>
          <dt>{t('decision.effective')}</dt>
          <dd>{day(decision.effectiveDate)}</dd>
        </div>
        <div>
          <dt>{t('decision.published')}</dt>
          <dd>{fmt.dateTime(decision.publishedAt)}</dd>
        </div>
        {provenance?.conference ? (
          <div>
            <dt>{t('decision.conferenceName')}</dt>
            <dd>{t('decision.conferenceTable', { name: provenance.conference.name, version: provenance.conference.apportionmentVersion })}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t('decision.logEntry')}</dt>
          <dd>{decision.logIndex === null ? t('decision.notLogged') : t('decision.logIndex', { index: fmt.number(decision.logIndex) })}</dd>
        </div>
      </dl>

      <section aria-labelledby="dec-docs-h">
        <h2 id="dec-docs-h">{t('decision.documents')}</h2>
        <PdfLinks discussionId={discussionId} act={decision} />
      </section>

      <section aria-labelledby="dec-res-h">
        <h2 id="dec-res-h">{t('decision.resolutions')}</h2>
        {resolutions.map((r, i) => (
          <ResolutionView key={`${r.questionId}-${r.motionId}`} index={i} resolution={r} act={decision} lang={lang} discussion={discussion} provenance={provenance} />
        ))}
      </section>

      {provenance ? <ProvenanceView discussionId={discussionId} provenance={provenance} discussion={discussion} /> : null}

      <section aria-labelledby="dec-errata-h">
        <h2 id="dec-errata-h">{t('errata.title')}</h2>
        {errata.length === 0 ? <p>{t('errata.none')}</p> : errata.map((e) => <ErratumView key={e.id} act={e} discussionId={discussionId} lang={lang} />)}
      </section>
    </article>
  );
}

/** The languages the act was adopted in: one button each, the current one pressed. */
function LanguageSwitch({ languages, current, onChoose }: { languages: string[]; current: string; onChoose: (lang: string) => void }) {
  const { t } = useTranslation('decisions');
  if (languages.length < 2) {
    const only = languages[0] ?? current;
    return (
      <p>
        {t('decision.onlyLanguage')} <span lang={only}>{languageName(only)}</span>
      </p>
    );
  }
  return (
    <div className="dec-langs" role="group" aria-labelledby="dec-langs-label">
      <span id="dec-langs-label" className="dec-label">
        {t('decision.textLanguage')}
      </span>
      {languages.map((l) => (
        <button key={l} type="button" className="secondary" aria-pressed={l === current} lang={l} onClick={() => onChoose(l)}>
          {languageName(l)}
        </button>
      ))}
    </div>
  );
}

function PdfLinks({ discussionId, act }: { discussionId: string; act: DecisionAct }) {
  const { t } = useTranslation('decisions');
  return (
    <ul className="dec-pdfs">
      {act.languages.map((l) => (
        <li key={l}>
          <a href={pdfHref(discussionId, l, act.kind === 'erratum' ? act.id : undefined)} type="application/pdf" hrefLang={l}>
            {t('decision.pdf')}, <span lang={l}>{languageName(l)}</span>
          </a>
        </li>
      ))}
    </ul>
  );
}

function ResolutionView({
  index,
  resolution: r,
  act,
  lang,
  discussion,
  provenance,
}: {
  index: number;
  resolution: Resolution;
  act: DecisionAct;
  lang: string;
  discussion: Discussion | undefined;
  provenance: Provenance | null;
}) {
  const { t } = useTranslation('decisions');
  const qi = discussion?.questions.findIndex((q) => q.id === r.questionId) ?? -1;
  const question = qi >= 0 ? discussion!.questions[qi]! : undefined;
  const text = pick(r.text, act.languages, lang);
  const vote = provenance?.votes.find((v) => v.motionId === r.motionId) ?? provenance?.votes.find((v) => v.questionId === r.questionId);
  const headingId = `dec-res-${index}`;
  return (
    <section aria-labelledby={headingId} className="dec-resolution">
      <h3 id={headingId}>
        <span className="dec-qnum">{question ? t('decision.question', { n: qi + 1 }) : t('decision.motion', { n: index + 1 })}</span>
        {question ? question.text : r.questionId}
      </h3>
      <div className="dec-text" lang={text.lang}>
        {text.text}
      </div>
      {vote ? <VoteView vote={vote} id={`${headingId}-vote`} /> : null}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The provenance

function ProvenanceView({ discussionId, provenance: p, discussion }: { discussionId: string; provenance: Provenance; discussion: Discussion | undefined }) {
  const { t } = useTranslation('decisions');
  return (
    <section aria-labelledby="dec-prov-h">
      <h2 id="dec-prov-h">{t('provenance.title')}</h2>
      <p>{t('provenance.intro')}</p>
      <Checkpoint discussionId={discussionId} checkpoint={p.checkpoint} />
      {discussion ? <Figures provenance={p} discussion={discussion} /> : <Loading />}
      <Counted discussionId={discussionId} provenance={p} discussion={discussion} />
    </section>
  );
}

function Checkpoint({ discussionId, checkpoint }: { discussionId: string; checkpoint: Provenance['checkpoint'] }) {
  const { t } = useTranslation('decisions');
  const [vkey, setVkey] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    fetch(`/log/${enc(discussionId)}/vkey`)
      .then((r) => (r.ok ? r.text() : null))
      .then((k) => live && setVkey(k?.trim() || null))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [discussionId]);
  const file = `decision-${discussionId}.checkpoint`;
  const command = `plenum verify ${logUrl(discussionId)} --checkpoint ${file}`;
  return (
    <>
      <h3>{t('provenance.log')}</h3>
      <dl className="pub-dl">
        <div>
          <dt>{t('provenance.size')}</dt>
          <dd>{t('provenance.sizeValue', { count: checkpoint.size, n: fmt.number(checkpoint.size) })}</dd>
        </div>
        <div>
          <dt>{t('provenance.root')}</dt>
          <dd className="dec-hash">{checkpoint.rootHash}</dd>
        </div>
      </dl>
      <h4>{t('provenance.verify')}</h4>
      <p>{t('provenance.verifySteps')}</p>
      <p>
        <a href={`data:text/plain;charset=utf-8,${encodeURIComponent(checkpoint.note)}`} download={file}>
          {t('provenance.download')}
        </a>
      </p>
      <pre className="dec-command">
        <code>{command}</code>
      </pre>
      {vkey ? (
        <p>
          {t('provenance.vkey')} <code className="dec-hash">{vkey}</code>
        </p>
      ) : null}
      <details>
        <summary>{t('provenance.note')}</summary>
        <pre className="dec-note">{checkpoint.note}</pre>
      </details>
    </>
  );
}

interface Row {
  key: string;
  label: string;
}

function Figures({ provenance: p, discussion }: { provenance: Provenance; discussion: Discussion }) {
  const { t } = useTranslation('decisions');
  const before = describeTally(tallyCounts(p.tally.reported), discussion);
  const after = describeTally(tallyCounts(p.tally.adjudicated), discussion);
  const map = (shares: Share[]) => new Map(shares.map((s) => [s.key, s]));
  const row = (r: Row, a: Map<string, Share>, b: Map<string, Share>) => {
    const x = a.get(r.key)!;
    const y = b.get(r.key)!;
    return (
      <tr key={r.key} data-figure={r.key}>
        <th scope="row">{r.label}</th>
        <ShareCell numerator={x.numerator} denominator={x.denominator} />
        <ShareCell numerator={y.numerator} denominator={y.denominator} />
      </tr>
    );
  };
  const overall = [map(before.overall), map(after.overall)] as const;
  return (
    <>
      <h3>{t('provenance.figures')}</h3>
      <p>{t('provenance.figuresIntro')}</p>
      {p.tally.provisional ? <p className="provisional">{t('provenance.provisional')}</p> : null}
      <ScrollingTable label={t('provenance.caption')}>
        <table className="dec-figures">
          <caption>{t('provenance.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('provenance.figure')}</th>
              <th scope="col">{t('provenance.reported')}</th>
              <th scope="col">{t('provenance.adjudicated')}</th>
            </tr>
          </thead>
          <tbody>
            {row({ key: 'coverage.units', label: t('provenance.row.units') }, ...overall)}
            {row({ key: 'coverage.members', label: t('provenance.row.members') }, ...overall)}
          </tbody>
          {discussion.questions.map((q, qi) => {
            const a = map(before.questions[qi]!.shares);
            const b = map(after.questions[qi]!.shares);
            return (
              <tbody key={q.id}>
                <tr>
                  <th scope="rowgroup" colSpan={3} className="dec-question">
                    {t('decision.question', { n: qi + 1 })}. <span>{q.text}</span>
                  </th>
                </tr>
                {q.positions.map((pos) => row({ key: `${q.id}.${pos.id}.members`, label: t('provenance.row.adopting', { position: pos.title }) }, a, b))}
                {q.positions.map((pos) => row({ key: `${q.id}.${pos.id}.votes`, label: t('provenance.row.votes', { position: pos.title }) }, a, b))}
              </tbody>
            );
          })}
        </table>
      </ScrollingTable>
    </>
  );
}

function Counted({ discussionId, provenance: p, discussion }: { discussionId: string; provenance: Provenance; discussion: Discussion | undefined }) {
  const { t } = useTranslation('decisions');
  const nameOf = useUnitNames(discussionId, [...new Set(p.adjudications.map((a) => a.unitId))]);
  const [showReports, setShowReports] = useState(false);
  const root = discussion?.rootUnitId ?? null;
  return (
    <>
      <h3>{t('provenance.counted')}</h3>
      <p>{t('provenance.reports', { count: p.reports.length, n: fmt.number(p.reports.length) })}</p>
      {p.adjudications.length === 0 ? (
        <p>{t('provenance.noAdjudications')}</p>
      ) : (
        <>
          <p>{t('provenance.adjudications', { count: p.adjudications.length, n: fmt.number(p.adjudications.length) })}</p>
          <ul className="dec-applied">
            {p.adjudications.map((a) => (
              <li key={a.id}>
                <Link href={`${dashboardHref(discussionId, a.unitId, root)}#challenges`}>{t('provenance.adjudication', { unit: nameOf(a.unitId) ?? a.unitId, version: a.version })}</Link>
                {': '}
                {t(`provenance.decisionOf.${a.decision}`, { defaultValue: a.decision })}
                {a.logIndex !== null ? <span className="muted"> — {t('decision.logIndex', { index: fmt.number(a.logIndex) })}</span> : null}
              </li>
            ))}
          </ul>
        </>
      )}
      <details onToggle={(e) => setShowReports((e.currentTarget as HTMLDetailsElement).open)}>
        <summary>{t('provenance.showReports')}</summary>
        {showReports ? (
          <ScrollingTable label={t('provenance.reportsCaption')}>
            <table>
              <caption>{t('provenance.reportsCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('provenance.unit')}</th>
                  <th scope="col" className="num">
                    {t('provenance.version')}
                  </th>
                  <th scope="col" className="num">
                    {t('provenance.entry')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {p.reports.map((r) => (
                  <tr key={r.unitId}>
                    <th scope="row">
                      <Link href={dashboardHref(discussionId, r.unitId, root)} className="dec-code">
                        {r.unitId}
                      </Link>
                    </th>
                    <td className="num">{fmt.number(r.version)}</td>
                    <td className="num">{r.logIndex === null ? '—' : fmt.number(r.logIndex)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollingTable>
        ) : null}
      </details>
    </>
  );
}

function ErratumView({ act: e, discussionId, lang }: { act: DecisionAct; discussionId: string; lang: string }) {
  const { t } = useTranslation('decisions');
  const title = pick(e.title, e.languages, lang);
  const text = pick((e.body.text ?? {}) as Record<string, string>, e.languages, lang);
  const headingId = `dec-erratum-${e.id}`;
  // The register links here with the erratum's id as the fragment.
  useEffect(() => {
    if (window.location.hash === `#${e.id}`) document.getElementById(e.id)?.scrollIntoView();
  }, [e.id]);
  return (
    <section id={e.id} aria-labelledby={headingId} className="dec-erratum">
      <h3 id={headingId}>
        <span className="dec-qnum">{t('kind.erratum')}</span>
        <span lang={title.lang}>{title.text}</span>
      </h3>
      <dl className="pub-dl">
        <div>
          <dt>{t('decision.effective')}</dt>
          <dd>{day(e.effectiveDate)}</dd>
        </div>
        <div>
          <dt>{t('decision.published')}</dt>
          <dd>{fmt.dateTime(e.publishedAt)}</dd>
        </div>
        <div>
          <dt>{t('decision.logEntry')}</dt>
          <dd>{e.logIndex === null ? t('decision.notLogged') : t('decision.logIndex', { index: fmt.number(e.logIndex) })}</dd>
        </div>
      </dl>
      <h4>{t('errata.text')}</h4>
      <div className="dec-text" lang={text.lang}>
        {text.text}
      </div>
      <h4>{t('errata.reason')}</h4>
      <p className="dec-text">{e.reason}</p>
      <PdfLinks discussionId={discussionId} act={e} />
    </section>
  );
}

