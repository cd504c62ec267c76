/**
 * The dashboard of a discussion for any unit of the tree (/d/:id, /d/:id/u/:unitId): the headline figures, live;
 * where the unit sits (breadcrumbs); its own report if it has a roll, with its challenges and the commission's
 * decisions; the figures after those decisions beside the reported ones, when a decision changed them; the units below
 * it; how the reports came in.
 */
import { lazy, Suspense, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, ApiError, useApi, useLiveTally } from '../api.ts';
import { fmt, loadNamespace } from '../i18n.ts';
import { ErrorNote, Loading } from '../components/Status.tsx';
import { ArrivalChart, type Arrivals } from '../components/public/ArrivalChart.tsx';
import { Breadcrumbs } from '../components/public/Breadcrumbs.tsx';
import { BranchReports } from '../components/public/BranchReports.tsx';
import { CoverageFigures, QuestionFigures } from '../components/public/Figures.tsx';
import { UnitList } from '../components/public/UnitList.tsx';
import { useDocumentTitle, useFocusOnNavigate } from '../components/public/focus.ts';
import { rememberUnits } from '../components/public/unitNames.ts';
import { discussionPath, enc, type Discussion, type Tally, type UnitPage } from '../components/public/types.ts';
import '../components/public/public.css';
import type { RecordCheck } from '../record/check.ts';
import type { AdjudicatedTally } from '../challenges/model.ts';

type Unit = UnitPage['parent'];

// The check of the public log and what it says are their own chunk (with the `record` catalog), loaded after the figures.
const recordStatus = () => import('../record/RecordStatus.tsx');
const RecordLine = lazy(() => recordStatus().then((m) => ({ default: m.RecordLine })));
const RecordAlarm = lazy(() => recordStatus().then((m) => ({ default: m.RecordAlarm })));
// A unit's challenges, and the tally after the commission's decisions, are their own chunks (with the `challenges` catalog).
const UnitChallenges = lazy(() => Promise.all([import('../challenges/UnitChallenges.tsx'), loadNamespace('challenges')]).then(([m]) => ({ default: m.UnitChallenges })));
const AdjudicatedFigures = lazy(() => Promise.all([import('../challenges/AdjudicatedFigures.tsx'), loadNamespace('challenges')]).then(([m]) => ({ default: m.AdjudicatedFigures })));
// Links to the discussion's conference and binding decision, when they exist: their own chunk (with the `decisions` catalog).
const DiscussionLinks = lazy(() => Promise.all([import('../decisions/Links.tsx'), loadNamespace('decisions')]).then(([m]) => ({ default: m.DiscussionLinks })));

/** At most one announcement of changed figures this often; the latest figures are said when the pause ends. */
const ANNOUNCE_EVERY_MS = 10_000;
/** The arrivals history is fetched again at most this often while reports come in. */
const REFETCH_EVERY_MS = 10_000;

