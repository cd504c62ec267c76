/**
 * Who has not reported: the units with voting members and no report, with their secretaries' emails, filtered to a
 * region or district, paged ("load more"), downloadable as CSV, each with a link to enter its paper minutes. The office
 * starts at the root; a committee at its own unit (it may not look above it).
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Discussion } from '../../../src/schemas/discussion.ts';
import { api, ApiError, useApi } from '../api.ts';
import { Loading } from '../components/Status.tsx';
import { fmt } from '../i18n.ts';
import { Refusal, useTitle, type OfficeAccess } from './shared.tsx';

interface Unreported {
  unitId: string;
  name: string;
  kind: string;
  parentId: string | null;
  ancestors: string[];
  roll: number;
  secretaries: Array<{ accountId: string; email: string }>;
}
interface ListedUnit {
  id: string;
  name: string;
  kind: string;
  roll: number;
}
interface UnitPage {
  parent: { id: string; name: string; kind: string; ancestors: string[] };
  items: ListedUnit[];
  next: string | null;
}
interface TallyCounts {
  unitsTotal: number;
  unitsReported: number;
}

const PAGE = 50;
const enc = encodeURIComponent;

/** Every child of a unit in the discussion's frozen tree (all pages, at most 1,000). */
function useChildren(discussionId: string, parent: string | null) {
  const [state, setState] = useState<{ parent?: UnitPage['parent']; items: ListedUnit[]; error?: ApiError; loading: boolean }>({ items: [], loading: false });
  useEffect(() => {
    if (!parent) {
      setState({ items: [], loading: false });
      return;
    }
    let live = true;
    setState({ items: [], loading: true });
    void (async () => {
      const items: ListedUnit[] = [];
      let cursor: string | null = null;
      let head: UnitPage['parent'] | undefined;
      try {
        for (let i = 0; i < 5; i++) {
          const page: UnitPage = await api<UnitPage>(`/discussions/${enc(discussionId)}/units?parent=${enc(parent)}&limit=200${cursor ? `&cursor=${enc(cursor)}` : ''}`);
          head = page.parent;
          items.push(...page.items);
          cursor = page.next;
          if (!cursor) break;
        }
        if (live) setState({ parent: head, items, loading: false });
      } catch (e) {
        if (live) setState({ items: [], loading: false, error: e instanceof ApiError ? e : new ApiError(0, 'network', String(e), null) });
      }
    })();
    return () => {
      live = false;
    };
  }, [discussionId, parent]);
  return state;
}

