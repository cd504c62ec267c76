/**
 * Names of units, remembered from every listing the pages read, so breadcrumbs need no request for units the reader
 * came through; an ancestor not seen yet costs one request (GET …/units?parent=A&limit=1 names A).
 */
import { useEffect, useState } from 'react';
import { api } from '../../api.ts';
import { discussionPath, enc, type UnitPage } from './types.ts';

const names = new Map<string, string>();
const pending = new Map<string, Promise<void>>();
const key = (d: string, u: string) => `${d}\u0000${u}`;

export function rememberUnits(discussionId: string, units: readonly { id: string; name: string }[]): void {
  for (const u of units) names.set(key(discussionId, u.id), u.name);
}

export function unitName(discussionId: string, unitId: string): string | undefined {
  return names.get(key(discussionId, unitId));
}

function fetchName(discussionId: string, unitId: string): Promise<void> {
  const k = key(discussionId, unitId);
  let p = pending.get(k);
  if (!p) {
    p = api<UnitPage>(`${discussionPath(discussionId)}/units?parent=${enc(unitId)}&limit=1`)
      .then((page) => rememberUnits(discussionId, [page.parent, ...page.items]))
      .catch(() => undefined) // the id is shown instead
      .finally(() => pending.delete(k));
    pending.set(k, p);
  }
  return p;
}

/** The names of these units, fetching those not known yet (one request each, in parallel). */
export function useUnitNames(discussionId: string, unitIds: readonly string[]): (unitId: string) => string | undefined {
  const [, setVersion] = useState(0);
  const joined = unitIds.join('\u0000');
  useEffect(() => {
    let live = true;
    const missing = unitIds.filter((u) => !names.has(key(discussionId, u)));
    if (missing.length === 0) return;
    void Promise.all(missing.map((u) => fetchName(discussionId, u))).then(() => live && setVersion((v) => v + 1));
    return () => {
      live = false;
    };
  }, [discussionId, joined]);
  return (unitId) => unitName(discussionId, unitId);
}
