/**
 * A unit's own report (units with their own roll): the current version — meeting, attendance, votes, what was
 * adopted, the resolution or its SHA-256 — and every version with what changed from the one before.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { useApi } from '../../api.ts';
import { fmt } from '../../i18n.ts';
import { ErrorNote, Loading } from '../Status.tsx';
import { quorumFor } from './rules.ts';
import { discussionPath, enc, type Discussion, type ReportVersion } from './types.ts';

/** A meeting date (YYYY-MM-DD) as a date in words, the same day in every time zone. */
export const meetingDay = (d: string) => fmt.date(`${d}T12:00:00Z`);

function positionTitle(discussion: Discussion, questionId: string, positionId: string | null | undefined, t: TFunction<'public'>): string {
  if (!positionId) return t('reports.nothingAdopted');
  return discussion.questions.find((q) => q.id === questionId)?.positions.find((p) => p.id === positionId)?.title ?? positionId;
}

/** What changed from one version to the next, in words. */
function changes(prev: ReportVersion, cur: ReportVersion, discussion: Discussion, t: TFunction<'public'>): string[] {
  const out: string[] = [];
  if (prev.meetingDate !== cur.meetingDate) out.push(t('reports.change.meetingDate', { from: meetingDay(prev.meetingDate), to: meetingDay(cur.meetingDate) }));
  if (prev.present !== null && cur.present !== null && prev.present !== cur.present)
    out.push(t('reports.change.present', { from: fmt.number(prev.present), to: fmt.number(cur.present) }));
  if (prev.quorate !== null && cur.quorate !== null && prev.quorate !== cur.quorate)
    out.push(t('reports.change.quorate', { from: t(prev.quorate ? 'reports.quorate' : 'reports.notQuorate'), to: t(cur.quorate ? 'reports.quorate' : 'reports.notQuorate') }));
  discussion.questions.forEach((q, qi) => {
    const question = t('dashboard.questionN', { n: qi + 1 });
    const a = prev.votes?.[q.id];
    const b = cur.votes?.[q.id];
    if (prev.votes && cur.votes) {
      for (const p of q.positions) {
        const from = a?.positions[p.id] ?? 0;
        const to = b?.positions[p.id] ?? 0;
        if (from !== to) out.push(t('reports.change.votes', { question, position: p.title, from: fmt.number(from), to: fmt.number(to) }));
      }
      if ((a?.abstain ?? 0) !== (b?.abstain ?? 0)) out.push(t('reports.change.abstain', { question, from: fmt.number(a?.abstain ?? 0), to: fmt.number(b?.abstain ?? 0) }));
      if (!a !== !b) out.push(t(b ? 'reports.change.voted' : 'reports.change.notVoted', { question }));
    }
    if (prev.adopted && cur.adopted && (prev.adopted[q.id] ?? null) !== (cur.adopted[q.id] ?? null))
      out.push(t('reports.change.adopted', { question, from: positionTitle(discussion, q.id, prev.adopted[q.id], t), to: positionTitle(discussion, q.id, cur.adopted[q.id], t) }));
  });
  if (prev.resolutionSha256 !== cur.resolutionSha256) out.push(t('reports.change.resolution'));
  if (out.length === 0) out.push(t('reports.change.none'));
  return out;
}

function Withheld({ min }: { min: number }) {
  const { t } = useTranslation('public');
  return <p className="notice">{t('withheld.figures', { count: min })}</p>;
}

