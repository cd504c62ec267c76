/** The office's home: every discussion with what can be done with it — open a draft (freezing the roll), follow up. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearch } from 'wouter';
import type { Discussion } from '../../../src/schemas/discussion.ts';
import { api, ApiError, useApi } from '../api.ts';
import { Loading } from '../components/Status.tsx';
import { fmt } from '../i18n.ts';
import { ConfirmDialog, Refusal, useTitle, type OfficeAccess } from './shared.tsx';

export function OfficeHome({ access }: { access: OfficeAccess }) {
  const { t } = useTranslation('office');
  useTitle(t('home.title'));
  const created = new URLSearchParams(useSearch()).get('created');
  const list = useApi<Discussion[]>('/discussions');
  const [opening, setOpening] = useState<Discussion | null>(null);
  const [busy, setBusy] = useState(false);
  const [openError, setOpenError] = useState<ApiError | null>(null);
  const [opened, setOpened] = useState<string | null>(null);

  const confirmOpen = async () => {
    if (!opening) return;
    setBusy(true);
    setOpenError(null);
    try {
      await api<Discussion>(`/discussions/${encodeURIComponent(opening.id)}/open`, { method: 'POST' });
      setOpened(opening.title);
      setOpening(null);
      list.reload();
    } catch (e) {
      setOpenError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e), null));
    } finally {
      setBusy(false);
    }
  };

  const discussions = list.data ?? [];
  return (
    <>
      <h1>{t('home.title')}</h1>
      <p className="muted">{access.office ? t('home.introOffice') : t('home.introCommittee', { units: access.committeeUnits.join(', ') })}</p>
      <div role="status" aria-live="polite">
        {opened ? <p className="ok">{t('home.opened', { title: opened })}</p> : null}
        {created && !opened ? <p className="ok">{t('home.created', { id: created })}</p> : null}
      </div>
      {access.office ? (
        <p>
          <Link href="/discussions/new" className="button">
            {t('home.create')}
          </Link>{' '}
          <Link href="/import" className="button secondary">
            {t('home.import')}
          </Link>
        </p>
      ) : null}
      <PendingKeys />
      {openError && !opening ? <Refusal error={openError} /> : null}
      <h2>{t('home.listTitle')}</h2>
      {list.loading && !list.data ? <Loading /> : null}
      {list.error ? <Refusal error={list.error} /> : null}
      {list.data && discussions.length === 0 ? <p>{access.office ? t('home.noneOffice') : t('home.none')}</p> : null}
      <ul className="office-cards">
        {discussions.map((d) => (
          <li key={d.id} className="panel">
            <h3>
              {d.title} <span className="muted office-id">({d.id})</span>
            </h3>
            <p className="office-state">
              <span className={`office-badge ${d.state}`}>{t(`home.state.${d.state}`)}</span>{' '}
              {d.state === 'open'
                ? d.reportingOpen
                  ? t('home.reportingUntil', { when: fmt.dateTime(d.reportingClosesAt) })
                  : t('home.reportingClosed', { when: fmt.dateTime(d.reportingClosesAt) })
                : t('home.closesAt', { when: fmt.dateTime(d.reportingClosesAt) })}
            </p>
            <p className="muted">
              {t('home.questions', { count: d.questions.length })}
              {d.openedAt ? ` · ${t('home.openedAt', { when: fmt.dateTime(d.openedAt) })}` : ''}
            </p>
            <div className="office-actions">
              {d.state === 'draft' && access.office ? (
                <button
                  type="button"
                  onClick={() => {
                    setOpenError(null);
                    setOpened(null);
                    setOpening(d);
                  }}
                >
                  {t('home.open')}
                  <span className="visually-hidden"> {d.title}</span>
                </button>
              ) : null}
              {d.state === 'open' ? (
                <>
                  <Link href={`/d/${encodeURIComponent(d.id)}/not-reported`} className="button">
                    {t('home.notReported')}
                    <span className="visually-hidden"> — {d.title}</span>
                  </Link>
                  <Link href={`~/d/${encodeURIComponent(d.id)}`} className="button secondary">
                    {t('home.dashboard')}
                    <span className="visually-hidden"> — {d.title}</span>
                  </Link>
                  <Link href={`/conference/${encodeURIComponent(d.id)}`} className="button secondary">
                    {t('home.conference')}
                    <span className="visually-hidden"> — {d.title}</span>
                  </Link>
                </>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
      <ConfirmDialog
        open={opening !== null}
        title={t('open.title', { title: opening?.title ?? '' })}
        confirmLabel={busy ? t('open.busy') : t('open.confirm')}
        busy={busy}
        onConfirm={() => void confirmOpen()}
        onCancel={() => {
          setOpening(null);
          setOpenError(null);
        }}
      >
        <p>{t('open.freeze')}</p>
        <ul>
          <li>{t('open.weight')}</li>
          <li>{t('open.later')}</li>
          <li>{t('open.reporting', { when: opening ? fmt.dateTime(opening.reportingClosesAt) : '' })}</li>
          <li>
            <strong>{t('open.final')}</strong>
          </li>
        </ul>
        {openError ? <Refusal error={openError} /> : null}
      </ConfirmDialog>
    </>
  );
}

/** Signing keys waiting for a decision, with the way to the page where they are decided. */
function PendingKeys() {
  const { t } = useTranslation('office');
  const pending = useApi<{ items: unknown[] }>('/keys?state=pending');
  const n = pending.data?.items.length ?? 0;
  return (
    <p>
      {n > 0 ? <strong>{t('home.keysPending', { count: n })}</strong> : null}
      {n > 0 ? ' ' : null}
      <Link href="/keys">{t('home.keys')}</Link>
    </p>
  );
}
