/** Shapes of the public API answers the public pages read (types only: the server's zod schemas are the source). */
import type { Tally } from '../../../../src/schemas/tally.ts';
import type { Discussion } from '../../../../src/schemas/discussion.ts';
import type { ReportVersion } from '../../../../src/schemas/report.ts';

export type { Tally, Discussion, ReportVersion };

/** One unit of GET /discussions/:id/units (the drill-down), with its tally as this reader may see it. */
export interface ListedUnit {
  id: string;
  name: string;
  kind: string;
  parentId: string | null;
  /** Root first; the unit itself is not among them. */
  ancestors: string[];
  /** Voting members on this unit's own frozen roll (its subtree's are `tally.membersTotal`). */
  roll: number;
  reported: boolean;
  tally: Tally;
}

export interface UnitPage {
  parent: Omit<ListedUnit, 'reported'>;
  items: ListedUnit[];
  next: string | null;
}

export const enc = encodeURIComponent;
export const discussionPath = (id: string) => `/discussions/${enc(id)}`;
/** The dashboard's address of a unit; the root's is the discussion's own dashboard. */
export const dashboardHref = (discussionId: string, unitId?: string | null, rootUnitId?: string | null) =>
  !unitId || unitId === rootUnitId ? `/d/${enc(discussionId)}` : `/d/${enc(discussionId)}/u/${enc(unitId)}`;
