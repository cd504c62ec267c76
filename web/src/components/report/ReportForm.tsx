/**
 * The branch report form — a secretary's phone, or the office typing in paper minutes. It loads the unit (its frozen
 * roll) and its report history; a unit that has reported gets a correction, pre-filled from the current version,
 * sent with `supersedes` and shown as a list of changes before it is sent. Every check is the server's own
 * (model.ts: ReportInput, checkReportCounts, deriveOutcome), each error beside its field, in the reader's language.
 * The derived result is previewed in words as the counts are typed, announced politely once typing pauses.
 * Sending carries an Idempotency-Key tied to the body, so a double tap or a retry after a lost answer stores one
 * version. What was typed is kept in this tab (sessionStorage) until it is accepted, so a sign-in round trip or a
 * reload loses nothing. When this browser holds the unit's active signing key (web/src/record), the report is signed
 * with it; otherwise it rests on the office key — the form says which before sending.
 */
import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api, ApiError, useApi } from '../../api.ts';
import { fmt } from '../../i18n.ts';
import { holds, useSession } from '../../session.tsx';
import { SignatureRefused, SigningNote, signatureFor, useSigningKey } from '../../record/ReportSigning.tsx';
import { ErrorNote, Loading } from '../Status.tsx';
import { useDebounced } from './hooks.ts';
import {
  changedSomething,
  changesFrom,
  checkForm,
  emptyFields,
  fieldsFromVersion,
  inputIdOf,
  outcomeOf,
  randomKey,
  readCount,
  type Change,
  type FieldProblem,
  type FormFields,
} from './model.ts';
import { AdoptedSentence, QuorumSentence, formatDay, questionNumber } from './Outcome.tsx';
import { historyPath, unitPath, type Discussion, type ListedUnit, type ReportAccepted, type ReportVersion, type UnitListing } from './types.ts';
import './report.css';

export interface ReportFormProps {
  discussion: Discussion;
  unitId: string;
  /** Called once the server has accepted (and stored) the report. */
  onAccepted: (accepted: ReportAccepted) => void;
}

export function ReportForm(props: ReportFormProps) {
  // Another unit is another form: nothing of the previous unit's (answers being loaded, typed counts) carries over.
  return <UnitReportForm key={`${props.discussion.id}:${props.unitId}`} {...props} />;
}

function UnitReportForm({ discussion, unitId, onAccepted }: ReportFormProps) {
  const { t } = useTranslation('report');
  const open = discussion.state === 'open' && discussion.reportingOpen;
  const history = useApi<ReportVersion[]>(open ? historyPath(discussion.id, unitId) : null);
  const unit = useApi<UnitListing>(open ? unitPath(discussion.id, unitId) : null);
  if (discussion.state !== 'open') return <p className="notice">{t('form.notOpen')}</p>;
  if (!discussion.reportingOpen) return <p className="notice">{t('form.closed', { at: fmt.dateTime(discussion.reportingClosesAt) })}</p>;
  if (unit.error) return <ErrorNote error={unit.error} />;
  if (history.error) return <ErrorNote error={history.error} />;
  if (!history.data || !unit.data) return <Loading />;
  const current = [...history.data].reverse().find((v) => v.current) ?? null;
  const roll = current?.roll ?? unit.data.parent.roll;
  return (
    <>
      <UnitHeader unit={unit.data.parent} roll={roll} current={current} />
      {roll < 1 ? (
        <p className="notice">{t('form.noRoll')}</p>
      ) : (
        <FormBody
          key={`${unitId}:${current?.version ?? 0}`}
          discussion={discussion}
          unit={unit.data.parent}
          current={current}
          roll={roll}
          onAccepted={onAccepted}
          reload={history.reload}
        />
      )}
    </>
  );
}

