/**
 * Roles: find accounts (GET /accounts — the office all, a committee its subtree's), see each one's roles, grant one
 * (role, unit, reason) or revoke one (reason). The server's refusals are shown where they happened: 403 for a unit
 * outside a committee's subtree, 404 for an account beyond its reach.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Discussion } from '../../../src/schemas/discussion.ts';
import { Id } from '../../../src/schemas/common.ts';
import { api, ApiError, useApi } from '../api.ts';
import { Loading } from '../components/Status.tsx';
import { describedBy, FieldError, Refusal, ROLES, UNIT_ROLES, useGrantLabel, useTitle, type OfficeAccess } from './shared.tsx';

interface Grant {
  role: string;
  unitId: string | null;
}
interface Account {
  accountId: string;
  email: string;
  memberId: string | null;
  grants: Grant[];
}
const enc = encodeURIComponent;
const PAGE = 20;
const asApiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, 'network', String(e), null));

export function RolesPage({ access }: { access: OfficeAccess }) {
  const { t } = useTranslation('office');
  useTitle(t('roles.title'));
  const [q, setQ] = useState('');
  const [unit, setUnit] = useState('');
  const [unitError, setUnitError] = useState<string | undefined>();
  const [applied, setApplied] = useState<{ q: string; unit: string }>({ q: '', unit: '' });
  const [items, setItems] = useState<Account[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [searched, setSearched] = useState(false);
  const [focusFrom, setFocusFrom] = useState<number | null>(null);
  // An open discussion's frozen tree serves the "find a unit by name" helper.
  const discussions = useApi<Discussion[]>('/discussions');
  const openDiscussion = discussions.data?.filter((d) => d.state === 'open').sort((a, b) => (b.openedAt ?? '').localeCompare(a.openedAt ?? ''))[0];

  const load = async (filter: { q: string; unit: string }, cursor: string | null) => {
    setLoading(true);
    setError(null);
    try {
      const params = new URLSearchParams({ limit: String(PAGE) });
      if (filter.q.trim()) params.set('q', filter.q.trim());
      if (filter.unit.trim()) params.set('unit', filter.unit.trim());
      if (cursor) params.set('cursor', cursor);
      const page = await api<{ items: Account[]; next: string | null }>(`/accounts?${params}`);
      setItems((old) => {
        if (cursor) setFocusFrom(old.length);
        return cursor ? [...old, ...page.items] : page.items;
      });
      setNext(page.next);
      setSearched(true);
    } catch (e) {
      const err = asApiError(e);
      if (err.field === 'unit' || err.field === 'querystring.unit') setUnitError(err.status === 404 ? t('roles.unitNotFound', { unit: filter.unit }) : err.message);
      else setError(err);
      setItems([]);
      setNext(null);
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void load({ q: '', unit: '' }, null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => {
    if (focusFrom === null) return;
    document.getElementById(`account-${focusFrom}`)?.focus();
    setFocusFrom(null);
  }, [focusFrom, items]);

  const search = () => {
    setUnitError(undefined);
    if (unit.trim() && !Id.safeParse(unit.trim()).success) {
      setUnitError(t('v.id'));
      return;
    }
    const f = { q, unit };
    setApplied(f);
    void load(f, null);
  };

  const replace = (a: Account) => setItems((list) => list.map((x) => (x.accountId === a.accountId ? a : x)));

  return (
    <>
      <h1>{t('roles.title')}</h1>
      <p className="muted">{access.office ? t('roles.introOffice') : t('roles.introCommittee', { units: access.committeeUnits.join(', ') })}</p>
      <form
        className="panel office-filters"
        role="search"
        aria-label={t('roles.searchLabel')}
        onSubmit={(e) => {
          e.preventDefault();
          search();
        }}
      >
        <div className="office-field">
          <label htmlFor="roles-q">{t('roles.q')}</label>
          <input id="roles-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} autoComplete="off" spellCheck={false} />
        </div>
        <div className="office-field">
          <label htmlFor="roles-unit">{t('roles.unitFilter')}</label>
          <p className="field-hint" id="roles-unit-hint">
            {t('roles.unitFilterHint')}
          </p>
          <input
            id="roles-unit"
            className="office-short"
            value={unit}
            onChange={(e) => setUnit(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={unitError ? true : undefined}
            aria-describedby={describedBy('roles-unit-hint', unitError && 'roles-unit-error')}
          />
          <FieldError id="roles-unit" message={unitError} />
        </div>
        <div className="office-actions">
          <button type="submit">{t('roles.search')}</button>
        </div>
      </form>

      <h2 id="accounts-title">{t('roles.accounts')}</h2>
      <p role="status" aria-live="polite">
        {searched && !loading ? (items.length === 0 ? t('roles.noneFound') : next ? t('roles.shownMore', { count: items.length }) : t('roles.shown', { count: items.length })) : ''}
        {applied.q || applied.unit ? ` ${t('roles.filtered', { q: applied.q || '—', unit: applied.unit || '—' })}` : ''}
      </p>
      <Refusal error={error} />
      <ul className="office-cards" aria-labelledby="accounts-title">
        {items.map((a, i) => (
          <AccountCard key={a.accountId} index={i} account={a} access={access} onChange={replace} discussionId={openDiscussion?.id ?? null} />
        ))}
      </ul>
      {loading ? <Loading /> : null}
      {next && !loading ? (
        <button type="button" className="secondary" onClick={() => void load(applied, next)}>
          {t('roles.more')}
        </button>
      ) : null}
    </>
  );
}

function AccountCard({
  account,
  index,
  access,
  onChange,
  discussionId,
}: {
  account: Account;
  index: number;
  access: OfficeAccess;
  onChange: (a: Account) => void;
  discussionId: string | null;
}) {
  const { t } = useTranslation('office');
  const grantLabel = useGrantLabel();
  const [granting, setGranting] = useState(false);
  const [revoking, setRevoking] = useState<Grant | null>(null);
  const [done, setDone] = useState<string>('');
  const grantButton = useRef<HTMLButtonElement>(null);
  const headingId = `account-${index}`;
  return (
    <li className="panel">
      <h3 id={headingId} tabIndex={-1}>
        {account.email}
      </h3>
      {account.memberId ? <p className="muted">{t('roles.linkedMember', { id: account.memberId })}</p> : null}
      <h4 className="office-subhead">{t('roles.holds')}</h4>
      {account.grants.length === 0 ? (
        <p className="muted">{t('roles.noRoles')}</p>
      ) : (
        <ul className="office-grants">
          {account.grants.map((g) => {
            const key = `${g.role}@${g.unitId ?? ''}`;
            const isRevoking = revoking?.role === g.role && revoking.unitId === g.unitId;
            return (
              <li key={key}>
                <span>{grantLabel(g)}</span>{' '}
                {!isRevoking ? (
                  <button
                    type="button"
                    className="secondary office-small"
                    onClick={() => {
                      setDone('');
                      setGranting(false);
                      setRevoking(g);
                    }}
                  >
                    {t('roles.revoke')}
                    <span className="visually-hidden"> {t('roles.revokeWhat', { grant: grantLabel(g), email: account.email })}</span>
                  </button>
                ) : null}
                {isRevoking ? (
                  <RoleForm
                    mode="revoke"
                    account={account}
                    grant={g}
                    access={access}
                    discussionId={discussionId}
                    onDone={(a, changed) => {
                      onChange(a);
                      setRevoking(null);
                      setDone(changed ? t('roles.revoked', { grant: grantLabel(g) }) : t('roles.unchanged'));
                      requestAnimationFrame(() => grantButton.current?.focus());
                    }}
                    onCancel={() => {
                      setRevoking(null);
                      requestAnimationFrame(() => grantButton.current?.focus());
                    }}
                  />
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      <div role="status" aria-live="polite">
        {done ? <p className="ok">{done}</p> : null}
      </div>
      {granting ? (
        <RoleForm
          mode="grant"
          account={account}
          access={access}
          discussionId={discussionId}
          onDone={(a, changed, g) => {
            onChange(a);
            setGranting(false);
            setDone(changed ? t('roles.granted', { grant: grantLabel(g) }) : t('roles.alreadyHeld', { grant: grantLabel(g) }));
            requestAnimationFrame(() => grantButton.current?.focus());
          }}
          onCancel={() => {
            setGranting(false);
            requestAnimationFrame(() => grantButton.current?.focus());
          }}
        />
      ) : (
        <button
          type="button"
          ref={grantButton}
          onClick={() => {
            setDone('');
            setRevoking(null);
            setGranting(true);
          }}
        >
          {t('roles.grant')}
          <span className="visually-hidden"> {t('roles.grantTo', { email: account.email })}</span>
        </button>
      )}
    </li>
  );
}

/** Granting (role, unit, reason) or revoking (reason) a role, with the refusals shown at their fields. */
function RoleForm({
  mode,
  account,
  grant,
  access,
  discussionId,
  onDone,
  onCancel,
}: {
  mode: 'grant' | 'revoke';
  account: Account;
  grant?: Grant;
  access: OfficeAccess;
  discussionId: string | null;
  onDone: (a: Account, changed: boolean, g: Grant) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation('office');
  const grantLabel = useGrantLabel();
  const uid = useId();
  const roles = access.office ? ROLES : ROLES.filter((r) => UNIT_ROLES.includes(r));
  const [role, setRole] = useState<string>(grant?.role ?? (access.office ? 'secretary' : 'secretary'));
  const [unitId, setUnitId] = useState(grant?.unitId ?? '');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLSelectElement & HTMLTextAreaElement>(null);
  const needsUnit = UNIT_ROLES.includes(role);
  useEffect(() => {
    first.current?.focus();
  }, []);

  const submit = async () => {
    const found: Record<string, string | undefined> = {};
    if (mode === 'grant' && needsUnit) {
      if (!unitId.trim()) found.unitId = t('roles.needUnit', { role: t(`role.${role}`) });
      else if (!Id.safeParse(unitId.trim()).success) found.unitId = t('v.id');
    }
    if (!reason.trim()) found.reason = t('roles.needReason');
    setErrors(found);
    setRefusal(null);
    if (Object.values(found).some(Boolean)) {
      document.getElementById(`${uid}-${found.unitId ? 'unit' : 'reason'}`)?.focus();
      return;
    }
    const g: Grant = mode === 'grant' ? { role, unitId: needsUnit ? unitId.trim() : null } : grant!;
    setBusy(true);
    try {
      const r = await api<Account & { changed: boolean }>(`/accounts/${enc(account.accountId)}/roles${mode === 'revoke' ? '/revoke' : ''}`, {
        body: { role: g.role, unitId: g.unitId, reason: reason.trim() },
      });
      onDone({ accountId: r.accountId, email: r.email, memberId: r.memberId, grants: r.grants }, r.changed, g);
    } catch (e) {
      const err = asApiError(e);
      const field = err.field === 'unitId' || err.field === 'role' || err.field === 'reason' ? err.field : null;
      const lead = err.status === 403 ? t('roles.refused403') : err.status === 404 ? t('roles.refused404') : '';
      // The refusals a grant meets most, in the reader's words; others in the server's (English) words.
      const known =
        err.status === 403 && field === 'unitId'
          ? t('roles.outsideUnit', { unit: g.unitId ?? '' })
          : err.status === 403 && field === 'role'
            ? t('roles.orgRoleRefused', { role: t(`role.${g.role}`) })
            : err.status === 400 && field === 'unitId' && /unknown unit/.test(err.message)
              ? t('roles.unknownUnit', { unit: g.unitId ?? '' })
              : null;
      if (field && mode === 'grant') {
        setErrors({ [field]: known ?? `${lead ? `${lead} ` : ''}${err.message}` });
        document.getElementById(`${uid}-${field === 'unitId' ? 'unit' : field}`)?.focus();
      } else {
        setRefusal(err);
      }
    } finally {
      setBusy(false);
    }
  };

  const titleId = `${uid}-title`;
  return (
    <form
      className="office-subform"
      aria-labelledby={titleId}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h4 id={titleId} className="office-subhead">
        {mode === 'grant' ? t('roles.grantTitle', { email: account.email }) : t('roles.revokeTitle', { grant: grantLabel(grant!), email: account.email })}
      </h4>
      {mode === 'grant' ? (
        <>
          <div className="office-field">
            <label htmlFor={`${uid}-role`}>{t('roles.role')}</label>
            <select
              id={`${uid}-role`}
              ref={first}
              value={role}
              onChange={(e) => setRole(e.target.value)}
              aria-invalid={errors.role ? true : undefined}
              aria-describedby={describedBy(`${uid}-role-hint`, errors.role && `${uid}-role-error`)}
            >
              {roles.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </select>
            <p className="field-hint" id={`${uid}-role-hint`}>
              {t(`roleAbout.${role}`)}
            </p>
            <FieldError id={`${uid}-role`} message={errors.role} />
          </div>
          {needsUnit ? (
            <div className="office-field">
              <label htmlFor={`${uid}-unit`}>{t('roles.unit')}</label>
              <p className="field-hint" id={`${uid}-unit-hint`}>
                {access.office ? t('roles.unitHint') : t('roles.unitHintCommittee', { units: access.committeeUnits.join(', ') })}
              </p>
              <input
                id={`${uid}-unit`}
                className="office-short"
                value={unitId}
                onChange={(e) => setUnitId(e.target.value)}
                autoComplete="off"
                spellCheck={false}
                aria-invalid={errors.unitId ? true : undefined}
                aria-describedby={describedBy(`${uid}-unit-hint`, errors.unitId && `${uid}-unit-error`)}
              />
              <FieldError id={`${uid}-unit`} message={errors.unitId} />
              <UnitFinder discussionId={discussionId} under={access.office ? null : (access.committeeUnits[0] ?? null)} onPick={(id) => {
                setUnitId(id);
                document.getElementById(`${uid}-unit`)?.focus();
              }} />
            </div>
          ) : (
            <p className="field-hint">{t('roles.orgWide')}</p>
          )}
        </>
      ) : null}
      <div className="office-field">
        <label htmlFor={`${uid}-reason`}>{t('roles.reason')}</label>
        <p className="field-hint" id={`${uid}-reason-hint`}>
          {t('roles.reasonHint')}
        </p>
        <textarea
          id={`${uid}-reason`}
          ref={mode === 'revoke' ? first : undefined}
          rows={2}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          aria-invalid={errors.reason ? true : undefined}
          aria-describedby={describedBy(`${uid}-reason-hint`, errors.reason && `${uid}-reason-error`)}
        />
        <FieldError id={`${uid}-reason`} message={errors.reason} />
      </div>
      <Refusal error={refusal} />
      <div className="office-actions">
        <button type="submit" disabled={busy}>
          {mode === 'grant' ? t('roles.grantSubmit') : t('roles.revokeSubmit')}
        </button>
        <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}

/** Finding a unit's id by its name, in an open discussion's tree (below a committee's unit for a committee). */
function UnitFinder({ discussionId, under, onPick }: { discussionId: string | null; under: string | null; onPick: (id: string) => void }) {
  const { t } = useTranslation('office');
  const uid = useId();
  const [text, setText] = useState('');
  const [results, setResults] = useState<Array<{ id: string; name: string; ancestors: string[] }> | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  if (!discussionId) return <p className="field-hint">{t('roles.finder.none')}</p>;
  const find = async () => {
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const page = await api<{ items: Array<{ id: string; name: string; ancestors: string[] }> }>(
        `/discussions/${enc(discussionId)}/units?q=${enc(text.trim())}&limit=10${under ? `&parent=${enc(under)}` : ''}`,
      );
      setResults(page.items);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="office-finder">
      <label htmlFor={`${uid}-find`}>{t('roles.finder.label')}</label>
      <div className="office-inline">
        <input
          id={`${uid}-find`}
          type="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            // Enter searches here instead of submitting the grant form.
            if (e.key === 'Enter') {
              e.preventDefault();
              void find();
            }
          }}
        />
        <button type="button" className="secondary" onClick={() => void find()} disabled={busy}>
          {t('roles.finder.search')}
        </button>
      </div>
      <Refusal error={error} />
      <div role="status" aria-live="polite">
        {results !== null ? <p className="field-hint">{t('roles.finder.found', { count: results.length })}</p> : null}
      </div>
      {results && results.length > 0 ? (
        <ul className="office-finder-results">
          {results.map((u) => (
            <li key={u.id}>
              <button type="button" className="link" onClick={() => onPick(u.id)}>
                {t('roles.finder.use', { name: u.name, id: u.id })}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
