/**
 * A secretary's signing key (/account/keys, /account/keys/:unitId; loaded on first visit with the `record` catalog):
 * make a key in this browser (WebCrypto Ed25519, the private key non-extractable, kept in IndexedDB), send it for
 * approval by an officer above her unit (POST /keys), see its state, replace it (a rotation: a new key with
 * `replaces`, the old one signing until the new is approved) or revoke it (with a reason). Without WebCrypto Ed25519
 * she is told so, and her reports rest on the office key.
 */
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { ApiError, useApi } from '../api.ts';
import { fmt } from '../i18n.ts';
import { useSession } from '../session.tsx';
import { ErrorNote, Loading } from '../components/Status.tsx';
import { useDocumentTitle } from '../components/report/hooks.ts';
import type { Discussion } from '../../../src/schemas/discussion.ts';
import type { UnitPage } from '../../../src/schemas/tally.ts';
import { createKey, deleteKey, listKeys, signingSupported, type StoredKey } from './keystore.ts';
import { decideKey, enrolKey, listServerKeys, type SigningKey } from './keys.ts';
import './record.css';

const enc = encodeURIComponent;
const asApiError = (e: unknown) => (e instanceof ApiError ? e : e instanceof Error ? e : new Error(String(e)));
const LABEL_MAX = 100;

/** The unit's name, from the newest open discussion's frozen tree (the id until it is known). */
function useUnitName(unitId: string | null): string | null {
  const discussions = useApi<Discussion[]>(unitId ? '/discussions' : null);
  const d = discussions.data?.filter((x) => x.state === 'open').sort((a, b) => (b.openedAt ?? '').localeCompare(a.openedAt ?? ''))[0] ?? discussions.data?.[0];
  const unit = useApi<UnitPage>(unitId && d ? `/discussions/${enc(d.id)}/units?parent=${enc(unitId)}&limit=1` : null);
  return unit.data?.parent.name ?? unitId;
}

export function SigningKeyPage({ unitId }: { unitId?: string }) {
  const { t } = useTranslation('record');
  const { session, loading } = useSession();
  const own = [...new Set((session?.grants ?? []).filter((g) => g.role === 'secretary' && g.unitId).map((g) => g.unitId!))];
  const chosen = unitId ?? (own.length === 1 ? own[0]! : null);
  const name = useUnitName(chosen);
  const title = chosen ? t('keys.title', { unit: name ?? chosen }) : t('keys.titleAny');
  useDocumentTitle(title);

  let body: ReactNode;
  if (loading) body = <Loading />;
  else if (!session) {
    body = (
      <p>
        <Link href={`/signin?returnTo=${enc(unitId ? `/account/keys/${unitId}` : '/account/keys')}`} className="button">
          {t('keys.signIn')}
        </Link>
      </p>
    );
  } else if (!chosen) {
    body =
      own.length === 0 ? (
        <p className="notice">{t('keys.noUnit')}</p>
      ) : (
        <ul className="link-list">
          {own.map((u) => (
            <li key={u}>
              <Link href={`/account/keys/${enc(u)}`}>{t('keys.forUnit', { unit: u })}</Link>
            </li>
          ))}
        </ul>
      );
  } else if (!own.includes(chosen)) {
    body = <p className="notice">{t('keys.notSecretary', { unit: name ?? chosen })}</p>;
  } else {
    body = <UnitKeys key={chosen} accountId={session.accountId} unitId={chosen} unitName={name ?? chosen} />;
  }

  return (
    <div className="record-keys">
      <h1>{title}</h1>
      <p className="muted">{t('keys.lead')}</p>
      {body}
      <About />
    </div>
  );
}

function About() {
  const { t } = useTranslation('record');
  return (
    <section aria-labelledby="keys-about" className="panel">
      <h2 id="keys-about">{t('keys.about.title')}</h2>
      <ul>
        <li>{t('keys.about.signs')}</li>
        <li>{t('keys.about.proves')}</li>
        <li>{t('keys.about.approval')}</li>
        <li>{t('keys.about.browser')}</li>
        <li>{t('keys.about.without')}</li>
      </ul>
    </section>
  );
}

interface View {
  local: StoredKey[];
  server: SigningKey[];
}