function UnitHeader({ unit, roll, current }: { unit: ListedUnit; roll: number; current: ReportVersion | null }) {
  const { t } = useTranslation('report');
  return (
    <div className="panel unit-header">
      <p className="unit-name">
        <strong>{unit.name}</strong> <span className="muted">({t('form.unitMeta', { kind: unit.kind, id: unit.id })})</span>
      </p>
      <p>{t('form.roll', { count: roll, roll: fmt.number(roll) })}</p>
      {current ? (
        <p>{t('form.correcting', { version: current.version, at: fmt.dateTime(current.submittedAt), next: current.version + 1 })}</p>
      ) : (
        <p>{t('form.first')}</p>
      )}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------------------

const DRAFT = 'plenum.reportDraft';

function readDraft(key: string, discussion: Discussion): FormFields | null {
  try {
    const raw = sessionStorage.getItem(key);
    if (!raw) return null;
    const saved = JSON.parse(raw) as Partial<FormFields>;
    const f = emptyFields(discussion);
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    f.meetingDate = str(saved.meetingDate);
    f.present = str(saved.present);
    f.resolution = str(saved.resolution);
    for (const q of discussion.questions) {
      for (const p of q.positions) f.positions[q.id]![p.id] = str(saved.positions?.[q.id]?.[p.id]);
      f.abstain[q.id] = str(saved.abstain?.[q.id]);
    }
    return f;
  } catch {
    return null;
  }
}

type SendState =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'conflict' }
  | { kind: 'signatureRefused'; message: string }
  | { kind: 'failed'; error: ApiError | Error };

function FormBody({
  discussion,
  unit,
  current,
  roll,
  onAccepted,
  reload,
}: {
  discussion: Discussion;
  unit: ListedUnit;
  current: ReportVersion | null;
  roll: number;
  onAccepted: (a: ReportAccepted) => void;
  reload: () => void;
}) {
  const { t, i18n } = useTranslation('report');
  const prefix = useId().replace(/[^A-Za-z0-9_-]/g, '');
  const draftKey = `${DRAFT}:${discussion.id}:${unit.id}:${current?.version ?? 0}`;
  const base = useMemo(() => (current ? fieldsFromVersion(discussion, current) : emptyFields(discussion)), [discussion, current]);
  const [initial] = useState(() => {
    const saved = readDraft(draftKey, discussion);
    return { fields: saved ?? base, restored: saved !== null && JSON.stringify(saved) !== JSON.stringify(base) };
  });
  const [fields, setFields] = useState<FormFields>(initial.fields);
  const [restored, setRestored] = useState(initial.restored);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [send, setSend] = useState<SendState>({ kind: 'idle' });
  const [serverProblem, setServerProblem] = useState<FieldProblem | null>(null);
  const sending = useRef(false);
  const lastKey = useRef<{ body: string; key: string } | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const sendNoteRef = useRef<HTMLDivElement>(null);
  const { session } = useSession();
  const signing = useSigningKey(session?.accountId, unit.id);

  // Keep what was typed in this tab until it is accepted.
  useEffect(() => {
    try {
      if (JSON.stringify(fields) === JSON.stringify(base)) sessionStorage.removeItem(draftKey);
      else sessionStorage.setItem(draftKey, JSON.stringify(fields));
    } catch {
      /* storage full or disabled: the form still works */
    }
  }, [fields, base, draftKey]);

  const supersedes = current?.version ?? null;
  const checked = useMemo(() => checkForm(unit.id, fields, discussion, roll, supersedes), [unit.id, fields, discussion, roll, supersedes]);
  const outcome = checked.body ? outcomeOf(checked.body, roll, discussion) : null;
  const changes: Change[] | null = current && checked.body && outcome ? changesFrom(current, checked.body, outcome, discussion) : null;
  const nothingChanged = current !== null && changes !== null && !changedSomething(changes);

  const byField = new Map<string, FieldProblem>();
  for (const p of checked.problems) if (!byField.has(p.field)) byField.set(p.field, p);
  if (serverProblem && !byField.has(serverProblem.field)) byField.set(serverProblem.field, serverProblem);
  const shown = (field: string): FieldProblem | undefined => {
    const p = byField.get(field);
    if (!p) return undefined;
    if (submitted || touched.has(field) || p === serverProblem) return p;
    // A question's total is judged once any of its boxes was left.
    if (/^votes\.[^.]+$/.test(field) && [...touched].some((f) => f.startsWith(`${field}.`))) return p;
    return undefined;
  };
  // In the order the fields appear on the page.
  const order = fieldOrder(discussion);
  const rank = (f: string) => (order.has(f) ? order.get(f)! : order.size);
  const visible = [...byField.values()].filter((p) => shown(p.field)).sort((a, b) => rank(a.field) - rank(b.field));

  const edit = (change: (f: FormFields) => FormFields) => {
    setFields((f) => change(f));
    setServerProblem(null);
    if (send.kind === 'failed') setSend({ kind: 'idle' });
  };
  const touch = (field: string) => setTouched((s) => (s.has(field) ? s : new Set(s).add(field)));

  const errId = (field: string) => `${prefix}-err-${field.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const message = (p: FieldProblem): ReactNode => (
    <>
      {t(`errors.${p.key}`, { ...p.values })}
      {p.key === 'invalid' || p.key === 'server' ? (
        <>
          {' '}
          <span lang="en" className="detail">
            ({p.detail})
          </span>
        </>
      ) : null}
    </>
  );
  const errorOf = (field: string) => {
    const p = shown(field);
    return p ? (
      <p className="field-error" id={errId(field)}>
        <span className="visually-hidden">{t('form.errorPrefix')} </span>
        {message(p)}
      </p>
    ) : null;
  };
  const inputProps = (field: string, hints: string[] = []) => {
    const own = shown(field);
    const question = /^votes\.([^.]+)\./.exec(field);
    const qProblem = question ? shown(`votes.${question[1]}`) : undefined;
    const describedBy = [...hints, own ? errId(field) : null, qProblem ? errId(`votes.${question![1]}`) : null].filter(Boolean).join(' ');
    return {
      id: inputIdOf(prefix, field, discussion),
      'aria-invalid': own || qProblem ? (true as const) : undefined,
      'aria-describedby': describedBy || undefined,
      onBlur: () => touch(field),
    };
  };

  const submit = async (opts: { unsigned?: boolean } = {}) => {
    setSubmitted(true);
    if (sending.current) return;
    if (!checked.body || nothingChanged) {
      // Let the summary render, then take the reader to it.
      requestAnimationFrame(() => summaryRef.current?.focus());
      return;
    }
    const body = checked.body;
    const json = JSON.stringify(body);
    // The same body keeps its key: a double tap, or a retry after a lost answer, is one report on the server.
    if (lastKey.current?.body !== json) lastKey.current = { body: json, key: randomKey() };
    sending.current = true;
    setSend({ kind: 'sending' });
    try {
      // Ed25519 is deterministic: the same body signs the same, so a retry under the same key is the same request.
      // An unsigned resend is another request than the signed one refused: it gets its own Idempotency-Key.
      const key = await signing.settled();
      const signature = key.kind === 'key' && !opts.unsigned ? await signatureFor(key.key, { ...body, discussionId: discussion.id }) : null;
      const accepted = await api<ReportAccepted>(`/discussions/${encodeURIComponent(discussion.id)}/reports`, {
        method: 'POST',
        body: signature ? { ...body, signature } : body,
        headers: { 'Idempotency-Key': `${lastKey.current.key}${key.kind === 'key' && !signature ? '-unsigned' : ''}` },
      });
      try {
        sessionStorage.removeItem(draftKey);
      } catch {
        /* ignore */
      }
      setSend({ kind: 'idle' });
      onAccepted(accepted);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'version_conflict') {
        setSend({ kind: 'conflict' });
      } else if (e instanceof ApiError && e.status === 400 && e.field === 'signature') {
        setSend({ kind: 'signatureRefused', message: e.message });
      } else {
        if (e instanceof ApiError && e.status === 400 && e.field) {
          setServerProblem({ field: e.field, key: 'server', detail: e.message });
        }
        setSend({ kind: 'failed', error: e instanceof Error ? e : new Error(String(e)) });
      }
      requestAnimationFrame(() => sendNoteRef.current?.focus());
    } finally {
      sending.current = false;
    }
  };

  const loadNewest = () => {
    try {
      sessionStorage.removeItem(draftKey);
    } catch {
      /* ignore */
    }
    reload();
  };

  const startOver = () => {
    setFields(base);
    setRestored(false);
    setTouched(new Set());
    setSubmitted(false);
  };

  const summaryItems: { field: string; node: ReactNode }[] = visible.map((p) => ({ field: p.field, node: message(p) }));
  const showSummary = submitted && (summaryItems.length > 0 || nothingChanged);
  const presentHint = `${prefix}-present-hint`;
  const dateHint = `${prefix}-date-hint`;
  const resolutionHint = `${prefix}-resolution-hint`;

  return (
    <form
      className="report-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {restored ? (
        <div className="notice restored">
          <p>{t('form.restored')}</p>
          <button type="button" className="secondary" onClick={startOver}>
            {current ? t('form.startOverCorrection', { version: current.version }) : t('form.startOver')}
          </button>
        </div>
      ) : null}

      {showSummary ? (
        <div className="error error-summary" tabIndex={-1} ref={summaryRef} aria-labelledby={`${prefix}-summary-h`}>
          <h2 id={`${prefix}-summary-h`}>{t('form.summaryTitle', { count: summaryItems.length || 1 })}</h2>
          <ul>
            {summaryItems.map((s) => (
              <li key={s.field}>
                <a
                  href={`#${inputIdOf(prefix, s.field, discussion)}`}
                  onClick={(e) => {
                    e.preventDefault();
                    document.getElementById(inputIdOf(prefix, s.field, discussion))?.focus();
                  }}
                >
                  {fieldName(t, s.field, discussion)}: {s.node}
                </a>
              </li>
            ))}
            {nothingChanged && summaryItems.length === 0 ? <li>{t('form.nothingChanged', { version: current!.version })}</li> : null}
          </ul>
        </div>
      ) : null}

      <h2>{t('form.meeting')}</h2>
      <div className="field">
        <label htmlFor={inputIdOf(prefix, 'meetingDate', discussion)}>{t('form.meetingDate')}</label>
        <p className="field-hint" id={dateHint}>
          {t('form.meetingDateHint')}
        </p>
        <input
          type="date"
          value={fields.meetingDate}
          onChange={(e) => edit((f) => ({ ...f, meetingDate: e.target.value }))}
          {...inputProps('meetingDate', [dateHint])}
        />
        {errorOf('meetingDate')}
      </div>
      <div className="field">
        <label htmlFor={inputIdOf(prefix, 'present', discussion)}>{t('form.present')}</label>
        <p className="field-hint" id={presentHint}>
          {t('form.presentHint', { count: roll, roll: fmt.number(roll) })}
        </p>
        <CountInput value={fields.present} onChange={(v) => edit((f) => ({ ...f, present: v }))} {...inputProps('present', [presentHint])} />
        {errorOf('present')}
      </div>

      <h2>{t('form.votes')}</h2>
      {discussion.questions.map((q, i) => {
        const totalId = `${prefix}-total-${q.id}`;
        const counts = [...q.positions.map((p) => readCount(fields.positions[q.id]?.[p.id] ?? '')), readCount(fields.abstain[q.id] ?? '')];
        const allNumbers = counts.every((c) => typeof c === 'number');
        const cast = q.positions.reduce((a, p) => a + (Number(readCount(fields.positions[q.id]?.[p.id] ?? '')) || 0), 0);
        const abstain = Number(readCount(fields.abstain[q.id] ?? '')) || 0;
        const present = readCount(fields.present);
        return (
          <fieldset key={q.id} className="question">
            <legend>
              <span className="question-number">{t('form.question', { n: i + 1 })}</span> {q.text}
            </legend>
            <div className="counts">
              {q.positions.map((p) => {
                const field = `votes.${q.id}.positions.${p.id}`;
                return (
                  <div className="field" key={p.id}>
                    <label htmlFor={inputIdOf(prefix, field, discussion)}>{t('form.votesFor', { title: p.title })}</label>
                    <CountInput
                      value={fields.positions[q.id]?.[p.id] ?? ''}
                      onChange={(v) => edit((f) => ({ ...f, positions: { ...f.positions, [q.id]: { ...f.positions[q.id], [p.id]: v } } }))}
                      {...inputProps(field, [totalId])}
                    />
                    {errorOf(field)}
                  </div>
                );
              })}
              <div className="field">
                <label htmlFor={inputIdOf(prefix, `votes.${q.id}.abstain`, discussion)}>{t('form.abstain')}</label>
                <CountInput
                  value={fields.abstain[q.id] ?? ''}
                  onChange={(v) => edit((f) => ({ ...f, abstain: { ...f.abstain, [q.id]: v } }))}
                  {...inputProps(`votes.${q.id}.abstain`, [totalId])}
                />
                {errorOf(`votes.${q.id}.abstain`)}
              </div>
            </div>
            <p className="field-hint total" id={totalId}>
              {allNumbers
                ? typeof present === 'number'
                  ? t('form.totalOfPresent', { cast: fmt.number(cast), abstain: fmt.number(abstain), total: fmt.number(cast + abstain), present: fmt.number(present) })
                  : t('form.total', { cast: fmt.number(cast), abstain: fmt.number(abstain), total: fmt.number(cast + abstain) })
                : t('form.totalPending')}
            </p>
            {errorOf(`votes.${q.id}`)}
          </fieldset>
        );
      })}

      <h2>{t('form.resolutionTitle')}</h2>
      <div className="field">
        <label htmlFor={inputIdOf(prefix, 'resolution', discussion)}>{t('form.resolution')}</label>
        <p className="field-hint" id={resolutionHint}>
          {current && current.resolution === null ? t('form.resolutionUnreadable') : t('form.resolutionHint')}
        </p>
        <textarea
          value={fields.resolution}
          onChange={(e) => edit((f) => ({ ...f, resolution: e.target.value }))}
          rows={6}
          {...inputProps('resolution', [resolutionHint])}
        />
        {errorOf('resolution')}
      </div>

      <Preview discussion={discussion} unitId={unit.id} roll={roll} fields={fields} supersedes={supersedes} />

      {current ? (
        <section aria-labelledby={`${prefix}-changes-h`} className="changes">
          <h2 id={`${prefix}-changes-h`}>{t('diff.title', { version: current.version })}</h2>
          {changes === null ? (
            <p className="muted">{t('diff.pending')}</p>
          ) : changes.length === 0 || nothingChanged ? (
            <p>{t('diff.none')}</p>
          ) : (
            <ul>
              {changes.map((c, i) => (
                <ChangeLine key={i} change={c} discussion={discussion} language={i18n.language} />
              ))}
            </ul>
          )}
        </section>
      ) : null}

      <div ref={sendNoteRef} tabIndex={-1} className="send-note">
        {send.kind === 'conflict' ? (
          <div className="error" role="alert">
            <p>
              <strong>{t('send.conflictTitle')}</strong> {t('send.conflict')}
            </p>
            <button type="button" onClick={loadNewest}>
              {t('send.loadNewest')}
            </button>
          </div>
        ) : send.kind === 'failed' ? (
          <SendFailure error={send.error} />
        ) : send.kind === 'signatureRefused' ? (
          <SignatureRefused message={send.message} busy={sending.current} onSendUnsigned={() => void submit({ unsigned: true })} />
        ) : null}
      </div>

      <div className="actions" hidden={send.kind === 'conflict'}>
        <SigningNote state={signing.state} unitId={unit.id} isSecretary={holds(session, 'secretary', unit.id)} id={`${prefix}-signing`} />
        <button type="submit" className="submit" aria-describedby={`${prefix}-signing${send.kind === 'sending' ? ` ${prefix}-sending` : ''}`}>
          {current ? t('form.submitCorrection', { version: current.version + 1 }) : t('form.submit')}
        </button>
        <p role="status" id={`${prefix}-sending`} className="muted">
          {send.kind === 'sending' ? t('send.sending') : ''}
        </p>
      </div>
    </form>
  );
}

