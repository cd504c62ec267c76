/**
 * The secretary's pages, loaded on first visit: the form carries the server's own schema and rules (zod), which the
 * public pages' readers need not download. Implementation: web/src/components/report/ReportPages.tsx.
 */
import { lazy } from 'react';
import { loadNamespace } from '../i18n.ts';

// The pages say whether a report is signed and what its receipt proves: the `record` catalog comes with them.
const pages = () => Promise.all([import('../components/report/ReportPages.tsx'), loadNamespace('record')]).then(([m]) => m);

export const ReportPage = lazy(() => pages().then((m) => ({ default: m.ReportPage })));
export const ReceiptPage = lazy(() => pages().then((m) => ({ default: m.ReceiptPage })));