export function Dashboard({ discussionId, unitId }: { discussionId: string; unitId?: string }) {
  const { t } = useTranslation('public');
  const disc = useApi<Discussion>(discussionPath(discussionId));
  const open = disc.data?.state === 'open';
  // Asked for at once, beside the discussion rather than after it (one round trip less on a first visit); a
  // discussion that is not open has no figures, and its answer is then not used.
  const head = useApi<UnitPage>(`${discussionPath(discussionId)}/units?limit=1${unitId ? `&parent=${enc(unitId)}` : ''}`);
  const wanted = unitId ?? disc.data?.rootUnitId;
  const unit = head.data && head.data.parent.id === wanted ? head.data.parent : undefined;

  useEffect(() => {
    if (head.data) rememberUnits(discussionId, [head.data.parent, ...head.data.items]);
  }, [discussionId, head.data]);
  const record = useRecordCheck(discussionId, open && unit !== undefined);

  if (disc.error)
    return (
      <>
        <h1>{t('dashboard.titleFallback')}</h1>
        <ErrorNote error={disc.error} />
      </>
    );
  if (!disc.data) return <Loading />;
  const discussion = disc.data;
  if (!open)
    return (
      <>
        <h1>{discussion.title}</h1>
        <p className="notice">{t('dashboard.notOpen')}</p>
        <p>
          <Link href={`/d/${enc(discussion.id)}/about`}>{t('dashboard.aboutLink')}</Link>
        </p>
      </>
    );
  if (head.error && !head.loading)
    return (
      <>
        <h1>{discussion.title}</h1>
        <ErrorNote error={head.error} />
        <p>
          <Link href={`/d/${enc(discussion.id)}`}>{t('dashboard.backToRoot')}</Link>
        </p>
      </>
    );
  if (!unit || !head.data) return <Loading />;
  const recordProps = { result: record!, discussionId: discussion.id };
  return (
    <UnitDashboard
      key={unit.id}
      discussion={discussion}
      unit={unit}
      hasChildren={head.data.items.length > 0}
      recordAlarm={record ? <Suspense fallback={null}><RecordAlarm {...recordProps} /></Suspense> : null}
      recordLine={record ? <Suspense fallback={null}><RecordLine {...recordProps} /></Suspense> : null}
    />
  );
}

/**
 * Checks the discussion's public log in this browser (web/src/record/check.ts) once the figures are on screen: the check
 * never holds the page up, and its code and words load only then.
 */
function useRecordCheck(discussionId: string, figuresShown: boolean): RecordCheck | undefined {
  const [started, setStarted] = useState(false);
  const [result, setResult] = useState<{ discussionId: string; check: RecordCheck } | undefined>(undefined);
  if (figuresShown && !started) setStarted(true);
  useEffect(() => {
    if (!started) return;
    let live = true;
    const timer = setTimeout(() => {
      Promise.all([import('../record/check.ts'), loadNamespace('record'), recordStatus()])
        .then(([m]) => m.checkRecordOnce(discussionId))
        .then(
          (check) => live && setResult({ discussionId, check }),
          (e: unknown) => live && setResult({ discussionId, check: { kind: 'unavailable', detail: String(e) } }),
        );
    }, 0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [discussionId, started]);
  return result?.discussionId === discussionId ? result.check : undefined;
}

function UnitDashboard({
  discussion,
  unit,
  hasChildren,
  recordAlarm,
  recordLine,
}: {
  discussion: Discussion;
  unit: Unit;
  hasChildren: boolean;
  recordAlarm: ReactNode;
  recordLine: ReactNode;
}) {
  const { t } = useTranslation('public');
  const isRoot = unit.id === discussion.rootUnitId;
  const h1 = useRef<HTMLHeadingElement>(null);

  useDocumentTitle(isRoot ? discussion.title : `${unit.name} — ${discussion.title}`);
  useFocusOnNavigate(h1);

  // Live figures, except for a withheld unit: the API refuses its stream, so it is never opened (nor fetched again).
  const live = !unit.tally.withheld;
  const { tally, connected, error } = useLiveTally<Tally>(discussion.id, unit.id, { enabled: live });
  const current = tally ?? unit.tally;
  const announcement = useChangeAnnouncement(live ? tally : undefined);
  // The arrivals of the units below (a unit with none below has only its own report to show).
  const arrivals = useArrivals(discussion.id, unit.id, current.unitsReported, hasChildren);
  const adjudicated = useAdjudicated(discussion.id, unit.id);

  return (
    <>
      <Breadcrumbs discussionId={discussion.id} rootUnitId={discussion.rootUnitId} ancestors={unit.ancestors} current={unit.name} />
      <h1 ref={h1} tabIndex={-1} className="pub-h1">
        {isRoot ? discussion.title : unit.name}
      </h1>
      <p className="pub-subtitle">
        {isRoot ? t('dashboard.wholeOrganization', { name: unit.name }) : t('dashboard.unitOf', { kind: unit.kind, title: discussion.title })}{' '}
        <Link href={`/d/${enc(discussion.id)}/about`}>{t('dashboard.aboutLink')}</Link>
      </p>
      {isRoot ? (
        <Suspense fallback={null}>
          <DiscussionLinks discussionId={discussion.id} />
        </Suspense>
      ) : null}
      {live ? (
        <div aria-live="polite" aria-atomic="true" className="visually-hidden">
          {announcement}
        </div>
      ) : null}
      {recordAlarm}
      {error ? <ErrorNote error={error} /> : null}
      <DashboardBody
        discussion={discussion}
        unit={unit}
        tally={current}
        hasChildren={hasChildren}
        live={live ? { connected } : null}
        arrivals={hasChildren ? arrivals : null}
        adjudicated={adjudicated}
      />
      {recordLine}
    </>
  );
}

/**
 * The tally as the commission's decisions leave it (GET …/adjudicated-tally), asked for once the figures are on screen
 * (it is a recount: it never holds up the first render), once per visit; shown only when a decision changed it.
 */
function useAdjudicated(discussionId: string, unitId: string): AdjudicatedTally | undefined {
  const [asked, setAsked] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setAsked(true), 0);
    return () => clearTimeout(timer);
  }, []);
  return useApi<AdjudicatedTally>(asked ? `${discussionPath(discussionId)}/adjudicated-tally?unit=${enc(unitId)}` : null).data;
}

