/**
 * The drill-down: the units below this one (or a name search below it), paged by the server, each with whether it
 * reported, its voting members and the first question's first position as members-in-adopting-units next to votes.
 * Long lists are virtualized (rows outside the window are not rendered), so thousands of loaded rows stay fast.
 */
import { lazy, Suspense, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api.ts';
import { fmt } from '../../i18n.ts';
import { ErrorNote } from '../Status.tsx';
import { rememberUnits } from './unitNames.ts';
import { UnitRow } from './UnitRow.tsx';
import { discussionPath, type Discussion, type ListedUnit, type UnitPage } from './types.ts';

const VirtualRows = lazy(() => import('./VirtualRows.tsx'));

const PAGE = 50;
/** Up to this many loaded rows are all in the page; beyond it only those near the window are rendered. */
const VIRTUALIZE_ABOVE = 150;
type Filter = 'all' | 'true' | 'false';

function PlainRows({ items, discussion, showParent }: { items: ListedUnit[]; discussion: Discussion; showParent: boolean }) {
  return (
    <tbody>
      {items.map((u, i) => (
        <UnitRow key={u.id} unit={u} discussion={discussion} index={i} showParent={showParent} />
      ))}
    </tbody>
  );
}

export function UnitList({ discussion, parent, asOf }: { discussion: Discussion; parent: { id: string; name: string }; asOf: string }) {
  const { t } = useTranslation('public');
  const ids = useId();
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState('');
  const [filter, setFilter] = useState<Filter>('all');
  const [items, setItems] = useState<ListedUnit[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const request = useRef(0);
  // The list is read once (live updates move the headline only); say when it is behind, and let the reader refresh it.
  const [listAsOf, setListAsOf] = useState(asOf);

  // Search as the reader types, a moment after the last key.
  useEffect(() => {
    const timer = setTimeout(() => setSearch(query.trim()), 350);
    return () => clearTimeout(timer);
  }, [query]);

  const load = (cursor: string | null) => {
    const n = ++request.current;
    if (!cursor) setListAsOf(asOf);
    setLoading(true);
    setError(null);
    const params = new URLSearchParams({ parent: parent.id, limit: String(PAGE) });
    if (search) params.set('q', search);
    if (filter !== 'all') params.set('reported', filter);
    if (cursor) params.set('cursor', cursor);
    api<UnitPage>(`${discussionPath(discussion.id)}/units?${params}`).then(
      (page) => {
        if (n !== request.current) return;
        rememberUnits(discussion.id, page.items);
        setItems((old) => (cursor ? [...old, ...page.items] : page.items));
        setNext(page.next);
        setLoading(false);
      },
      (e: unknown) => {
        if (n !== request.current) return;
        setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e), null));
        setLoading(false);
      },
    );
  };
  useEffect(() => {
    setItems([]);
    setNext(null);
    load(null);
  }, [discussion.id, parent.id, search, filter]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setSearch(query.trim());
  };
  const q = discussion.questions[0];
  const p = q?.positions[0];
  const status = loading && items.length === 0
    ? t('units.loading')
    : search
      ? t(next ? 'units.shownSearchMore' : 'units.shownSearch', { count: items.length, n: fmt.number(items.length), q: search })
      : t(next ? 'units.shownMore' : 'units.shown', { count: items.length, n: fmt.number(items.length) });

  return (
    <section aria-labelledby={`${ids}-h`}>
      <h2 id={`${ids}-h`}>{t('units.title')}</h2>
      <form role="search" className="pub-filters" onSubmit={onSubmit} aria-labelledby={`${ids}-h`}>
        <div>
          <label htmlFor={`${ids}-q`}>{t('units.searchLabel', { name: parent.name })}</label>
          <input id={`${ids}-q`} type="search" value={query} onChange={(e) => setQuery(e.target.value)} maxLength={200} aria-describedby={`${ids}-qh`} autoComplete="off" />
          <div id={`${ids}-qh`} className="field-hint">
            {t('units.searchHint')}
          </div>
        </div>
        <div>
          <label htmlFor={`${ids}-f`}>{t('units.filterLabel')}</label>
          <select id={`${ids}-f`} value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
            <option value="all">{t('units.filterAll')}</option>
            <option value="true">{t('units.filterReported')}</option>
            <option value="false">{t('units.filterNotReported')}</option>
          </select>
        </div>
      </form>
      <p role="status" className="pub-list-status">
        {status}
      </p>
      <ErrorNote error={error} />
      {listAsOf !== asOf && !loading ? (
        <p className="notice pub-stale">
          {t('units.stale')}{' '}
          <button type="button" className="secondary" onClick={() => load(null)}>
            {t('units.refresh')}
          </button>
        </p>
      ) : null}
      {items.length > 0 ? (
        <table className="pub-units" aria-rowcount={next ? -1 : items.length + 1} aria-describedby={`${ids}-legend`}>
          <caption className="visually-hidden">{t('units.caption', { name: parent.name })}</caption>
          <thead>
            <tr aria-rowindex={1}>
              <th scope="col">{t('units.colUnit')}</th>
              <th scope="col" className="pub-desktop-only">
                {t('units.colReported')}
              </th>
              <th scope="col" className="num pub-desktop-only">
                {t('units.colMembers')}
              </th>
              <th scope="col">{q && p ? t('units.colFigure', { n: 1, position: p.title }) : ''}</th>
            </tr>
          </thead>
          {items.length > VIRTUALIZE_ABOVE ? (
            <Suspense fallback={<PlainRows items={items} discussion={discussion} showParent={search !== ''} />}>
              <VirtualRows items={items} discussion={discussion} showParent={search !== ''} />
            </Suspense>
          ) : (
            <PlainRows items={items} discussion={discussion} showParent={search !== ''} />
          )}
        </table>
      ) : null}
      {items.length > 0 && p ? (
        <p id={`${ids}-legend`} className="muted pub-legend">
          {t('units.legend', { position: p.title })}
        </p>
      ) : null}
      {next ? (
        <p>
          <button type="button" className="secondary" onClick={() => load(next)} disabled={loading}>
            {loading ? t('units.loadingMore') : t('units.loadMore', { count: PAGE, n: fmt.number(PAGE) })}
          </button>
        </p>
      ) : null}
    </section>
  );
}
