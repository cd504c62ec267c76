/**
 * The office pages (a separate chunk, mounted at /office with nested routes): discussions, the discussion form, the
 * roll import, who has not reported, roles, and secretaries' signing keys. The office sees all of it; a committee its subtree's lists and roles.
 * Paths here are relative to /office; `~/…` leaves the nest.
 */
import { useTranslation } from 'react-i18next';
import { Link, Route, Switch, useLocation } from 'wouter';
import { Loading } from '../components/Status.tsx';
import { useSession } from '../session.tsx';
import { ImportPage } from './ImportPage.tsx';
import { KeysPage } from './KeysPage.tsx';
import { NewDiscussion } from './NewDiscussion.tsx';
import { NotReported } from './NotReported.tsx';
import { OfficeHome } from './OfficeHome.tsx';
import { RolesPage } from './RolesPage.tsx';
import { accessOf, useTitle, type OfficeAccess } from './shared.tsx';
import { ConferenceArea, CredentialsRoutes } from './conference/ConferenceArea.tsx';
import './office.css';

export default function Office() {
  const { t } = useTranslation('office');
  const { session, loading } = useSession();
  const [location] = useLocation();
  if (loading) return <Loading />;
  const access = accessOf(session);
  if (!session) return <Gate title={t('gate.signedOutTitle')} text={t('gate.signedOut')} link={{ href: `~/signin?returnTo=${encodeURIComponent(`/office${location === '/' ? '' : location}`)}`, label: t('gate.signIn') }} />;
  if (!access.office && access.committeeUnits.length === 0) {
    // The commission comes here only for the conferences' credentials.
    if (access.commission) return <CredentialsRoutes access={access} />;
    return <Gate title={t('gate.noRoleTitle')} text={t('gate.noRole', { email: session.email })} link={{ href: '~/', label: t('gate.home') }} />;
  }
  return (
    <>
      <OfficeNav access={access} />
      <Switch>
        <Route path="/">
          <OfficeHome access={access} />
        </Route>
        <Route path="/discussions/new">{access.office ? <NewDiscussion /> : <OfficeOnly />}</Route>
        <Route path="/import">{access.office ? <ImportPage /> : <OfficeOnly />}</Route>
        <Route path="/d/:id/not-reported">{(p) => <NotReported discussionId={p.id} access={access} />}</Route>
        <Route path="/roles">
          <RolesPage access={access} />
        </Route>
        <Route path="/keys">
          <KeysPage access={access} />
        </Route>
        <Route path="/conference/:id" nest>
          {(p) => <ConferenceArea discussionId={p.id} access={access} />}
        </Route>
        <Route>
          <OfficeNotFound />
        </Route>
      </Switch>
    </>
  );
}

function OfficeNav({ access }: { access: OfficeAccess }) {
  const { t } = useTranslation('office');
  const [location] = useLocation();
  const items: Array<[string, string]> = [['/', t('nav.discussions')]];
  if (access.office) items.push(['/discussions/new', t('nav.newDiscussion')], ['/import', t('nav.import')]);
  items.push(['/roles', t('nav.roles')], ['/keys', t('nav.keys')]);
  return (
    <nav aria-label={t('nav.label')} className="office-nav">
      <ul>
        {items.map(([href, label]) => (
          <li key={href}>
            <Link href={href} aria-current={location === href ? 'page' : undefined}>
              {label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Gate({ title, text, link }: { title: string; text: string; link: { href: string; label: string } }) {
  useTitle(title);
  return (
    <>
      <h1>{title}</h1>
      <p>{text}</p>
      <p>
        <Link href={link.href} className="button">
          {link.label}
        </Link>
      </p>
    </>
  );
}

function OfficeOnly() {
  const { t } = useTranslation('office');
  useTitle(t('gate.officeOnlyTitle'));
  return (
    <>
      <h1>{t('gate.officeOnlyTitle')}</h1>
      <p>{t('gate.officeOnly')}</p>
      <p>
        <Link href="/">{t('gate.backToOffice')}</Link>
      </p>
    </>
  );
}

function OfficeNotFound() {
  const { t } = useTranslation('office');
  useTitle(t('notFound.title'));
  return (
    <>
      <h1>{t('notFound.title')}</h1>
      <p>
        <Link href="/">{t('gate.backToOffice')}</Link>
      </p>
    </>
  );
}
