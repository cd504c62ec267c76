/**
 * Account pages (sign in, accept an invitation, reset a password, my account), loaded on first visit to keep the
 * main bundle small. Implementation: web/src/components/account/AccountPages.tsx.
 */
import { lazy } from 'react';

const pages = () => import('../components/account/AccountPages.tsx');

export const SignInPage = lazy(() => pages().then((m) => ({ default: m.SignInPage })));
export const AcceptInvitationPage = lazy(() => pages().then((m) => ({ default: m.AcceptInvitationPage })));
export const ResetPage = lazy(() => pages().then((m) => ({ default: m.ResetPage })));
export const AccountPage = lazy(() => pages().then((m) => ({ default: m.AccountPage })));
