/**
 * Account pages: sign in (/signin?returnTo=/path), accept an invitation (/accept?token=T), reset a password
 * (/reset, /reset?token=T) and one's own account (/account: who I am, my roles, my roll entry, my sessions).
 * Tokens from email links are taken out of the address bar once used, so they do not linger in history.
 */
import { EmailField } from './EmailField.tsx';
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { Link, useLocation, useSearch } from 'wouter';
import { api, ApiError, useApi } from '../../api.ts';
import { holds, useSession, type Grant } from '../../session.tsx';
import { Loading, ErrorNote } from '../Status.tsx';
import { PasswordFields, checkNewPassword } from './PasswordFields.tsx';
import { Sessions } from './Sessions.tsx';
import { asApiError, safeReturnTo, waitSeconds } from './util.ts';
import { useDocumentTitle } from '../report/hooks.ts';
import { UnitName } from '../report/UnitPicker.tsx';
import './account.css';

const enc = encodeURIComponent;

/** A refusal in words, in a box that takes focus so it is read at once. */
function Problem({ children, focusKey }: { children: ReactNode; focusKey: unknown }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [focusKey]);
  return (
    <div className="error" role="alert" tabIndex={-1} ref={ref}>
      {children}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------------------

export function SignInPage() {
  const { t } = useTranslation('account');
  const { session, refresh } = useSession();
  const [, navigate] = useLocation();
  const returnTo = safeReturnTo(new URLSearchParams(useSearch()).get('returnTo'));
  const methods = useApi<{ password: true; oidc: boolean; oidcName?: string }>('/session/methods');
  const id = useId();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ error: ApiError; n: number } | null>(null);
  const [justSignedIn, setJustSignedIn] = useState(false);
  useDocumentTitle(t('signIn.title'));

  const emailErr = tried && email.trim() === '' ? t('signIn.emailRequired') : null;
  const passwordErr = tried && password === '' ? t('signIn.passwordRequired') : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (busy || email.trim() === '' || password === '') {
      document.getElementById(email.trim() === '' ? `${id}-email` : `${id}-password`)?.focus();
      return;
    }
    setBusy(true);
    try {
      await api('/session', { method: 'POST', body: { email: email.trim(), password } });
      setJustSignedIn(true);
      await refresh();
      navigate(returnTo, { replace: true });
    } catch (err) {
      setFailure((f) => ({ error: asApiError(err), n: (f?.n ?? 0) + 1 }));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  if (session && !justSignedIn) {
    return (
      <>
        <h1>{t('signIn.title')}</h1>
        <p className="ok">{t('signIn.already', { email: session.email })}</p>
        <ul className="link-list">
          <li>
            <Link href={returnTo}>{returnTo === '/' ? t('signIn.home') : t('signIn.continue')}</Link>
          </li>
          <li>
            <Link href="/account">{t('account.title')}</Link>
          </li>
        </ul>
      </>
    );
  }

  const f = failure?.error;
  const wrong = f?.status === 401;
  const oidcHref = `/api/v1/session/oidc?returnTo=${enc(returnTo)}`;
  return (
    <div className="account-page">
      <h1>{t('signIn.title')}</h1>
      {returnTo !== '/' ? <p className="muted">{t('signIn.returnNote')}</p> : null}
      {f ? (
        <Problem focusKey={failure?.n}>
          <p id={`${id}-problem`}>
            {wrong
              ? t('signIn.wrong')
              : f.status === 429
                ? t('common.wait', { seconds: waitSeconds(f) })
                : f.status === 0
                  ? t('common.network')
                  : t('common.failed')}
          </p>
          {!wrong && f.status !== 429 && f.status !== 0 ? (
            <p className="muted" lang="en">
              {f.message}
            </p>
          ) : null}
        </Problem>
      ) : null}
      <form noValidate onSubmit={(e) => void submit(e)} className="narrow">
        <EmailField id={id} value={email} onChange={setEmail} error={emailErr} autoComplete="username" problemId={wrong ? `${id}-problem` : undefined} />
        <label htmlFor={`${id}-password`}>{t('fields.password')}</label>
        <input
          id={`${id}-password`}
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={passwordErr || wrong ? true : undefined}
          aria-describedby={[passwordErr ? `${id}-password-err` : '', wrong ? `${id}-problem` : ''].filter(Boolean).join(' ') || undefined}
          className="wide"
        />
        {passwordErr ? (
          <p className="field-error" id={`${id}-password-err`}>
            {passwordErr}
          </p>
        ) : null}
        <p className="actions">
          <button type="submit" aria-disabled={busy || undefined}>
            {busy ? t('signIn.busy') : t('signIn.submit')}
          </button>
        </p>
      </form>
      <p>
        <Link href="/reset">{t('signIn.forgot')}</Link>
      </p>
      {methods.data?.oidc ? (
        <div className="alternative">
          <p className="muted">{t('signIn.or')}</p>
          <a className="button secondary" href={oidcHref}>
            {methods.data.oidcName ? t('signIn.oidc', { name: methods.data.oidcName }) : t('signIn.oidcGeneric')}
          </a>
        </div>
      ) : null}
      <p className="muted">{t('signIn.noAccount')}</p>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------------------

/** The token of an emailed link, read once; then taken out of the address bar. */
function useLinkToken(path: string): string | null {
  const search = useSearch();
  const [token] = useState(() => new URLSearchParams(search).get('token'));
  useEffect(() => {
    if (token && typeof window !== 'undefined' && window.location.search.includes('token=')) {
      window.history.replaceState(window.history.state, '', path);
    }
  }, [token, path]);
  return token;
}

function NewPasswordForm({
  submitLabel,
  onSubmit,
  problem,
}: {
  submitLabel: string;
  onSubmit: (password: string) => Promise<void>;
  problem: (e: ApiError) => ReactNode;
}) {
  const { t } = useTranslation('account');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ error: ApiError; n: number } | null>(null);
  const errors = checkNewPassword(password, confirm);
  const serverPasswordError = failure?.error.status === 400 && failure.error.field === 'password' ? t('password.tooShort', { min: 12 }) : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (busy) return;
    if (errors.password || errors.confirm) {
      const form = e.currentTarget as HTMLFormElement;
      // The fields render their errors now; focus the first once they have.
      requestAnimationFrame(() => (form.querySelector('[aria-invalid="true"]') as HTMLElement | null)?.focus());
      return;
    }
    setBusy(true);
    try {
      await onSubmit(password);
    } catch (err) {
      setFailure((f) => ({ error: asApiError(err), n: (f?.n ?? 0) + 1 }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {failure && !serverPasswordError ? <Problem focusKey={failure.n}>{problem(failure.error)}</Problem> : null}
      <form noValidate onSubmit={(e) => void submit(e)} className="narrow">
        <PasswordFields password={password} confirm={confirm} onPassword={setPassword} onConfirm={setConfirm} errors={errors} showErrors={tried} serverError={serverPasswordError} />
        <p className="actions">
          <button type="submit" aria-disabled={busy || undefined}>
            {busy ? t('common.busy') : submitLabel}
          </button>
        </p>
      </form>
    </>
  );
}

/** A link's refusal: unknown, used or expired (400 on the token), too many tries, or something else. */
function linkProblem(t: TFunction<'account'>, e: ApiError, expired: ReactNode): ReactNode {
  if (e.status === 400 && e.field === 'token') return expired;
  if (e.status === 429) return <p>{t('common.wait', { seconds: waitSeconds(e) })}</p>;
  if (e.status === 0) return <p>{t('common.network')}</p>;
  return (
    <>
      <p>{t('common.failed')}</p>
      <p className="muted" lang="en">
        {e.message}
      </p>
    </>
  );
}

export function AcceptInvitationPage() {
  const { t } = useTranslation('account');
  const token = useLinkToken('/accept');
  const [done, setDone] = useState(false);
  const okRef = useRef<HTMLDivElement>(null);
  useDocumentTitle(t('accept.title'));
  useEffect(() => {
    if (done) okRef.current?.focus();
  }, [done]);

  return (
    <div className="account-page">
      <h1>{t('accept.title')}</h1>
      {done ? (
        <div className="ok" tabIndex={-1} ref={okRef}>
          <p>
            <strong>{t('accept.doneTitle')}</strong> {t('accept.done')}
          </p>
          <p>
            <Link href="/signin" className="button">
              {t('accept.signIn')}
            </Link>
          </p>
        </div>
      ) : !token ? (
        <p className="notice">{t('accept.noToken')}</p>
      ) : (
        <>
          <p>{t('accept.intro')}</p>
          <NewPasswordForm
            submitLabel={t('accept.submit')}
            onSubmit={async (password) => {
              await api('/invitations/accept', { method: 'POST', body: { token, password } });
              setDone(true);
            }}
            problem={(e) =>
              e.status === 409 ? (
                <p>
                  {t('accept.exists')} <Link href="/signin">{t('accept.signInLink')}</Link> · <Link href="/reset">{t('accept.resetLink')}</Link>
                </p>
              ) : (
                linkProblem(t, e, <p>{t('accept.expired')}</p>)
              )
            }
          />
        </>
      )}
    </div>
  );
}

export function ResetPage() {
  const { t } = useTranslation('account');
  const token = useLinkToken('/reset');
  useDocumentTitle(t(token ? 'reset.setTitle' : 'reset.title'));
  return <div className="account-page">{token ? <SetNewPassword token={token} /> : <RequestReset />}</div>;
}

function RequestReset() {
  const { t } = useTranslation('account');
  const id = useId();
  const [email, setEmail] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [failure, setFailure] = useState<{ error: ApiError; n: number } | null>(null);
  const sentRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (sentTo) sentRef.current?.focus();
  }, [sentTo]);
  const emailErr = tried && email.trim() === '' ? t('reset.emailRequired') : tried && !/^[^\s@]+@[^\s@]+$/.test(email.trim()) ? t('reset.emailInvalid') : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (busy) return;
    if (email.trim() === '' || !/^[^\s@]+@[^\s@]+$/.test(email.trim())) {
      document.getElementById(`${id}-email`)?.focus();
      return;
    }
    setBusy(true);
    try {
      await api('/password-reset', { method: 'POST', body: { email: email.trim() } });
      setSentTo(email.trim());
      setFailure(null);
    } catch (err) {
      setFailure((f) => ({ error: asApiError(err), n: (f?.n ?? 0) + 1 }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>{t('reset.title')}</h1>
      {sentTo ? (
        <div className="ok" tabIndex={-1} ref={sentRef}>
          <p>{t('reset.sent', { email: sentTo })}</p>
          <p>{t('reset.sentMore')}</p>
          <p>
            <Link href="/signin">{t('reset.backToSignIn')}</Link>
          </p>
        </div>
      ) : (
        <>
          <p>{t('reset.intro')}</p>
          {failure ? (
            <Problem focusKey={failure.n}>
              <p>{failure.error.status === 429 ? t('common.wait', { seconds: waitSeconds(failure.error) }) : failure.error.status === 0 ? t('common.network') : t('common.failed')}</p>
            </Problem>
          ) : null}
          <form noValidate onSubmit={(e) => void submit(e)} className="narrow">
            <EmailField id={id} value={email} onChange={setEmail} error={emailErr} autoComplete="email" />
            <p className="actions">
              <button type="submit" aria-disabled={busy || undefined}>
                {busy ? t('common.busy') : t('reset.submit')}
              </button>
            </p>
          </form>
          <p>
            <Link href="/signin">{t('reset.backToSignIn')}</Link>
          </p>
        </>
      )}
    </>
  );
}

function SetNewPassword({ token }: { token: string }) {
  const { t } = useTranslation('account');
  const { refresh } = useSession();
  const [done, setDone] = useState(false);
  const okRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (done) okRef.current?.focus();
  }, [done]);
  return (
    <>
      <h1>{t('reset.setTitle')}</h1>
      {done ? (
        <div className="ok" tabIndex={-1} ref={okRef}>
          <p>
            <strong>{t('reset.doneTitle')}</strong> {t('reset.done')}
          </p>
          <p>
            <Link href="/signin" className="button">
              {t('reset.signIn')}
            </Link>
          </p>
        </div>
      ) : (
        <>
          <p>{t('reset.setIntro')}</p>
          <NewPasswordForm
            submitLabel={t('reset.setSubmit')}
            onSubmit={async (password) => {
              await api('/password-reset/complete', { method: 'POST', body: { token, password } });
              setDone(true);
              // Every session of the account has ended, this one too if it was signed in.
              await refresh().catch(() => undefined);
            }}
            problem={(e) =>
              linkProblem(
                t,
                e,
                <p>
                  {t('reset.expired')} <Link href="/reset">{t('reset.askAgain')}</Link>
                </p>,
              )
            }
          />
        </>
      )}
    </>
  );
}

// ---------------------------------------------------------------------------------------------------------------

interface RollEntry {
  id: string;
  unitId: string;
  name: string;
  email: string;
  status: string;
}

interface DiscussionSummary {
  id: string;
  title: string;
  state: 'draft' | 'open';
  reportingOpen: boolean;
}

function RoleLine({ grant, discussionId }: { grant: Grant; discussionId: string | null }) {
  const { t } = useTranslation('account');
  const known = ['office', 'committee', 'secretary', 'member', 'observer', 'commission'];
  const unit = grant.unitId ? (
    discussionId ? (
      <>
        <UnitName discussionId={discussionId} unitId={grant.unitId} /> <span className="muted">({grant.unitId})</span>
      </>
    ) : (
      grant.unitId
    )
  ) : null;
  const label = known.includes(grant.role) ? t(`roles.${grant.role}`) : grant.role;
  return (
    <li>
      <strong>{label}</strong>
      {unit ? <>: {unit}</> : null}
      {known.includes(grant.role) ? <span className="muted"> — {t(`roles.${grant.role}Hint`)}</span> : null}
    </li>
  );
}

export function AccountPage() {
  const { t } = useTranslation('account');
  const { session, loading, signOut } = useSession();
  const [, navigate] = useLocation();
  const discussions = useApi<DiscussionSummary[]>(session ? '/discussions' : null);
  const member = useApi<RollEntry>(session ? '/session/member' : null);
  useDocumentTitle(t('account.title'));

  if (loading) return <Loading />;
  if (!session) {
    return (
      <>
        <h1>{t('account.title')}</h1>
        <p>{t('account.signedOut')}</p>
        <p>
          <Link href={`/signin?returnTo=${enc('/account')}`} className="button">
            {t('signIn.title')}
          </Link>
        </p>
      </>
    );
  }

  const open = (discussions.data ?? []).filter((d) => d.state === 'open');
  const named = open[0]?.id ?? discussions.data?.[0]?.id ?? null;
  const reports = open.filter((d) => d.reportingOpen);
  const mayReport = holds(session, 'secretary') || holds(session, 'committee') || holds(session, 'office');
  const secretaryOf = [...new Set(session.grants.filter((g) => g.role === 'secretary' && g.unitId).map((g) => g.unitId!))];
  const status = member.data?.status;

  return (
    <div className="account-page">
      <h1>{t('account.title')}</h1>
      <section aria-labelledby="account-who">
        <h2 id="account-who">{t('account.who')}</h2>
        <p>{t('account.email', { email: session.email })}</p>
        {session.grants.length > 0 ? (
          <>
            <p>{t('account.roles', { count: session.grants.length })}</p>
            <ul className="roles">
              {session.grants.map((g) => (
                <RoleLine key={`${g.role}:${g.unitId ?? ''}`} grant={g} discussionId={named} />
              ))}
            </ul>
          </>
        ) : (
          <p>{t('account.noRoles')}</p>
        )}
        {mayReport && reports.length > 0 ? (
          <ul className="link-list">
            {reports.map((d) => (
              <li key={d.id}>
                <Link href={`/d/${enc(d.id)}/report`}>{t('account.report', { title: d.title })}</Link>
              </li>
            ))}
          </ul>
        ) : null}
        {(holds(session, 'commission') || holds(session, 'office')) && open.length > 0 ? (
          <ul className="link-list">
            {open.map((d) => (
              <li key={d.id}>
                <Link href={`/commission/${enc(d.id)}`}>{t('account.challenges', { title: d.title })}</Link>
              </li>
            ))}
          </ul>
        ) : null}
        {secretaryOf.length > 0 ? (
          <ul className="link-list">
            {secretaryOf.map((u) => (
              <li key={u}>
                <Link href={`/account/keys/${enc(u)}`}>{t('account.signingKey', { unit: u })}</Link>
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      <section aria-labelledby="account-roll">
        <h2 id="account-roll">{t('account.rollTitle')}</h2>
        {member.loading && !member.data ? (
          <Loading />
        ) : member.error?.status === 404 ? (
          <p>{t('account.notLinked')}</p>
        ) : member.error ? (
          <ErrorNote error={member.error} />
        ) : member.data ? (
          <dl className="facts">
            <dt>{t('account.name')}</dt>
            <dd>{member.data.name}</dd>
            <dt>{t('account.memberId')}</dt>
            <dd>{member.data.id}</dd>
            <dt>{t('account.unit')}</dt>
            <dd>
              {named ? <UnitName discussionId={named} unitId={member.data.unitId} /> : member.data.unitId} <span className="muted">({member.data.unitId})</span>
            </dd>
            <dt>{t('account.status')}</dt>
            <dd>{status === 'member' || status === 'candidate' ? t(`account.statuses.${status}`) : status}</dd>
            <dt>{t('account.rollEmail')}</dt>
            <dd>{member.data.email}</dd>
          </dl>
        ) : null}
        {member.data ? <p className="muted">{t('account.rollNote')}</p> : null}
      </section>

      <Sessions />

      <section aria-labelledby="account-out">
        <h2 id="account-out">{t('account.outTitle')}</h2>
        <ul className="link-list">
          <li>
            <Link href="/reset">{t('account.changePassword')}</Link>
          </li>
          <li>
            <button
              type="button"
              onClick={() =>
                void signOut().then(() => {
                  navigate('/');
                })
              }
            >
              {t('account.signOut')}
            </button>
          </li>
        </ul>
      </section>
    </div>
  );
}
