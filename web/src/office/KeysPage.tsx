/**
 * Signing keys (/office/keys): the keys secretaries asked to enrol, within reach (the office all; a committee its
 * subtree), each with its unit's path, label, when it was asked for and its key id — to approve, or to refuse with a
 * reason; and the active keys, to revoke with a reason. An officer never decides on her own unit's key: the server
 * refuses it (a committee's own unit is said so here, without buttons). Approving puts a `key` entry into the log of
 * every open discussion.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Discussion } from '../../../src/schemas/discussion.ts';
import type { UnitPage } from '../../../src/schemas/tally.ts';
import type { SigningKey } from '../../../src/schemas/keys.ts';
import { api, ApiError, useApi } from '../api.ts';
import { Loading } from '../components/Status.tsx';
import { fmt } from '../i18n.ts';
import { describedBy, FieldError, Refusal, useTitle, type OfficeAccess } from './shared.tsx';

type Decision = 'approve' | 'refuse' | 'revoke';

const enc = encodeURIComponent;
const asApiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, 'network', String(e), null));

/** Unit paths (root first, by name) from the newest open discussion's frozen tree; one request per unit, once. */
function useUnitPaths(unitIds: string[]): (unitId: string) => string | null {
  const discussions = useApi<Discussion[]>('/discussions');
  const d = discussions.data?.filter((x) => x.state === 'open').sort((a, b) => (b.openedAt ?? '').localeCompare(a.openedAt ?? ''))[0];
  const [units, setUnits] = useState<Map<string, { name: string; ancestors: string[] }>>(new Map());
  const joined = [...new Set(unitIds)].sort().join('\u0000');
  useEffect(() => {
    if (!d || !joined) return;
    let live = true;
    const wanted = joined.split('\u0000');
    const get = (u: string) =>
      api<UnitPage>(`/discussions/${enc(d.id)}/units?parent=${enc(u)}&limit=1`).then(
        (p) => [u, { name: p.parent.name, ancestors: p.parent.ancestors }] as const,
        () => null,
      );
    void (async () => {
      const first = (await Promise.all(wanted.map(get))).filter((x) => x !== null);
      const ancestors = [...new Set(first.flatMap(([, u]) => u.ancestors))].filter((a) => !wanted.includes(a));
      const more = (await Promise.all(ancestors.map(get))).filter((x) => x !== null);
      if (live) setUnits(new Map([...first, ...more]));
    })();
    return () => {
      live = false;
    };
  }, [d?.id, joined]); // eslint-disable-line react-hooks/exhaustive-deps
  return (unitId) => {
    const u = units.get(unitId);
    if (!u) return null;
    return [...u.ancestors.map((a) => units.get(a)?.name ?? a), u.name].join(' › ');
  };
}