/** A count box: text with the numeric keypad (type=number would swallow bad input and change on scroll). */
function CountInput({
  value,
  onChange,
  ...rest
}: {
  value: string;
  onChange: (v: string) => void;
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
  onBlur: () => void;
}) {
  return (
    <input
      type="text"
      inputMode="numeric"
      pattern="[0-9]*"
      autoComplete="off"
      className="count"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      {...rest}
    />
  );
}

/** Every field path, in the order the form shows them. */
function fieldOrder(discussion: Discussion): Map<string, number> {
  const fields = ['unitId', 'meetingDate', 'present'];
  for (const q of discussion.questions) {
    for (const p of q.positions) fields.push(`votes.${q.id}.positions.${p.id}`);
    fields.push(`votes.${q.id}.abstain`, `votes.${q.id}`);
  }
  fields.push('resolution', 'supersedes');
  return new Map(fields.map((f, i) => [f, i]));
}

/** A field path in words, for the error summary. */
function fieldName(t: TFunction<'report'>, field: string, discussion: Discussion): string {
  if (field === 'meetingDate') return t('form.meetingDate');
  if (field === 'present') return t('form.present');
  if (field === 'resolution') return t('form.resolution');
  const m = /^votes\.([^.]+)(?:\.positions\.([^.]+)|\.(abstain))?$/.exec(field);
  if (m) {
    const q = discussion.questions.find((x) => x.id === m[1]);
    const n = q ? questionNumber(discussion, q.id) : m[1];
    if (m[2]) return t('diff.vote', { n, position: q?.positions.find((p) => p.id === m[2])?.title ?? m[2] });
    if (m[3]) return t('diff.abstain', { n });
    return t('form.question', { n });
  }
  return t('form.unit');
}