export function NotReported({ discussionId, access }: { discussionId: string; access: OfficeAccess }) {
  const { t } = useTranslation('office');
  const discussion = useApi<Discussion>(`/discussions/${enc(discussionId)}`);
  useTitle(discussion.data ? t('notReported.titleOf', { title: discussion.data.title }) : t('notReported.title'));
  const d = discussion.data;
  // Where this reader starts: the root for the office; a committee's own unit (one of them, if several).
  const bases = access.office ? (d?.rootUnitId ? [d.rootUnitId] : []) : access.committeeUnits;
  const [base, setBase] = useState<string | null>(null);
  const baseId = base && bases.includes(base) ? base : (bases[0] ?? null);
  const [region, setRegion] = useState('');
  const [district, setDistrict] = useState('');
  const open = d?.state === 'open';
  const regions = useChildren(discussionId, open ? baseId : null);
  const districts = useChildren(discussionId, open && region ? region : null);
  const under = district || region || baseId || '';

  const [items, setItems] = useState<Unreported[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [count, setCount] = useState<number | null>(null);
  const [focusFrom, setFocusFrom] = useState<number | null>(null);
  // After "show more", focus moves to the first unit added (keyboard and screen-reader users continue from there).
  useEffect(() => {
    if (focusFrom === null) return;
    document.getElementById(`nr-unit-${focusFrom}`)?.focus();
    setFocusFrom(null);
  }, [focusFrom, items]);

  const query = (cursor: string | null) => `/discussions/${enc(discussionId)}/not-reported?limit=${PAGE}${under ? `&under=${enc(under)}` : ''}${cursor ? `&cursor=${enc(cursor)}` : ''}`;
  const load = async (cursor: string | null) => {
    setLoading(true);
    setError(null);
    try {
      const page = await api<{ items: Unreported[]; next: string | null }>(query(cursor));
      setItems((old) => {
        if (cursor && page.items.length) setFocusFrom(old.length);
        return cursor ? [...old, ...page.items] : page.items;
      });
      setNext(page.next);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e), null));
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    if (!open || !under) return;
    setItems([]);
    setNext(null);
    setCount(null);
    void load(null);
    // The count: the subtree's units with voting members, less those that reported (the tally's coverage).
    let live = true;
    api<TallyCounts>(`/discussions/${enc(discussionId)}/tally?unit=${enc(under)}`).then(
      (tally) => live && setCount(tally.unitsTotal - tally.unitsReported),
      () => live && setCount(null),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, under, discussionId]);

  // Names for the path: the units this page has listed (the base, its children, the chosen region's children).
  const names = new Map<string, string>();
  if (regions.parent) names.set(regions.parent.id, regions.parent.name);
  for (const u of regions.items) names.set(u.id, u.name);
  for (const u of districts.items) names.set(u.id, u.name);
  const nameOf = (id: string) => names.get(id) ?? id;
  const underName = nameOf(under);

  if (discussion.loading && !d) return <Loading />;
  if (discussion.error || !d) {
    return (
      <>
        <h1>{t('notReported.title')}</h1>
        <Refusal error={discussion.error} />
      </>
    );
  }
  const csvHref = `/api/v1/discussions/${enc(discussionId)}/not-reported?format=csv${under ? `&under=${enc(under)}` : ''}`;
  return (
    <>
      <nav aria-label={t('breadcrumbs')} className="breadcrumbs">
        <ol>
          <li>
            <Link href="/">{t('nav.discussions')}</Link>
          </li>
          <li>
            <Link href={`~/d/${enc(d.id)}`}>{d.title}</Link>
          </li>
        </ol>
      </nav>
      <h1>{t('notReported.titleOf', { title: d.title })}</h1>
      {!open ? (
        <p className="notice">{t('notReported.notOpen')}</p>
      ) : (
        <>
          <p className="muted">{access.office ? t('notReported.introOffice') : t('notReported.introCommittee')}</p>
          <form className="panel office-filters" onSubmit={(e) => e.preventDefault()} aria-labelledby="filter-title">
            <h2 id="filter-title">{t('notReported.filter')}</h2>
            {bases.length > 1 ? (
              <div className="office-field">
                <label htmlFor="nr-base">{t('notReported.base')}</label>
                <select
                  id="nr-base"
                  value={baseId ?? ''}
                  onChange={(e) => {
                    setBase(e.target.value);
                    setRegion('');
                    setDistrict('');
                  }}
                >
                  {bases.map((b) => (
                    <option key={b} value={b}>
                      {b}
                    </option>
                  ))}
                </select>
              </div>
            ) : null}
            <div className="office-field">
              <label htmlFor="nr-region">{t('notReported.level1', { name: nameOf(baseId ?? '') })}</label>
              <select
                id="nr-region"
                value={region}
                disabled={regions.loading}
                onChange={(e) => {
                  setRegion(e.target.value);
                  setDistrict('');
                }}
              >
                <option value="">{t('notReported.all', { name: nameOf(baseId ?? '') })}</option>
                {regions.items.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </select>
            </div>
            {region && districts.items.length > 0 ? (
              <div className="office-field">
                <label htmlFor="nr-district">{t('notReported.level2', { name: nameOf(region) })}</label>
                <select id="nr-district" value={district} onChange={(e) => setDistrict(e.target.value)}>
                  <option value="">{t('notReported.all', { name: nameOf(region) })}</option>
                  {districts.items.map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.name}
                    </option>
                  ))}
                </select>
              </div>
            ) : null}
            {regions.error ? <Refusal error={regions.error} /> : null}
          </form>

          <h2 id="nr-list-title">{t('notReported.listTitle', { name: underName })}</h2>
          <p role="status" aria-live="polite" className="office-count">
            {count === null ? (loading ? t('loading') : '') : t('notReported.count', { count, name: underName })}
            {count !== null && items.length > 0 && items.length < count ? ` ${t('notReported.shown', { count: items.length })}` : ''}
          </p>
          <p>
            <a href={csvHref} download className="button secondary">
              {t('notReported.csv')}
            </a>
          </p>
          <Refusal error={error} />
          {items.length === 0 && !loading && !error ? <p className="ok">{t('notReported.none')}</p> : null}
          <ul className="office-units" aria-labelledby="nr-list-title">
            {items.map((u, i) => (
              <li key={u.unitId} className="panel">
                <h3 id={`nr-unit-${i}`} tabIndex={-1}>
                  {u.name} <span className="muted office-id">({u.unitId})</span>
                </h3>
                <p className="muted office-path">
                  {u.ancestors.length ? t('notReported.path', { path: u.ancestors.map(nameOf).join(' › ') }) : t('notReported.root')}
                </p>
                <dl className="office-pairs">
                  <div>
                    <dt>{t('notReported.roll')}</dt>
                    <dd>{fmt.number(u.roll)}</dd>
                  </div>
                  <div>
                    <dt>{t('notReported.secretaries')}</dt>
                    <dd>
                      {u.secretaries.length === 0 ? (
                        <span className="muted">{t('notReported.noSecretary')}</span>
                      ) : (
                        u.secretaries.map((s, i) => (
                          <span key={s.accountId}>
                            {i > 0 ? ', ' : ''}
                            <a href={`mailto:${s.email}?subject=${enc(t('notReported.mailSubject', { title: d.title, unit: u.name }))}`}>{s.email}</a>
                          </span>
                        ))
                      )}
                    </dd>
                  </div>
                </dl>
                <Link href={`~/d/${enc(d.id)}/report?unit=${enc(u.unitId)}`}>
                  {t('notReported.enter')}
                  <span className="visually-hidden"> — {u.name}</span>
                </Link>
              </li>
            ))}
          </ul>
          {loading ? <Loading /> : null}
          {next && !loading ? (
            <button type="button" className="secondary" onClick={() => void load(next)}>
              {t('notReported.more', { count: PAGE })}
            </button>
          ) : null}
        </>
      )}
    </>
  );
}
