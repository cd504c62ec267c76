/**
 * The secretary's pages: the report form (/d/:id/report, `?unit=U` preselects a unit) and the receipt
 * (/d/:id/report/:unitId/receipt/:version). Loaded on first visit (web/src/pages/ReportPage.tsx): the form carries the
 * server's schema and rules, hence zod, which readers of the public pages need not download.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearch } from 'wouter';
import { useApi } from '../../api.ts';
import { fmt } from '../../i18n.ts';
import { holds, useSession } from '../../session.tsx';
import { ErrorNote, Loading } from '../Status.tsx';
import { useDocumentTitle } from './hooks.ts';
import { AdoptedSentence, QuorumSentence, formatDay } from './Outcome.tsx';
import { UnitPicker } from './UnitPicker.tsx';
import { ReportForm } from './ReportForm.tsx';
import { ReceiptRecord } from '../../record/ReceiptRecord.tsx';
import { historyPath, unitPath, type Discussion, type ReportVersion, type UnitListing } from './types.ts';
import './report.css';


const enc = encodeURIComponent;

export function ReportPage({ discussionId }: { discussionId: string }) {
  const { t } = useTranslation('report');
  const { session, loading } = useSession();
  const search = useSearch();
  const [location, navigate] = useLocation();
  const unitParam = new URLSearchParams(search).get('unit');
  const discussion = useApi<Discussion>(`/discussions/${enc(discussionId)}`);
  const h1 = useRef<HTMLHeadingElement>(null);
  useDocumentTitle(t('page.title'));

  const grants = session?.grants ?? [];
  const own = [...new Set(grants.filter((g) => g.role === 'secretary' && g.unitId).map((g) => g.unitId!))];
  const office = holds(session, 'office');
  const committees = [...new Set(grants.filter((g) => g.role === 'committee' && g.unitId).map((g) => g.unitId!))];
  const root = discussion.data?.rootUnitId ?? null;
  const scopes = office ? (root ? [root] : []) : committees;
  const unitId = unitParam ?? (own.length === 1 && scopes.length === 0 ? own[0]! : null);
  const mayChoose = scopes.length > 0 || own.length > 1;

  // Is the chosen unit within the person's reach? (The server decides; this only says it before any typing.)
  const chosen = useApi<UnitListing>(unitId && !office ? unitPath(discussionId, unitId) : null);
  const reach = (() => {
    if (!unitId || office || own.includes(unitId)) return true;
    if (!chosen.data) return undefined;
    const u = chosen.data.parent;
    return committees.some((c) => c === u.id || u.ancestors.includes(c));
  })();

  // Focus follows the step: after a unit is picked, the page's heading (the form starts right below).
  const [previous, setPrevious] = useState(unitId);
  useEffect(() => {
    if (previous !== unitId) {
      setPrevious(unitId);
      h1.current?.focus();
    }
  }, [unitId, previous]);

  const here = `${location}${search ? `?${search}` : ''}`;
  const pick = (u: string) => navigate(`/d/${enc(discussionId)}/report?unit=${enc(u)}`);

  let body: ReactNode;
  if (loading || (discussion.loading && !discussion.data)) body = <Loading />;
  else if (discussion.error) body = <ErrorNote error={discussion.error} />;
  else if (!session) {
    body = (
      <div className="panel">
        <p>{t('page.signedOut')}</p>
        <p>
          <Link href={`/signin?returnTo=${enc(here)}`} className="button">
            {t('page.signIn')}
          </Link>
        </p>
      </div>
    );
  } else if (own.length === 0 && scopes.length === 0) {
    body = <p className="notice">{t('page.noRole')}</p>;
  } else if (discussion.data!.state !== 'open') {
    body = <p className="notice">{t('form.notOpen')}</p>;
  } else if (!discussion.data!.reportingOpen) {
    body = <p className="notice">{t('form.closed', { at: fmt.dateTime(discussion.data!.reportingClosesAt) })}</p>;
  } else if (!unitId) {
    body = <UnitPicker discussionId={discussionId} ownUnits={own} scopes={scopes} onPick={pick} />;
  } else if (reach === undefined) {
    body = chosen.error ? <ErrorNote error={chosen.error} /> : <Loading />;
  } else if (!reach) {
    body = (
      <>
        <p className="notice">{t('page.outOfReach', { unit: unitId })}</p>
        <UnitPicker discussionId={discussionId} ownUnits={own} scopes={scopes} onPick={pick} />
      </>
    );
  } else {
    body = (
      <>
        {mayChoose ? (
          <p className="no-print">
            <Link href={`/d/${enc(discussionId)}/report`}>{t('page.otherUnit')}</Link>
          </p>
        ) : null}
        <ReportForm
          key={unitId}
          discussion={discussion.data!}
          unitId={unitId}
          onAccepted={(a) => navigate(`/d/${enc(discussionId)}/report/${enc(a.unitId)}/receipt/${a.version}`)}
        />
      </>
    );
  }

  return (
    <>
      <h1 ref={h1} tabIndex={-1}>
        {t('page.title')}
      </h1>
      {discussion.data ? (
        <p className="muted">
          <Link href={`/d/${enc(discussionId)}/about`}>{discussion.data.title}</Link>
        </p>
      ) : null}
      {body}
    </>
  );
}

export function ReceiptPage({ discussionId, unitId, version }: { discussionId: string; unitId: string; version: number }) {
  const { t, i18n } = useTranslation('report');
  const { session } = useSession();
  const discussion = useApi<Discussion>(`/discussions/${enc(discussionId)}`);
  const history = useApi<ReportVersion[]>(historyPath(discussionId, unitId));
  const unit = useApi<UnitListing>(unitPath(discussionId, unitId));
  const h1 = useRef<HTMLHeadingElement>(null);
  const [copied, setCopied] = useState(false);
  useDocumentTitle(t('receipt.title', { version }));
  // Arriving from the form, the reader starts at the heading that says it was accepted.
  useEffect(() => h1.current?.focus(), []);

  const error = discussion.error ?? history.error ?? unit.error;
  const v = history.data?.find((x) => x.version === version);
  const latest = history.data?.find((x) => x.current);
  const d = discussion.data;
  const name = unit.data?.parent.name ?? unitId;
  const canCorrect =
    holds(session, 'office') ||
    holds(session, 'secretary', unitId) ||
    (session?.grants ?? []).some((g) => g.role === 'committee' && g.unitId && (g.unitId === unitId || unit.data?.parent.ancestors.includes(g.unitId)));
  const clipboard = typeof navigator !== 'undefined' && !!navigator.clipboard && window.isSecureContext;

  let content: ReactNode;
  if (error) content = <ErrorNote error={error} />;
  else if (!history.data || !d) content = <Loading />;
  else if (!v) content = <p className="notice">{t('receipt.noSuchVersion', { version, unit: name })}</p>;
  else {
    content = (
      <>
        <p className={v.current ? 'ok' : 'notice'}>
          {v.current ? t('receipt.accepted', { version: v.version, unit: name }) : t('receipt.superseded', { version: v.version, latest: latest?.version ?? '?' })}
        </p>
        <dl>
          <dt>{t('receipt.unit')}</dt>
          <dd>
            {name} <span className="muted">({unitId})</span>
          </dd>
          <dt>{t('receipt.version')}</dt>
          <dd>{v.version}</dd>
          <dt>{t('receipt.submittedAt')}</dt>
          <dd>
            <time dateTime={v.submittedAt}>{fmt.dateTime(v.submittedAt)}</time>
          </dd>
          <dt>{t('receipt.meetingDate')}</dt>
          <dd>{formatDay(v.meetingDate, i18n.language)}</dd>
          <dt>{t('receipt.result')}</dt>
          <dd>
            {v.withheld || v.present === null || v.quorate === null || !v.adopted ? (
              t('receipt.withheld')
            ) : (
              <>
                <p className="quorum-line">
                  <QuorumSentence present={v.present} roll={v.roll} quorate={v.quorate} quorum={d.rules.quorum} />
                </p>
                <ul className="outcome">
                  {d.questions.map((q, i) => (
                    <li key={q.id}>
                      <span className="question-number">{t('form.question', { n: i + 1 })}:</span>{' '}
                      <AdoptedSentence discussion={d} questionId={q.id} adopted={v.adopted![q.id] ?? null} votes={v.votes?.[q.id]} present={v.present!} quorate={v.quorate!} />
                      {v.votes?.[q.id] ? (
                        <div className="muted">
                          {t('receipt.votes', {
                            list: q.positions.map((p) => `${p.title}: ${fmt.number(v.votes![q.id]!.positions[p.id] ?? 0)}`).join('; '),
                            abstain: fmt.number(v.votes[q.id]!.abstain),
                          })}
                        </div>
                      ) : null}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </dd>
          <dt id="receipt-hash-label">{t('receipt.hash')}</dt>
          <dd>
            <code className="hash" aria-labelledby="receipt-hash-label">
              {v.resolutionSha256}
            </code>
            <p>{t('receipt.keep')}</p>
            {clipboard ? (
              <p className="no-print">
                <button
                  type="button"
                  className="secondary"
                  onClick={() =>
                    void navigator.clipboard.writeText(v.resolutionSha256).then(
                      () => setCopied(true),
                      () => setCopied(false),
                    )
                  }
                >
                  {t('receipt.copy')}
                </button>{' '}
                <span role="status">{copied ? t('receipt.copied') : ''}</span>
              </p>
            ) : null}
          </dd>
        </dl>
        <ReceiptRecord discussionId={discussionId} unitId={unitId} version={v.version} resolutionSha256={v.resolutionSha256} accountId={session?.accountId} />
        <ul className="link-list no-print">
          <li>
            <Link href={`/d/${enc(discussionId)}/u/${enc(unitId)}`}>{t('receipt.dashboard', { unit: name })}</Link>
          </li>
          {v.current && canCorrect && d.reportingOpen ? (
            <li>
              <Link href={`/d/${enc(discussionId)}/report?unit=${enc(unitId)}`}>{t('receipt.correct')}</Link>
            </li>
          ) : null}
          <li>
            <button type="button" className="link" onClick={() => window.print()}>
              {t('receipt.print')}
            </button>
          </li>
        </ul>
      </>
    );
  }

  return (
    <div className="receipt">
      <h1 ref={h1} tabIndex={-1}>
        {t('receipt.title', { version })}
      </h1>
      {d ? <p className="muted">{d.title}</p> : null}
      {content}
    </div>
  );
}
