/**
 * The account's own sessions (GET /api/v1/sessions): the ones still open — this device marked — each other one with
 * a button to end it (a lost phone), and the ended ones folded away.
 */
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, useApi } from '../../api.ts';
import { fmt } from '../../i18n.ts';
import { ErrorNote, Loading } from '../Status.tsx';
import { asApiError, describeAgent } from './util.ts';

export interface OwnSession {
  id: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  address: string | null;
  userAgent: string | null;
  current: boolean;
}

function Device({ s }: { s: OwnSession }) {
  const { t } = useTranslation('account');
  const { browser, os } = describeAgent(s.userAgent);
  const what = browser && os ? t('sessions.browserOn', { browser, os }) : (browser ?? os ?? (s.userAgent ? s.userAgent.slice(0, 80) : t('sessions.unknownDevice')));
  return <>{what}</>;
}

export function Sessions() {
  const { t } = useTranslation('account');
  const id = useId();
  const list = useApi<OwnSession[]>('/sessions');
  const [said, setSaid] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const end = async (s: OwnSession, label: string) => {
    setBusy(s.id);
    setError(null);
    try {
      await api(`/sessions/${encodeURIComponent(s.id)}`, { method: 'DELETE' });
      setSaid(t('sessions.ended', { device: label }));
      list.reload();
      // The button is gone: keep the reader's place at the list.
      headingRef.current?.focus();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(null);
    }
  };

  const now = Date.now();
  const open = (list.data ?? []).filter((s) => !s.revokedAt && Date.parse(s.expiresAt) > now).sort((a, b) => Number(b.current) - Number(a.current) || b.createdAt.localeCompare(a.createdAt));
  const closed = (list.data ?? []).filter((s) => s.revokedAt || Date.parse(s.expiresAt) <= now).sort((a, b) => b.createdAt.localeCompare(a.createdAt));

  return (
    <section aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`} ref={headingRef} tabIndex={-1}>
        {t('sessions.title')}
      </h2>
      <p className="muted">{t('sessions.intro')}</p>
      <p role="status">{said}</p>
      <ErrorNote error={error} />
      {list.error ? <ErrorNote error={list.error} /> : null}
      {!list.data && !list.error ? <Loading /> : null}
      {list.data ? (
        <ul className="sessions">
          {open.map((s) => {
            const { browser, os } = describeAgent(s.userAgent);
            const label = browser && os ? t('sessions.browserOn', { browser, os }) : (browser ?? os ?? t('sessions.unknownDevice'));
            return (
              <li key={s.id} className="panel session">
                <p className="session-device" id={`${id}-${s.id}-d`}>
                  <strong>
                    <Device s={s} />
                  </strong>
                  {s.current ? <span className="badge">{t('sessions.thisDevice')}</span> : null}
                </p>
                <p className="muted" id={`${id}-${s.id}-m`}>
                  {t('sessions.since', { at: fmt.dateTime(s.createdAt) })}
                  {s.address ? ` · ${t('sessions.address', { address: s.address })}` : ''}
                  {' · '}
                  {t('sessions.until', { at: fmt.dateTime(s.expiresAt) })}
                </p>
                {s.current ? (
                  <p className="muted">{t('sessions.thisDeviceHint')}</p>
                ) : (
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => void end(s, label)}
                    disabled={busy === s.id}
                    aria-describedby={`${id}-${s.id}-d ${id}-${s.id}-m`}
                  >
                    {t('sessions.end')}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      ) : null}
      {closed.length > 0 ? (
        <details>
          <summary>{t('sessions.past', { count: closed.length })}</summary>
          <ul>
            {closed.slice(0, 50).map((s) => (
              <li key={s.id}>
                <Device s={s} /> — {t('sessions.since', { at: fmt.dateTime(s.createdAt) })}
                {', '}
                {s.revokedAt ? t('sessions.endedAt', { at: fmt.dateTime(s.revokedAt) }) : t('sessions.expiredAt', { at: fmt.dateTime(s.expiresAt) })}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