function UnitKeys({ accountId, unitId, unitName }: { accountId: string; unitId: string; unitName: string }) {
  const { t } = useTranslation('record');
  const [supported, setSupported] = useState<boolean | null>(null);
  const [view, setView] = useState<View | null>(null);
  const [loadError, setLoadError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Error | null>(null);
  const [done, setDone] = useState('');
  const [revoking, setRevoking] = useState<SigningKey | null>(null);
  const statusRef = useRef<HTMLDivElement>(null);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      const [local, server] = await Promise.all([listKeys(accountId, unitId).catch(() => [] as StoredKey[]), listServerKeys({ unit: unitId })]);
      setView({ local, server });
    } catch (e) {
      setLoadError(asApiError(e));
    }
  }, [accountId, unitId]);

  useEffect(() => {
    void signingSupported().then(setSupported);
    void load();
  }, [load]);

  if (loadError) return <ErrorNote error={loadError} />;
  if (supported === null || !view) return <Loading />;

  const stateOf = (k: StoredKey) => view.server.find((s) => s.keyId === k.keyId);
  const activeHere = view.local.find((k) => stateOf(k)?.state === 'active') ?? null;
  const pendingHere = view.local.find((k) => stateOf(k)?.state === 'pending') ?? null;
  const unsent = view.local.filter((k) => !stateOf(k));
  const endedHere = view.local.find((k) => ['refused', 'revoked', 'replaced'].includes(stateOf(k)?.state ?? ''));
  const activeElsewhere = view.server.filter((s) => s.state === 'active' && !view.local.some((k) => k.keyId === s.keyId));
  const pendingElsewhere = view.server.filter((s) => s.state === 'pending' && !view.local.some((k) => k.keyId === s.keyId));

  const act = async (work: () => Promise<string>) => {
    setBusy(true);
    setFailure(null);
    setDone('');
    try {
      setDone(await work());
      await load();
    } catch (e) {
      setFailure(asApiError(e));
    } finally {
      setBusy(false);
      requestAnimationFrame(() => statusRef.current?.focus());
    }
  };

  /** A new key here; with `replaces`, a rotation. Keys here that ended (or were never sent) are cleared first. */
  const create = (label: string, replaces: string | null) =>
    act(async () => {
      for (const k of view.local) {
        const s = stateOf(k)?.state;
        if (!s || s === 'refused' || s === 'revoked' || s === 'replaced') await deleteKey(k.keyId);
      }
      const k = await createKey(accountId, unitId);
      try {
        await enrolKey({ unitId, publicKey: k.publicKey, ...(label.trim() ? { label: label.trim() } : {}), ...(replaces ? { replaces } : {}) });
      } catch (e) {
        await deleteKey(k.keyId).catch(() => undefined);
        throw e;
      }
      return replaces ? t('keys.done.rotated', { keyId: k.keyId }) : t('keys.done.enrolled', { keyId: k.keyId });
    });

  const resend = (k: StoredKey, label: string) =>
    act(async () => {
      await enrolKey({ unitId, publicKey: k.publicKey, ...(label.trim() ? { label: label.trim() } : {}), ...(activeElsewhere[0] ? { replaces: activeElsewhere[0].keyId } : {}) });
      return t('keys.done.enrolled', { keyId: k.keyId });
    });

  const revoke = (key: SigningKey, reason: string) =>
    act(async () => {
      await decideKey(key.keyId, 'revoke', reason);
      if (view.local.some((k) => k.keyId === key.keyId)) await deleteKey(key.keyId);
      setRevoking(null);
      return t('keys.done.revoked', { keyId: key.keyId });
    });

  const serverOf = (k: StoredKey) => stateOf(k)!;

  return (
    <>
      {!supported ? (
        <div className="notice">
          <p>
            <strong>{t('keys.unsupported.title')}</strong> {t('keys.unsupported.text')}
          </p>
          <p>{t('keys.unsupported.continue')}</p>
        </div>
      ) : null}

      <div role="status" aria-live="polite" tabIndex={-1} ref={statusRef} className="record-status">
        {done ? <p className="ok">{done}</p> : null}
      </div>
      {failure ? <Failure error={failure} /> : null}

      <h2>{t('keys.inBrowser')}</h2>
      {activeHere ? (
        <KeyCard key={activeHere.keyId} k={serverOf(activeHere)} here>
          <p className="ok">{t('keys.state.activeHere', { unit: unitName })}</p>
          {!pendingHere && supported ? (
            <CreateForm mode="rotate" busy={busy} onSubmit={(label) => void create(label, activeHere.keyId)} />
          ) : null}
          <RevokeControl k={serverOf(activeHere)} revoking={revoking} setRevoking={setRevoking} busy={busy} onRevoke={revoke} />
        </KeyCard>
      ) : null}
      {pendingHere ? (
        <KeyCard key={pendingHere.keyId} k={serverOf(pendingHere)} here>
          <p className="notice">{serverOf(pendingHere).replaces ? t('keys.state.pendingRotation', { old: serverOf(pendingHere).replaces }) : t('keys.state.pending')}</p>
        </KeyCard>
      ) : null}
      {!activeHere && !pendingHere && endedHere ? (
        <KeyCard key={endedHere.keyId} k={serverOf(endedHere)} here>
          <p className="error">{t(`keys.state.${serverOf(endedHere).state as 'refused' | 'revoked' | 'replaced'}`)}</p>
        </KeyCard>
      ) : null}
      {!activeHere && !pendingHere && unsent.length > 0 && supported ? (
        <div className="panel">
          <p>{t('keys.state.unsent', { keyId: unsent[0]!.keyId })}</p>
          <CreateForm mode="resend" busy={busy} onSubmit={(label) => void resend(unsent[0]!, label)} />
        </div>
      ) : null}
      {!activeHere && !pendingHere && unsent.length === 0 ? (
        supported ? (
          <>
            <p>{activeElsewhere.length > 0 ? t('keys.noneHereButActive') : t('keys.noneHere')}</p>
            <CreateForm mode={activeElsewhere.length > 0 ? 'replaceElsewhere' : 'create'} busy={busy} onSubmit={(label) => void create(label, activeElsewhere[0]?.keyId ?? null)} />
          </>
        ) : (
          <p>{t('keys.noneHereUnsupported')}</p>
        )
      ) : null}

      {activeElsewhere.length > 0 || pendingElsewhere.length > 0 ? (
        <>
          <h2>{t('keys.elsewhere')}</h2>
          <p className="muted">{t('keys.elsewhereHint')}</p>
          {[...activeElsewhere, ...pendingElsewhere].map((k) => (
            <KeyCard key={k.keyId} k={k} here={false}>
              {k.state === 'active' ? <RevokeControl k={k} revoking={revoking} setRevoking={setRevoking} busy={busy} onRevoke={revoke} /> : null}
            </KeyCard>
          ))}
        </>
      ) : null}

      <ul className="link-list">
        <li>
          <Link href="/account">{t('keys.backToAccount')}</Link>
        </li>
      </ul>
    </>
  );
}

