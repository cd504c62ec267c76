/**
 * Choosing the unit to report for: the person's own units as direct choices (a secretary's), and — for a committee
 * or the office — a name search below the unit they reach (GET /discussions/:id/units?parent=S&q=…). Without a
 * search text it lists the units directly below. Results are buttons; their number is announced politely.
 */
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, useApi } from '../../api.ts';
import { fmt } from '../../i18n.ts';
import { ErrorNote } from '../Status.tsx';
import { useDebounced } from './hooks.ts';
import { unitPath, type ListedUnit, type UnitListing } from './types.ts';

export function UnitPicker({
  discussionId,
  ownUnits,
  scopes,
  onPick,
}: {
  discussionId: string;
  /** Units the person reports for directly (secretary grants). */
  ownUnits: string[];
  /** Units under which the person may pick any unit (committee grants; the root for the office). */
  scopes: string[];
  onPick: (unitId: string) => void;
}) {
  const { t } = useTranslation('report');
  const id = useId();
  const [scope, setScope] = useState(scopes[0] ?? '');
  const [query, setQuery] = useState('');
  const q = useDebounced(query.trim(), 300);
  const [items, setItems] = useState<ListedUnit[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [parent, setParent] = useState<ListedUnit | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const [settled, setSettled] = useState(false);

  const pathFor = (cursor: string | null) =>
    `/discussions/${encodeURIComponent(discussionId)}/units?parent=${encodeURIComponent(scope)}&limit=20` +
    (q ? `&q=${encodeURIComponent(q)}` : '') +
    (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');

  useEffect(() => {
    if (!scope) return;
    let live = true;
    setLoading(true);
    setSettled(false);
    api<UnitListing>(pathFor(null)).then(
      (r) => {
        if (!live) return;
        setItems(r.items);
        setNext(r.next);
        setParent(r.parent);
        setError(null);
        setLoading(false);
        setSettled(true);
      },
      (e: unknown) => {
        if (!live) return;
        setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e), null));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [discussionId, scope, q]);

  const more = async () => {
    if (!next) return;
    setLoading(true);
    try {
      const r = await api<UnitListing>(pathFor(next));
      setItems((xs) => [...xs, ...r.items]);
      setNext(r.next);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e), null));
    } finally {
      setLoading(false);
    }
  };

  return (
    <section aria-labelledby={`${id}-h`} className="unit-picker">
      <h2 id={`${id}-h`}>{t('picker.title')}</h2>
      {ownUnits.length > 0 ? (
        <>
          <p>{t('picker.own')}</p>
          <ul className="choices">
            {ownUnits.map((u) => (
              <li key={u}>
                <button type="button" className="secondary choice" onClick={() => onPick(u)}>
                  <UnitName discussionId={discussionId} unitId={u} />
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {scopes.length > 0 ? (
        <>
          {scopes.length > 1 ? (
            <>
              <label htmlFor={`${id}-scope`}>{t('picker.scope')}</label>
              <select id={`${id}-scope`} value={scope} onChange={(e) => setScope(e.target.value)}>
                {scopes.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </>
          ) : null}
          <label htmlFor={`${id}-q`}>
            {t('picker.search')}
            <span className="field-hint" id={`${id}-q-hint`}>
              {' '}
              {parent ? t('picker.searchHint', { name: parent.name }) : null}
            </span>
          </label>
          <input
            id={`${id}-q`}
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            aria-describedby={`${id}-q-hint`}
            autoComplete="off"
            enterKeyHint="search"
            onKeyDown={(e) => {
              // Enter in the search box must not submit anything around it.
              if (e.key === 'Enter') e.preventDefault();
            }}
          />
          <p role="status" className="muted">
            {error ? null : settled ? (q ? t('picker.found', { count: items.length, more: next ? '+' : '' }) : t('picker.below', { count: items.length, more: next ? '+' : '' })) : loading ? t('picker.searching') : null}
          </p>
          <ErrorNote error={error} />
          {items.length > 0 ? (
            <ul className="choices">
              {items.map((u) => (
                <li key={u.id}>
                  <button type="button" className="secondary choice" onClick={() => onPick(u.id)}>
                    <span className="choice-name">{u.name}</span>
                    <span className="choice-meta">
                      {t('picker.meta', { kind: u.kind, id: u.id, roll: fmt.number(u.roll), count: u.roll })}
                      {' · '}
                      {u.reported ? t('picker.reported') : t('picker.notReported')}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
          {next ? (
            <button type="button" className="secondary" onClick={() => void more()} disabled={loading}>
              {t('picker.more')}
            </button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/** A unit's name (its id until the name arrives, or if it cannot be read). */
export function UnitName({ discussionId, unitId }: { discussionId: string; unitId: string }) {
  const { data } = useApi<UnitListing>(unitPath(discussionId, unitId));
  return <>{data?.parent.name ?? unitId}</>;
}