export function KeysPage({ access }: { access: OfficeAccess }) {
  const { t } = useTranslation('office');
  useTitle(t('keys.title'));
  const [pending, setPending] = useState<SigningKey[] | null>(null);
  const [active, setActive] = useState<SigningKey[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState('');

  const load = useCallback(async () => {
    setError(null);
    try {
      const [p, a] = await Promise.all([
        api<{ items: SigningKey[] }>('/keys?state=pending'),
        api<{ items: SigningKey[] }>('/keys?state=active'),
      ]);
      setPending(p.items);
      setActive(a.items);
    } catch (e) {
      setError(asApiError(e));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const path = useUnitPaths([...(pending ?? []), ...(active ?? [])].map((k) => k.unitId));

  const decided = (k: SigningKey, action: Decision) => {
    setDone(t(`keys.done.${action}`, { keyId: k.keyId, unit: path(k.unitId) ?? k.unitId }));
    void load();
  };
  /** A committee decides on the keys of units below its own, never on its own unit's. */
  const mayDecide = (k: SigningKey) => access.office || !access.committeeUnits.includes(k.unitId);

  return (
    <>
      <h1>{t('keys.title')}</h1>
      <p className="muted">{access.office ? t('keys.introOffice') : t('keys.introCommittee', { units: access.committeeUnits.join(', ') })}</p>
      <p>{t('keys.what')}</p>
      <div role="status" aria-live="polite">
        {done ? <p className="ok">{done}</p> : null}
      </div>
      <Refusal error={error} />

      <h2 id="keys-pending">{t('keys.pendingTitle')}</h2>
      {pending === null && !error ? <Loading /> : null}
      {pending && pending.length === 0 ? <p>{t('keys.noPending')}</p> : null}
      <ul className="office-cards" aria-labelledby="keys-pending">
        {(pending ?? []).map((k) => (
          <KeyCard key={k.keyId} k={k} path={path(k.unitId)} mayDecide={mayDecide(k)} actions={['approve', 'refuse']} onDecided={decided} />
        ))}
      </ul>

      <h2 id="keys-active">{t('keys.activeTitle')}</h2>
      {active === null && !error ? <Loading /> : null}
      {active && active.length === 0 ? <p>{t('keys.noActive')}</p> : null}
      <ul className="office-cards" aria-labelledby="keys-active">
        {(active ?? []).map((k) => (
          <KeyCard key={k.keyId} k={k} path={path(k.unitId)} mayDecide={mayDecide(k)} actions={['revoke']} onDecided={decided} />
        ))}
      </ul>
    </>
  );
}

function KeyCard({
  k,
  path,
  mayDecide,
  actions,
  onDecided,
}: {
  k: SigningKey;
  path: string | null;
  mayDecide: boolean;
  actions: Decision[];
  onDecided: (k: SigningKey, action: Decision) => void;
}) {
  const { t } = useTranslation('office');
  const uid = useId();
  const [open, setOpen] = useState<Decision | null>(null);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const firstButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) reasonRef.current?.focus();
  }, [open]);
  const what = `${k.label || k.keyId} — ${path ?? k.unitId}`;

  const submit = async () => {
    const needsReason = open !== 'approve';
    if (needsReason && !reason.trim()) {
      setMissing(true);
      reasonRef.current?.focus();
      return;
    }
    setBusy(true);
    setRefusal(null);
    try {
      await api<SigningKey>(`/keys/${enc(k.keyId)}/${open}`, { body: reason.trim() ? { reason: reason.trim() } : {} });
      onDecided(k, open!);
    } catch (e) {
      setRefusal(asApiError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="panel">
      <h3>
        {k.label || t('keys.unlabelled')} <span className="muted office-id">({k.unitId})</span>
      </h3>
      <dl className="office-pairs">
        <div>
          <dt>{t('keys.unit')}</dt>
          <dd>{path ?? k.unitId}</dd>
        </div>
        <div>
          <dt>{t('keys.requestedAt')}</dt>
          <dd>
            <time dateTime={k.requestedAt}>{fmt.dateTime(k.requestedAt)}</time>
          </dd>
        </div>
        <div>
          <dt>{t('keys.keyId')}</dt>
          <dd className="office-mono">{k.keyId}</dd>
        </div>
        {k.replaces ? (
          <div>
            <dt>{t('keys.replaces')}</dt>
            <dd className="office-mono">{k.replaces}</dd>
          </div>
        ) : null}
        {k.state === 'active' && k.decidedAt ? (
          <div>
            <dt>{t('keys.approvedAt')}</dt>
            <dd>
              <time dateTime={k.decidedAt}>{fmt.dateTime(k.decidedAt)}</time>
            </dd>
          </div>
        ) : null}
      </dl>
      {!mayDecide ? (
        <p className="muted">{t('keys.ownUnit')}</p>
      ) : open === null ? (
        <div className="office-actions">
          {actions.map((a, i) => (
            <button
              key={a}
              type="button"
              ref={i === 0 ? firstButton : undefined}
              className={a === 'approve' ? undefined : 'secondary'}
              onClick={() => {
                setOpen(a);
                setReason('');
                setMissing(false);
                setRefusal(null);
              }}
            >
              {t(`keys.${a}`)}
              <span className="visually-hidden"> {what}</span>
            </button>
          ))}
        </div>
      ) : (
        <form
          className="office-subform"
          aria-labelledby={`${uid}-title`}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <h4 id={`${uid}-title`} className="office-subhead">
            {t(`keys.${open}Title`, { what })}
          </h4>
          <p>{t(`keys.${open}Explain`)}</p>
          <div className="office-field">
            <label htmlFor={`${uid}-reason`}>{open === 'approve' ? t('keys.reasonOptional') : t('keys.reason')}</label>
            <p className="field-hint" id={`${uid}-hint`}>
              {open === 'approve' ? t('keys.reasonOptionalHint') : t('keys.reasonHint')}
            </p>
            <textarea
              id={`${uid}-reason`}
              ref={reasonRef}
              rows={2}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              aria-invalid={missing ? true : undefined}
              aria-describedby={describedBy(`${uid}-hint`, missing && `${uid}-reason-error`)}
            />
            <FieldError id={`${uid}-reason`} message={missing ? t('keys.needReason') : undefined} />
          </div>
          <Refusal error={refusal} />
          <div className="office-actions">
            <button type="submit" disabled={busy}>
              {t(`keys.${open}Submit`)}
            </button>
            <button
              type="button"
              className="secondary"
              disabled={busy}
              onClick={() => {
                setOpen(null);
                requestAnimationFrame(() => firstButton.current?.focus());
              }}
            >
              {t('cancel')}
            </button>
          </div>
        </form>
      )}
    </li>
  );
}