function SendFailure({ error }: { error: ApiError | Error }) {
  const { t } = useTranslation('report');
  const api = error instanceof ApiError ? error : null;
  let text: ReactNode;
  if (!api || api.status === 0) text = t('send.network');
  else if (api.status === 401) {
    const back = typeof window === 'undefined' ? '/' : window.location.pathname + window.location.search;
    text = (
      <>
        {t('send.signedOut')} <a href={`/signin?returnTo=${encodeURIComponent(back)}`}>{t('send.signInAgain')}</a>
      </>
    );
  } else if (api.status === 403) text = t('send.forbidden');
  else if (api.code === 'reporting_closed') text = t('send.closed');
  else if (api.code === 'discussion_not_open') text = t('send.notOpen');
  else if (api.status === 429) text = t('send.rateLimited', { seconds: /(\d+)\s*s\b/.exec(api.message)?.[1] ?? '60' });
  else if (api.status === 503) text = t('send.busy');
  else if (api.status === 400) text = t('send.invalid');
  else text = t('send.failed');
  return (
    <div className="error" role="alert">
      <p>
        <strong>{!api || api.status === 0 ? t('send.notConfirmed') : t('send.notStored')}</strong> {text}
      </p>
      {api && api.status !== 0 && api.status !== 401 && api.status !== 429 ? (
        <p className="detail muted" lang="en">
          {api.message}
        </p>
      ) : null}
    </div>
  );
}

