/**
 * Rules of the unit tree: exactly one root, every parent known, no cycles. Checked over the tree as it will be after
 * an import (existing units with the file's rows upserted over them), so a re-import that moves a unit is judged too.
 */
import { DomainError } from './errors.ts';

export interface ImportedUnit {
  line: number;
  id: string;
  parentId: string | null;
}

export function checkUnitTree(existing: ReadonlyMap<string, string | null>, rows: readonly ImportedUnit[]): void {
  const lineOf = new Map<string, number>();
  const parent = new Map(existing);
  for (const r of rows) {
    const prior = lineOf.get(r.id);
    if (prior !== undefined) {
      throw new DomainError('csv_invalid', `line ${r.line}, column 1 (id): duplicate id '${r.id}' (first on line ${prior})`, {
        field: 'id',
        location: { line: r.line, column: 1 },
      });
    }
    lineOf.set(r.id, r.line);
    parent.set(r.id, r.parentId);
  }
  for (const r of rows) {
    if (r.parentId !== null && !parent.has(r.parentId)) {
      throw new DomainError('csv_invalid', `line ${r.line}, column 2 (parent_id): unknown parent '${r.parentId}'`, {
        field: 'parent_id',
        location: { line: r.line, column: 2 },
      });
    }
    if (r.parentId === r.id) {
      throw new DomainError('csv_invalid', `line ${r.line}, column 2 (parent_id): unit '${r.id}' is its own parent`, {
        field: 'parent_id',
        location: { line: r.line, column: 2 },
      });
    }
  }
  const roots = [...parent].filter(([, p]) => p === null).map(([id]) => id);
  if (roots.length > 1) {
    // Blame a root from the file; if the file has none, the tree had two already (cannot happen through imports).
    const fileRoots = rows.filter((r) => r.parentId === null);
    const blamed = fileRoots.length > 1 ? fileRoots[1]! : (fileRoots[0] ?? rows[0]);
    const others = roots.filter((id) => id !== blamed?.id);
    throw new DomainError(
      'csv_invalid',
      `line ${blamed?.line ?? 0}, column 2 (parent_id): a second root '${blamed?.id}' (the organization's root is '${others[0]}'); every unit but one needs a parent_id`,
      { field: 'parent_id', location: { line: blamed?.line ?? 0, column: 2 } },
    );
  }
  if (roots.length === 0 && parent.size > 0) {
    const r = rows[0]!;
    throw new DomainError('csv_invalid', `line ${r.line}, column 2 (parent_id): no root — exactly one unit must have an empty parent_id`, {
      field: 'parent_id',
      location: { line: r.line, column: 2 },
    });
  }
  // Cycle check: walk up from each imported unit; states 1 = on the current path, 2 = known to reach the root.
  const state = new Map<string, 1 | 2>();
  for (const r of rows) {
    const path: string[] = [];
    let cur: string | null | undefined = r.id;
    while (cur !== null && cur !== undefined && state.get(cur) !== 2) {
      if (state.get(cur) === 1) {
        const cycle = path.slice(path.indexOf(cur)).concat(cur);
        const at = rows.find((x) => cycle.includes(x.id)) ?? r;
        throw new DomainError('csv_invalid', `line ${at.line}, column 2 (parent_id): cycle ${cycle.join(' → ')}`, {
          field: 'parent_id',
          location: { line: at.line, column: 2 },
        });
      }
      state.set(cur, 1);
      path.push(cur);
      cur = parent.get(cur);
    }
    for (const id of path) state.set(id, 2);
  }
}

export interface TreeNode {
  id: string;
  parentId: string | null;
}

/** Ancestors (root first) and depth of every unit of a valid tree, in one pass from the root. */
export function ancestorsOf<T extends TreeNode>(units: readonly T[]): Map<string, { ancestors: string[]; depth: number }> {
  const children = new Map<string | null, T[]>();
  for (const u of units) {
    const list = children.get(u.parentId);
    if (list) list.push(u);
    else children.set(u.parentId, [u]);
  }
  const out = new Map<string, { ancestors: string[]; depth: number }>();
  const stack: Array<{ u: T; ancestors: string[] }> = (children.get(null) ?? []).map((u) => ({ u, ancestors: [] }));
  while (stack.length) {
    const { u, ancestors } = stack.pop()!;
    out.set(u.id, { ancestors, depth: ancestors.length });
    const next = [...ancestors, u.id];
    for (const c of children.get(u.id) ?? []) stack.push({ u: c, ancestors: next });
  }
  if (out.size !== units.length) {
    const lost = units.find((u) => !out.has(u.id));
    throw new Error(`the unit tree is broken: '${lost?.id}' cannot be reached from the root (a cycle or a second root)`);
  }
  return out;
}