function Failure({ error }: { error: Error }) {
  const { t } = useTranslation('record');
  const api = error instanceof ApiError ? error : null;
  const lead = !api || api.status === 0 ? t('keys.failed.network') : api.status === 403 ? t('keys.failed.forbidden') : api.field === 'publicKey' ? t('keys.failed.publicKey') : t('keys.failed.other');
  return (
    <div className="error" role="alert">
      <p>
        <strong>{t('keys.failed.title')}</strong> {lead}
      </p>
      <p className="muted" lang="en">
        {error.message}
      </p>
    </div>
  );
}

/** A key's facts: id, label, state in words (never by colour alone), when it was asked for and decided. */
function KeyCard({ k, here, children }: { k: SigningKey; here: boolean; children?: ReactNode }) {
  const { t } = useTranslation('record');
  const id = useId();
  return (
    <section className="panel record-key" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>
        {k.label || (here ? t('keys.thisBrowser') : t('keys.unlabelled'))} <span className={`record-badge ${k.state}`}>{t(`keys.states.${k.state}`)}</span>
      </h3>
      <dl className="record-facts">
        <dt>{t('keys.keyId')}</dt>
        <dd>
          <code>{k.keyId}</code>
        </dd>
        <dt>{t('keys.requestedAt')}</dt>
        <dd>
          <time dateTime={k.requestedAt}>{fmt.dateTime(k.requestedAt)}</time>
        </dd>
        {k.decidedAt ? (
          <>
            <dt>{t('keys.decidedAt')}</dt>
            <dd>
              <time dateTime={k.decidedAt}>{fmt.dateTime(k.decidedAt)}</time>
            </dd>
          </>
        ) : null}
        {k.reason ? (
          <>
            <dt>{t('keys.reason')}</dt>
            <dd>{k.reason}</dd>
          </>
        ) : null}
        {k.replaces ? (
          <>
            <dt>{t('keys.replaces')}</dt>
            <dd>
              <code>{k.replaces}</code>
            </dd>
          </>
        ) : null}
      </dl>
      {children}
    </section>
  );
}