function ChangeLine({ change: c, discussion, language }: { change: Change; discussion: Discussion; language: string }) {
  const { t } = useTranslation('report');
  const n = (v: number | null) => (v === null ? t('diff.unknown') : fmt.number(v));
  const title = (q: string, p: string | null | undefined) =>
    p === undefined ? t('diff.unknown') : p === null ? t('diff.nothing') : (discussion.questions.find((x) => x.id === q)?.positions.find((x) => x.id === p)?.title ?? p);
  const line = (label: string, from: string, to: string) => (
    <li>
      {label}: <span className="from">{from}</span> <span aria-hidden="true">→</span>
      <span className="visually-hidden"> {t('diff.becomes')} </span> <strong className="to">{to}</strong>
    </li>
  );
  switch (c.kind) {
    case 'meetingDate':
      return line(t('form.meetingDate'), formatDay(c.from, language), formatDay(c.to, language));
    case 'present':
      return line(t('form.present'), n(c.from), n(c.to));
    case 'vote': {
      const q = discussion.questions.find((x) => x.id === c.question);
      return line(t('diff.vote', { n: questionNumber(discussion, c.question), position: q?.positions.find((p) => p.id === c.position)?.title ?? c.position }), n(c.from), n(c.to));
    }
    case 'abstain':
      return line(t('diff.abstain', { n: questionNumber(discussion, c.question) }), n(c.from), n(c.to));
    case 'resolution':
      return <li>{c.known ? t('diff.resolution', { from: fmt.number(c.fromLength), to: fmt.number(c.toLength) }) : t('diff.resolutionUnknown')}</li>;
    case 'quorate':
      return line(t('diff.quorum'), c.from === null ? t('diff.unknown') : c.from ? t('diff.quorate') : t('diff.notQuorate'), c.to ? t('diff.quorate') : t('diff.notQuorate'));
    case 'adopted':
      return line(t('diff.adopted', { n: questionNumber(discussion, c.question) }), title(c.question, c.from), title(c.question, c.to));
  }
}

