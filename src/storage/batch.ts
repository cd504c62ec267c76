/** Multi-row statements in chunks that stay under both engines' bound-parameter limits (SQLite 32,766; PostgreSQL 65,535). */
export function chunks<T>(rows: readonly T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(30000 / Math.max(1, columns)));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