/** Says politely that the figures changed: not on every render, at most once per pause, with the latest figures. */
function useChangeAnnouncement(tally: Tally | undefined): string {
  const { t } = useTranslation('public');
  const [announcement, setAnnouncement] = useState('');
  const latest = useRef(tally);
  latest.current = tally;
  const seenKey = useRef<string | null>(null);
  const lastSaid = useRef(0);
  const pendingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    if (!tally) return;
    const key = `${tally.asOf}|${tally.unitsReported}|${tally.membersReported}|${tally.present}`;
    if (seenKey.current === null || seenKey.current === key) {
      seenKey.current = key;
      return;
    }
    seenKey.current = key;
    const say = () => {
      pendingTimer.current = undefined;
      lastSaid.current = Date.now();
      const l = latest.current;
      if (l) setAnnouncement(t('live.updated', { n: fmt.number(l.unitsReported), total: fmt.number(l.unitsTotal), time: fmt.time(l.asOf) }));
    };
    const wait = lastSaid.current + ANNOUNCE_EVERY_MS - Date.now();
    if (wait <= 0) say();
    else pendingTimer.current ??= setTimeout(say, wait);
  }, [tally, t]);
  useEffect(() => () => clearTimeout(pendingTimer.current), []);
  return announcement;
}

/**
 * The arrivals history (GET …/arrivals), fetched again when the count of units reported moves — at most once per
 * REFETCH_EVERY_MS; a change during the pause is fetched when it ends. The first fetch is made after the unit was read,
 * so it holds at least the count the page started with: the first live figure refetches only if something arrived
 * since. A failed refetch keeps the last good history (the next change tries again).
 */
function useArrivals(discussionId: string, unitId: string, unitsReported: number, enabled: boolean): { data: Arrivals | undefined; error: ApiError | undefined } {
  const [state, setState] = useState<{ data?: Arrivals; error?: ApiError }>({});
  const path = enabled ? `${discussionPath(discussionId)}/arrivals?unit=${enc(unitId)}` : null;
  const seq = useRef(0);
  const lastFetch = useRef(0);
  const fetchedFor = useRef(unitsReported);
  const latest = useRef(unitsReported);
  latest.current = unitsReported;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const load = useCallback(() => {
    if (path === null) return;
    const n = ++seq.current;
    lastFetch.current = Date.now();
    fetchedFor.current = latest.current;
    api<Arrivals>(path).then(
      (data) => n === seq.current && setState({ data }),
      (e: unknown) => n === seq.current && setState((s) => ({ data: s.data, error: e instanceof ApiError ? e : new ApiError(0, 'network', String(e), null) })),
    );
  }, [path]);

  useEffect(() => {
    setState({});
    load();
    return () => {
      seq.current++;
      clearTimeout(timer.current);
      timer.current = undefined;
    };
  }, [load]);

  useEffect(() => {
    if (path === null || unitsReported === fetchedFor.current || timer.current !== undefined) return;
    const wait = lastFetch.current + REFETCH_EVERY_MS - Date.now();
    const go = () => {
      timer.current = undefined;
      if (latest.current !== fetchedFor.current) load();
    };
    if (wait <= 0) go();
    else timer.current = setTimeout(go, wait);
  }, [path, unitsReported, load]);

  return { data: state.data, error: state.error };
}

