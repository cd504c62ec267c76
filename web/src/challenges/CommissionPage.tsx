/**
 * The commission's page (/commission, /commission/:discussionId), its own chunk with the `challenges` catalog: the
 * open challenges of a discussion with their texts, who filed them and their evidence, each with the decision form;
 * then the decisions taken. The office sees the same page without the forms: only the commission decides
 * (`challenge:decide`, src/domain/policy.ts).
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useApi } from '../api.ts';
import { fmt } from '../i18n.ts';
import { holds, useSession } from '../session.tsx';
import { ErrorNote, Loading } from '../components/Status.tsx';
import { useDocumentTitle } from '../components/public/focus.ts';
import { useUnitNames } from '../components/public/unitNames.ts';
import { dashboardHref, type Discussion, type ReportVersion } from '../components/public/types.ts';
import { DecisionForm } from './DecisionForm.tsx';
import { EvidenceLine } from './UnitChallenges.tsx';
import { challengesPath, enc, type Adjudication, type Challenge, type ChallengeList } from './model.ts';
import { DecisionView } from './parts.tsx';

/** Who may see this page: the commission decides; the office reads. */
function useAccess() {
  const { session, loading } = useSession();
  return { session, loading, decides: holds(session, 'commission'), reads: holds(session, 'commission') || holds(session, 'office') };
}

function Gate({ title }: { title: string }) {
  const { t } = useTranslation('challenges');
  const { session, loading, reads } = useAccess();
  useDocumentTitle(title);
  if (loading) return <Loading />;
  if (reads) return null;
  const back = typeof window === 'undefined' ? '/commission' : window.location.pathname;
  return (
    <>
      <h1>{title}</h1>
      {session ? (
        <p>{t('commission.noRole', { email: session.email })}</p>
      ) : (
        <>
          <p>{t('commission.signedOut')}</p>
          <p>
            <Link href={`/signin?returnTo=${enc(back)}`} className="button">
              {t('commission.signIn')}
            </Link>
          </p>
        </>
      )}
    </>
  );
}

/** /commission: the open discussions, each a link to its challenges. */
export function CommissionIndex() {
  const { t } = useTranslation('challenges');
  const { reads } = useAccess();
  const list = useApi<Discussion[]>(reads ? '/discussions' : null);
  if (!reads) return <Gate title={t('commission.title')} />;
  const open = (list.data ?? []).filter((d) => d.state === 'open');
  return (
    <>
      <h1>{t('commission.title')}</h1>
      {list.error ? <ErrorNote error={list.error} /> : null}
      {!list.data ? <Loading /> : open.length === 0 ? <p>{t('commission.noDiscussions')}</p> : null}
      <ul className="ch-links">
        {open.map((d) => (
          <li key={d.id}>
            <Link href={`/commission/${enc(d.id)}`}>{d.title}</Link>
          </li>
        ))}
      </ul>
    </>
  );
}

export function CommissionPage({ discussionId }: { discussionId: string }) {
  const { t } = useTranslation('challenges');
  const { reads, decides } = useAccess();
  const disc = useApi<Discussion>(reads ? `/discussions/${enc(discussionId)}` : null);
  const list = useApi<ChallengeList>(reads ? challengesPath(discussionId) : null);
  const [done, setDone] = useState<string | null>(null);
  const doneRef = useRef<HTMLDivElement>(null);
  const h1 = useRef<HTMLHeadingElement>(null);
  const unitIds = [...new Set([...(list.data?.challenges ?? []).map((c) => c.unitId), ...(list.data?.adjudications ?? []).map((a) => a.unitId)])];
  const nameOf = useUnitNames(discussionId, unitIds);
  const title = disc.data ? t('commission.titleFor', { title: disc.data.title }) : t('commission.title');
  useDocumentTitle(title);
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);
  if (!reads) return <Gate title={t('commission.title')} />;
  if (disc.error) return <ErrorNote error={disc.error} />;
  if (!disc.data) return <Loading />;
  const discussion = disc.data;
  const challenges = list.data?.challenges ?? [];
  const open = challenges.filter((c) => c.state === 'open');
  const decided = challenges.filter((c) => c.state === 'decided');
  const ownMotion = (list.data?.adjudications ?? []).filter((a) => a.challengeId === null);
  const unitLabel = (unitId: string) => nameOf(unitId) ?? unitId;

  return (
    <div className="ch-commission">
      <h1 ref={h1} tabIndex={-1}>
        {t('commission.title')} <span className="ch-subtitle">{discussion.title}</span>
      </h1>
      <p className="muted">{decides ? t('commission.intro') : t('commission.readOnly')}</p>
      <div role="status" aria-live="polite" tabIndex={-1} ref={doneRef} className={done ? 'ok' : undefined}>
        {done}
      </div>
      {list.error ? <ErrorNote error={list.error} /> : null}
      {!list.data && list.loading ? <Loading /> : null}

      <section aria-labelledby="open-h">
        <h2 id="open-h">{t('commission.openTitle', { count: open.length, n: fmt.number(open.length) })}</h2>
        {list.data && open.length === 0 ? <p>{t('commission.noneOpen')}</p> : null}
        <ol className="ch-list">
          {open.map((c) => (
            <OpenChallenge
              key={c.id}
              challenge={c}
              discussion={discussion}
              unitName={unitLabel(c.unitId)}
              decides={decides}
              onDecided={(a) => {
                setDone(t('decide.done', { unit: unitLabel(a.unitId), version: a.reportVersion, decision: t(`decision.${a.decision}`) }));
                list.reload();
              }}
              onStale={list.reload}
            />
          ))}
        </ol>
      </section>

      <section aria-labelledby="decided-h">
        <h2 id="decided-h">{t('commission.decidedTitle', { count: decided.length + ownMotion.length, n: fmt.number(decided.length + ownMotion.length) })}</h2>
        {list.data && decided.length + ownMotion.length === 0 ? <p>{t('commission.noneDecided')}</p> : null}
        <ol className="ch-list">
          {decided.map((c) => (
            <li key={c.id} className="panel ch-item">
              <ChallengeHead challenge={c} discussion={discussion} unitName={unitLabel(c.unitId)} />
              {c.decision ? <DecisionView decision={c.decision} discussion={discussion} heading={<h4 className="ch-label">{t('item.decision')}</h4>} /> : null}
            </li>
          ))}
          {ownMotion.map((a) => (
            <OwnMotion key={a.id} adjudication={a} discussion={discussion} unitName={unitLabel(a.unitId)} />
          ))}
        </ol>
      </section>
    </div>
  );
}

