/** The frame of every page: skip link, header with navigation and language, the main landmark, footer. */
import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { LANGUAGES, languageName, loadNamespace } from '../i18n.ts';
import { holds, useSession } from '../session.tsx';

// A signed-in member's notices of binding decisions: their own chunk (web/src/decisions), loaded only when signed in.
const NoticeBanner = lazy(() => Promise.all([import('../decisions/Notices.tsx'), loadNamespace('decisions')]).then(([m]) => ({ default: m.NoticeBanner })));

export function Layout({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const { session, signOut } = useSession();
  const office = holds(session, 'office') || holds(session, 'committee');
  const commission = holds(session, 'commission');
  return (
    <>
      <a className="skip" href="#main">
        {t('nav.skip')}
      </a>
      <header className="site">
        <div className="wrap">
          <Link href="/" className="brand">
            Plenum
          </Link>
          <nav aria-label={t('nav.label')}>
            <ul>
              <li>
                <Link href="/">{t('nav.discussions')}</Link>
              </li>
              <li>
                <Link href="/decisions">{t('nav.decisions')}</Link>
              </li>
              {office ? (
                <li>
                  <Link href="/office">{t('nav.office')}</Link>
                </li>
              ) : null}
              {commission ? (
                <li>
                  <Link href="/commission">{t('nav.commission')}</Link>
                </li>
              ) : null}
              {commission && !office ? (
                <li>
                  <Link href="/office">{t('nav.credentials')}</Link>
                </li>
              ) : null}
              {session ? (
                <>
                  <li>
                    <Link href="/account">{t('nav.account')}</Link>
                  </li>
                  <li>
                    <button type="button" className="link" onClick={() => void signOut()}>
                      {t('nav.signOut')}
                    </button>
                  </li>
                </>
              ) : (
                <li>
                  <Link href="/signin">{t('nav.signIn')}</Link>
                </li>
              )}
            </ul>
          </nav>
          <label className="language">
            <span className="visually-hidden">{t('nav.language')}</span>
            <select value={i18n.language} onChange={(e) => void i18n.changeLanguage(e.target.value)}>
              {LANGUAGES.map((l) => (
                <option key={l} value={l} lang={l}>
                  {languageName(l)}
                </option>
              ))}
            </select>
          </label>
        </div>
      </header>
      {session ? (
        <Suspense fallback={null}>
          <NoticeBanner />
        </Suspense>
      ) : null}
      <main id="main" tabIndex={-1} className="wrap">
        {children}
      </main>
      <footer className="site">
        <div className="wrap muted">{t('footer.checkable')}</div>
      </footer>
    </>
  );
}
