/**
 * The page map. Public pages and the secretary's pages are in the main bundle; the office pages and the commission's
 * page (web/src/challenges) are separate chunks loaded on first visit (code-split). One route per line; each page
 * lives in web/src/pages, web/src/office or web/src/challenges.
 */
import { lazy, Suspense } from 'react';
import { Route, Switch } from 'wouter';
import { Layout } from './components/Layout.tsx';
import { loadNamespace } from './i18n.ts';
import { Loading } from './components/Status.tsx';
import { Home } from './pages/Home.tsx';
import { Dashboard } from './pages/Dashboard.tsx';
import { DiscussionPage } from './pages/DiscussionPage.tsx';
import { ReportPage, ReceiptPage } from './pages/ReportPage.tsx';
import { SignInPage, AcceptInvitationPage, ResetPage, AccountPage } from './pages/AccountPages.tsx';
import { NotFound } from './pages/NotFound.tsx';

const Office = lazy(() => Promise.all([import('./office/Office.tsx'), loadNamespace('office'), loadNamespace('conference-office')]).then(([m]) => m));
const challengesChunk = () => Promise.all([import('./challenges/CommissionPage.tsx'), loadNamespace('challenges')]).then(([m]) => m);
const CommissionIndex = lazy(() => challengesChunk().then((m) => ({ default: m.CommissionIndex })));
const CommissionPage = lazy(() => challengesChunk().then((m) => ({ default: m.CommissionPage })));
const SigningKeyPage = lazy(() => Promise.all([import('./record/KeyPage.tsx'), loadNamespace('record')]).then(([m]) => ({ default: m.SigningKeyPage })));
// The binding decision, its register and the conference (web/src/decisions): their own chunks, with the `decisions` catalog.
const RegisterPage = lazy(() => Promise.all([import('./decisions/RegisterPage.tsx'), loadNamespace('decisions')]).then(([m]) => ({ default: m.RegisterPage })));
const DecisionPage = lazy(() => Promise.all([import('./decisions/DecisionPage.tsx'), loadNamespace('decisions')]).then(([m]) => ({ default: m.DecisionPage })));
const ConferencePage = lazy(() => Promise.all([import('./decisions/ConferencePage.tsx'), loadNamespace('decisions')]).then(([m]) => ({ default: m.ConferencePage })));

export function App() {
  return (
    <Layout>
      <Suspense fallback={<Loading />}>
        <Switch>
          <Route path="/" component={Home} />
          <Route path="/d/:id">{(p) => <Dashboard discussionId={p.id} />}</Route>
          <Route path="/d/:id/u/:unitId">{(p) => <Dashboard discussionId={p.id} unitId={p.unitId} />}</Route>
          <Route path="/d/:id/about">{(p) => <DiscussionPage discussionId={p.id} />}</Route>
          <Route path="/d/:id/conference">{(p) => <ConferencePage discussionId={p.id} />}</Route>
          <Route path="/d/:id/report">{(p) => <ReportPage discussionId={p.id} />}</Route>
          <Route path="/d/:id/report/:unitId/receipt/:version">{(p) => <ReceiptPage discussionId={p.id} unitId={p.unitId} version={Number(p.version)} />}</Route>
          <Route path="/signin" component={SignInPage} />
          <Route path="/accept" component={AcceptInvitationPage} />
          <Route path="/reset" component={ResetPage} />
          <Route path="/account" component={AccountPage} />
          <Route path="/account/keys">{() => <SigningKeyPage />}</Route>
          <Route path="/account/keys/:unitId">{(p) => <SigningKeyPage unitId={p.unitId} />}</Route>
          <Route path="/commission">{() => <CommissionIndex />}</Route>
          <Route path="/commission/:id">{(p) => <CommissionPage discussionId={p.id} />}</Route>
          <Route path="/decisions">{() => <RegisterPage />}</Route>
          <Route path="/decisions/:discussionId">{(p) => <DecisionPage discussionId={p.discussionId} />}</Route>
          <Route path="/office" nest>
            <Office />
          </Route>
          <Route component={NotFound} />
        </Switch>
      </Suspense>
    </Layout>
  );
}