/** The label and the button that makes (and sends) a key: a first key, a replacement, or sending an unsent one. */
function CreateForm({ mode, busy, onSubmit }: { mode: 'create' | 'rotate' | 'replaceElsewhere' | 'resend'; busy: boolean; onSubmit: (label: string) => void }) {
  const { t } = useTranslation('record');
  const id = useId();
  const [label, setLabel] = useState('');
  const tooLong = label.trim().length > LABEL_MAX;
  return (
    <form
      className="record-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!tooLong && !busy) onSubmit(label);
      }}
    >
      {mode === 'rotate' ? <p>{t('keys.rotateExplain')}</p> : mode === 'replaceElsewhere' ? <p>{t('keys.replaceElsewhereExplain')}</p> : null}
      <label htmlFor={`${id}-label`}>{t('keys.label')}</label>
      <p className="field-hint" id={`${id}-hint`}>
        {t('keys.labelHint', { max: LABEL_MAX })}
      </p>
      <input
        id={`${id}-label`}
        className="record-label"
        value={label}
        maxLength={LABEL_MAX + 20}
        autoComplete="off"
        onChange={(e) => setLabel(e.target.value)}
        aria-invalid={tooLong ? true : undefined}
        aria-describedby={`${id}-hint${tooLong ? ` ${id}-err` : ''}`}
      />
      {tooLong ? (
        <p className="field-error" id={`${id}-err`}>
          {t('keys.labelTooLong', { max: LABEL_MAX })}
        </p>
      ) : null}
      <div className="record-actions">
        <button type="submit" disabled={busy}>
          {t(`keys.submit.${mode}`)}
        </button>
        {busy ? (
          <span className="muted" role="status">
            {t('keys.working')}
          </span>
        ) : null}
      </div>
    </form>
  );
}

function RevokeControl({
  k,
  revoking,
  setRevoking,
  busy,
  onRevoke,
}: {
  k: SigningKey;
  revoking: SigningKey | null;
  setRevoking: (k: SigningKey | null) => void;
  busy: boolean;
  onRevoke: (k: SigningKey, reason: string) => void;
}) {
  const { t } = useTranslation('record');
  const id = useId();
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);
  const open = revoking?.keyId === k.keyId;
  useEffect(() => {
    if (open) field.current?.focus();
  }, [open]);
  if (!open) {
    return (
      <div className="record-actions">
        <button type="button" className="secondary" onClick={() => setRevoking(k)} disabled={busy}>
          {t('keys.revoke')}
          <span className="visually-hidden"> {k.keyId}</span>
        </button>
      </div>
    );
  }
  const missing = reason.trim() === '';
  return (
    <form
      className="record-form record-subform"
      noValidate
      aria-labelledby={`${id}-h`}
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (missing) field.current?.focus();
        else if (!busy) onRevoke(k, reason.trim());
      }}
    >
      <h4 id={`${id}-h`}>{t('keys.revokeTitle', { keyId: k.keyId })}</h4>
      <p>{t('keys.revokeExplain')}</p>
      <label htmlFor={`${id}-reason`}>{t('keys.revokeReason')}</label>
      <p className="field-hint" id={`${id}-hint`}>
        {t('keys.revokeReasonHint')}
      </p>
      <textarea
        id={`${id}-reason`}
        ref={field}
        rows={2}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        aria-invalid={tried && missing ? true : undefined}
        aria-describedby={`${id}-hint${tried && missing ? ` ${id}-err` : ''}`}
      />
      {tried && missing ? (
        <p className="field-error" id={`${id}-err`}>
          {t('keys.needReason')}
        </p>
      ) : null}
      <div className="record-actions">
        <button type="submit" disabled={busy}>
          {t('keys.revokeSubmit')}
        </button>
        <button type="button" className="secondary" onClick={() => setRevoking(null)} disabled={busy}>
          {t('keys.cancel')}
        </button>
      </div>
    </form>
  );
}
