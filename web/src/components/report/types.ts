/** Shapes of the API answers the report pages read (the server's zod types where it exports them). */
export type { Discussion } from '../../../../src/schemas/discussion.ts';
export type { ReportAccepted, ReportVersion } from '../../../../src/schemas/report.ts';

import type { ListedUnit as Listed } from '../../../../src/schemas/tally.ts';
export type { UnitPage as UnitListing } from '../../../../src/schemas/tally.ts';

/** A unit as the drill-down lists it; the form also holds the page's parent, which carries no `reported`. */
export type ListedUnit = Omit<Listed, 'reported'> & { reported?: boolean };

export const unitPath = (discussionId: string, unitId: string) =>
  `/discussions/${encodeURIComponent(discussionId)}/units?parent=${encodeURIComponent(unitId)}&limit=1`;
export const historyPath = (discussionId: string, unitId: string) =>
  `/discussions/${encodeURIComponent(discussionId)}/units/${encodeURIComponent(unitId)}/reports`;