function CurrentReport({ report, discussion }: { report: ReportVersion; discussion: Discussion }) {
  const { t } = useTranslation('public');
  const min = discussion.rules.publicMinUnitSize ?? 0;
  return (
    <>
      <p className="muted">{t('reports.versionLine', { version: report.version, at: fmt.dateTime(report.submittedAt) })}</p>
      <dl className="pub-dl">
        <div>
          <dt>{t('reports.meetingDate')}</dt>
          <dd>{meetingDay(report.meetingDate)}</dd>
        </div>
        {report.withheld || report.present === null ? null : (
          <>
            <div>
              <dt>{t('reports.present')}</dt>
              <dd>{t('reports.presentOf', { present: fmt.number(report.present), roll: fmt.number(report.roll) })}</dd>
            </div>
            <div>
              <dt>{t('reports.quorum')}</dt>
              <dd>
                {t(report.quorate ? 'reports.quorateYes' : 'reports.quorateNo', { needed: fmt.number(quorumFor(discussion.rules.quorum, report.roll)) })}
              </dd>
            </div>
          </>
        )}
      </dl>
      {report.withheld || report.votes === null ? (
        <Withheld min={min} />
      ) : (
        discussion.questions.map((q, qi) => {
          const v = report.votes?.[q.id];
          const adopted = report.adopted?.[q.id] ?? null;
          return (
            <div key={q.id} className="table-scroll">
              <table className="pub-votes">
                <caption>
                  {t('dashboard.questionN', { n: qi + 1 })} <span className="pub-caption-text">{q.text}</span>
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{t('reports.position')}</th>
                    <th scope="col" className="num">
                      {t('reports.votes')}
                    </th>
                    <th scope="col">{t('reports.outcome')}</th>
                  </tr>
                </thead>
                <tbody>
                  {v ? (
                    <>
                      {q.positions.map((p) => (
                        <tr key={p.id}>
                          <th scope="row">{p.title}</th>
                          <td className="num">{fmt.number(v.positions[p.id] ?? 0)}</td>
                          <td>{adopted === p.id ? <strong>{t('reports.adoptedMark')}</strong> : null}</td>
                        </tr>
                      ))}
                      <tr>
                        <th scope="row">{t('reports.abstain')}</th>
                        <td className="num">{fmt.number(v.abstain)}</td>
                        <td />
                      </tr>
                    </>
                  ) : (
                    <tr>
                      <td colSpan={3}>{t('reports.notVoted')}</td>
                    </tr>
                  )}
                </tbody>
              </table>
              {v && adopted === null ? <p className="pub-after-table">{t('reports.noneAdopted')}</p> : null}
            </div>
          );
        })
      )}
      <h3>{t('reports.resolution')}</h3>
      {report.resolution !== null ? (
        <blockquote className="pub-resolution">{report.resolution}</blockquote>
      ) : (
        <p>{t('reports.resolutionRestricted')}</p>
      )}
      <p className="pub-hash">
        {t('reports.sha256')} <code>{report.resolutionSha256}</code>
      </p>
    </>
  );
}

export function BranchReports({ discussion, unitId, refreshKey }: { discussion: Discussion; unitId: string; refreshKey: string | undefined }) {
  const { t } = useTranslation('public');
  const { data, error, loading, reload } = useApi<ReportVersion[]>(`${discussionPath(discussion.id)}/units/${enc(unitId)}/reports`);
  // Read the history again when this unit's tally moves (a new version or a correction arrived).
  const seen = useRef(refreshKey);
  useEffect(() => {
    if (refreshKey !== seen.current) {
      seen.current = refreshKey;
      reload();
    }
  }, [refreshKey]);
  const current = data?.find((r) => r.current) ?? data?.[data.length - 1];
  return (
    <section aria-labelledby="report-h">
      <h2 id="report-h">{t('reports.title')}</h2>
      {error ? <ErrorNote error={error} /> : null}
      {!data && loading ? <Loading /> : null}
      {data && !current ? <p>{t('reports.none')}</p> : null}
      {data && current ? (
        <>
          <CurrentReport report={current} discussion={discussion} />
          <h3>{t('reports.history')}</h3>
          <ol className="pub-history">
            {data.map((r, i) => (
              <li key={r.version}>
                <strong>{t('reports.versionN', { version: r.version })}</strong>
                {r.current ? ` (${t('reports.currentVersion')})` : ''}
                {' — '}
                {t('reports.submittedMeeting', { at: fmt.dateTime(r.submittedAt), meeting: meetingDay(r.meetingDate) })}
                <ul>
                  {i === 0 ? <li>{t('reports.firstVersion')}</li> : changes(data[i - 1]!, r, discussion, t).map((c, j) => <li key={j}>{c}</li>)}
                </ul>
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}