function DashboardBody({
  discussion,
  unit,
  tally,
  hasChildren,
  live,
  arrivals,
  adjudicated,
}: {
  discussion: Discussion;
  unit: Unit;
  tally: Tally;
  hasChildren: boolean;
  live: { connected: boolean } | null;
  arrivals: { data: Arrivals | undefined; error: ApiError | undefined } | null;
  adjudicated: AdjudicatedTally | undefined;
}) {
  const { t } = useTranslation('public');
  const min = discussion.rules.publicMinUnitSize ?? 0;
  const ownReportFirst = unit.roll > 0 && !hasChildren;
  const report = (
    <>
      <BranchReports discussion={discussion} unitId={unit.id} refreshKey={tally.asOf} />
      <Suspense fallback={null}>
        <UnitChallenges discussion={discussion} unitId={unit.id} />
      </Suspense>
    </>
  );
  return (
    <>
      <div className={tally.provisional ? 'provisional pub-status' : 'ok pub-status'}>
        <p>
          {tally.provisional ? (
            <>
              <strong>{t('status.provisional')}</strong> {t('status.provisionalUntil', { date: fmt.dateTime(discussion.reportingClosesAt) })}
            </>
          ) : (
            <>
              <strong>{t('status.final')}</strong> {t('status.finalSince', { date: fmt.dateTime(discussion.reportingClosesAt) })}
            </>
          )}
        </p>
        <p className="pub-asof">
          {t('status.asOf', { time: fmt.dateTime(tally.asOf) })}
          {live && tally.provisional ? (
            <span className={live.connected ? 'pub-live on' : 'pub-live'}>
              <span aria-hidden="true">{live.connected ? '● ' : '○ '}</span>
              {t(live.connected ? 'status.liveOn' : 'status.liveConnecting')}
            </span>
          ) : null}
        </p>
      </div>

      {tally.withheld ? <p className="notice">{t('withheld.unit', { count: min })}</p> : null}

      {adjudicated && adjudicated.applied.length > 0 ? (
        <Suspense fallback={null}>
          <AdjudicatedFigures data={adjudicated} discussion={discussion} />
        </Suspense>
      ) : null}

      {/* A unit with no units below it is its own report first; its figures repeat that report. */}
      {ownReportFirst ? report : null}

      <section aria-labelledby="coverage-h">
        <h2 id="coverage-h">{t('dashboard.coverageTitle')}</h2>
        <CoverageFigures tally={tally} withheld={tally.withheld} />
      </section>

      {tally.withheld ? null : (
        <>
          <p className="pub-explain">{t('dashboard.contrastNote')}</p>
          <QuestionFigures tally={tally} discussion={discussion} />
        </>
      )}

      {unit.roll > 0 && !ownReportFirst ? report : null}

      {hasChildren ? <UnitList discussion={discussion} parent={unit} asOf={tally.asOf} /> : null}

      {arrivals ? (
        <section aria-labelledby="arrivals-h">
          <h2 id="arrivals-h">{t('arrivals.title')}</h2>
          {arrivals.data ? (
            <ArrivalChart arrivals={arrivals.data} openedAt={discussion.openedAt ?? discussion.reportingClosesAt} closesAt={discussion.reportingClosesAt} />
          ) : arrivals.error ? (
            <ErrorNote error={arrivals.error} />
          ) : (
            <Loading />
          )}
        </section>
      ) : null}
    </>
  );
}
