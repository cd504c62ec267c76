/** Shapes of the API answers the report pages read (the server's zod types where it exports them). */
import type { Tally } from '../../../../src/schemas/tally.ts';

export type { Discussion } from '../../../../src/schemas/discussion.ts';
export type { ReportAccepted, ReportVersion } from '../../../../src/schemas/report.ts';

/** A unit as the drill-down lists it (GET /discussions/:id/units). */
export interface ListedUnit {
  id: string;
  name: string;
  kind: string;
  parentId: string | null;
  ancestors: string[];
  /** Voting members on this unit's own frozen roll. */
  roll: number;
  reported?: boolean;
  tally: Tally;
}

export interface UnitListing {
  parent: ListedUnit;
  items: ListedUnit[];
  next: string | null;
}

export const unitPath = (discussionId: string, unitId: string) =>
  `/discussions/${encodeURIComponent(discussionId)}/units?parent=${encodeURIComponent(unitId)}&limit=1`;
export const historyPath = (discussionId: string, unitId: string) =>
  `/discussions/${encodeURIComponent(discussionId)}/units/${encodeURIComponent(unitId)}/reports`;