function ChallengeHead({ challenge: c, discussion, unitName }: { challenge: Challenge; discussion: Discussion; unitName: string }) {
  const { t } = useTranslation('challenges');
  return (
    <>
      <h3>
        <Link href={`${dashboardHref(discussion.id, c.unitId, discussion.rootUnitId)}#challenges`}>{t('commission.unitVersion', { unit: unitName, version: c.version })}</Link>
        {': '}
        {t(`reason.${c.reason}`)}
      </h3>
      <p className="ch-meta">
        {t('item.filed', { at: fmt.dateTime(c.filedAt), who: t(c.filedAs === 'member' ? 'filedAs.member' : 'filedAs.observer') })}
        {c.filedBy ? ` ${t('item.filedBy', { who: c.filedBy })}` : ''}
      </p>
      {c.text !== null ? (
        <>
          <h4 className="ch-label">{t('item.text')}</h4>
          <blockquote className="ch-quote">{c.text}</blockquote>
        </>
      ) : null}
      <EvidenceLine discussionId={discussion.id} challenge={c} />
    </>
  );
}

function OwnMotion({ adjudication: a, discussion, unitName }: { adjudication: Adjudication; discussion: Discussion; unitName: string }) {
  const { t } = useTranslation('challenges');
  return (
    <li className="panel ch-item">
      <h3>
        <Link href={`${dashboardHref(discussion.id, a.unitId, discussion.rootUnitId)}#challenges`}>{t('commission.unitVersion', { unit: unitName, version: a.reportVersion })}</Link>
        {': '}
        {t('commission.ownMotion')}
      </h3>
      <DecisionView decision={a} discussion={discussion} />
    </li>
  );
}

function OpenChallenge({
  challenge: c,
  discussion,
  unitName,
  decides,
  onDecided,
  onStale,
}: {
  challenge: Challenge;
  discussion: Discussion;
  unitName: string;
  decides: boolean;
  onDecided: (a: Adjudication) => void;
  onStale: () => void;
}) {
  const { t } = useTranslation('challenges');
  const history = useApi<ReportVersion[]>(`/discussions/${enc(discussion.id)}/units/${enc(c.unitId)}/reports`);
  const version = history.data?.find((v) => v.version === c.version);
  const current = history.data?.find((v) => v.current);
  return (
    <li className="panel ch-item">
      <ChallengeHead challenge={c} discussion={discussion} unitName={unitName} />
      <h4 className="ch-label">{t('commission.asReported', { version: c.version })}</h4>
      {history.error ? <ErrorNote error={history.error} /> : !history.data ? <Loading /> : version ? <VersionFigures version={version} discussion={discussion} /> : null}
      {current && current.version !== c.version ? <p className="notice">{t('commission.corrected', { version: c.version, current: current.version })}</p> : null}
      {decides ? (
        history.data ? (
          <DecisionForm discussion={discussion} challenge={c} unitName={unitName} version={version ?? null} onDecided={onDecided} onStale={onStale} />
        ) : null
      ) : (
        <p className="muted">{t('commission.onlyCommission')}</p>
      )}
    </li>
  );
}

/** The counts of the version challenged, as its unit reported them. */
function VersionFigures({ version: v, discussion }: { version: ReportVersion; discussion: Discussion }) {
  const { t } = useTranslation('challenges');
  if (v.present === null || v.votes === null) return <p className="muted">{t('commission.figuresWithheld')}</p>;
  return (
    <ul className="ch-figures">
      <li>{t('commission.present', { present: fmt.number(v.present), roll: fmt.number(v.roll) })}</li>
      {discussion.questions.map((q, i) => {
        const votes = v.votes?.[q.id];
        return (
          <li key={q.id}>
            {t('questionN', { n: i + 1 })}{' '}
            {votes
              ? [...q.positions.map((p) => t('commission.votesFor', { position: p.title, n: fmt.number(votes.positions[p.id] ?? 0) })), t('commission.abstained', { n: fmt.number(votes.abstain) })].join('; ')
              : t('commission.notVoted')}
          </li>
        );
      })}
    </ul>
  );
}
