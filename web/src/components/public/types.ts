/** Shapes of the public API answers the public pages read (types only: the server's zod schemas are the source). */
import type { Tally } from '../../../../src/schemas/tally.ts';
import type { Discussion } from '../../../../src/schemas/discussion.ts';
import type { ReportVersion } from '../../../../src/schemas/report.ts';

export type { Tally, Discussion, ReportVersion };

export type { ListedUnit, UnitPage } from '../../../../src/schemas/tally.ts';

export const enc = encodeURIComponent;
export const discussionPath = (id: string) => `/discussions/${enc(id)}`;
/** The dashboard's address of a unit; the root's is the discussion's own dashboard. */
export const dashboardHref = (discussionId: string, unitId?: string | null, rootUnitId?: string | null) =>
  !unitId || unitId === rootUnitId ? `/d/${enc(discussionId)}` : `/d/${enc(discussionId)}/u/${enc(unitId)}`;