/**
 * The derived result, in words, from what is typed so far. Figures follow the typing after a pause; the region is
 * polite, so a screen reader hears the result once the person stops typing, not on every keystroke.
 */
function Preview({ discussion, unitId, roll, fields, supersedes }: { discussion: Discussion; unitId: string; roll: number; fields: FormFields; supersedes: number | null }) {
  const { t } = useTranslation('report');
  const id = useId();
  const settled = useDebounced(fields, 700);
  const c = useMemo(() => checkForm(unitId, settled, discussion, roll, supersedes), [unitId, settled, discussion, roll, supersedes]);
  return (
    <section aria-labelledby={`${id}-h`} className="preview panel">
      <h2 id={`${id}-h`}>{t('preview.title')}</h2>
      <p className="muted">{t('preview.intro')}</p>
      <div aria-live="polite">
        <p className="quorum-line">
          {c.present !== null && c.quorate !== null ? (
            <QuorumSentence present={c.present} roll={roll} quorate={c.quorate} quorum={discussion.rules.quorum} />
          ) : readCount(settled.present) === undefined ? (
            t('preview.needPresent', { count: roll, roll: fmt.number(roll) })
          ) : (
            t('preview.fixPresent')
          )}
        </p>
        <ul className="outcome">
          {discussion.questions.map((q, i) => (
            <li key={q.id}>
              <span className="question-number">{t('form.question', { n: i + 1 })}:</span>{' '}
              {c.present !== null && c.quorate !== null && c.adopted[q.id] !== undefined ? (
                <AdoptedSentence discussion={discussion} questionId={q.id} adopted={c.adopted[q.id] ?? null} votes={c.votes[q.id]} present={c.present} quorate={c.quorate} />
              ) : c.present !== null && c.quorate === false ? (
                <AdoptedSentence discussion={discussion} questionId={q.id} adopted={null} votes={undefined} present={c.present} quorate={false} />
              ) : (
                <span className="muted">
                  {[...Object.values(settled.positions[q.id] ?? {}), settled.abstain[q.id] ?? ''].some((v) => readCount(v) === undefined) || c.present === null
                    ? t('preview.needVotes')
                    : t('preview.fixVotes')}
                </span>
              )}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
