/**
 * The secretary's pages, loaded on first visit: the form carries the server's own schema and rules (zod), which the
 * public pages' readers need not download. Implementation: web/src/components/report/ReportPages.tsx.
 */
import { lazy } from 'react';

const pages = () => import('../components/report/ReportPages.tsx');

export const ReportPage = lazy(() => pages().then((m) => ({ default: m.ReportPage })));
export const ReceiptPage = lazy(() => pages().then((m) => ({ default: m.ReceiptPage })));
