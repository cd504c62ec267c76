/**
 * The commission's decision on one challenge: the decision, its criterion and written reason, and for a strike of
 * counts the counts struck (attendance, and per question the votes per position and the abstentions, from zeros).
 * A confirm step says that a decision is never changed; the server's refusal is shown beside the field it names
 * (`criterion`, `struck`, `struck.votes.q1.positions.cc`, …) and the focus is taken there.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { fmt } from '../i18n.ts';
import type { Discussion, ReportVersion } from '../components/public/types.ts';
import { DECISIONS, enc, fieldId, strikesSomething, struckBody, zeroStruck, type Adjudication, type Challenge, type Decision, type DecisionBody, type StruckFields } from './model.ts';
import { asApiError, FieldError, Refusal, ServerDetail, StruckLines } from './parts.tsx';
import type { ApiError } from '../api.ts';

export function DecisionForm({
  discussion,
  challenge,
  unitName,
  version,
  onDecided,
  onStale,
}: {
  discussion: Discussion;
  challenge: Challenge;
  unitName: string;
  /** The version challenged, as reported (its counts are the most that can be struck); null if unknown. */
  version: ReportVersion | null;
  onDecided: (a: Adjudication) => void;
  /** The challenge was decided meanwhile (by another member of the commission): read the list again. */
  onStale: () => void;
}) {
  const { t } = useTranslation('challenges');
  const prefix = useId().replace(/[^A-Za-z0-9_-]/g, '');
  // Questions the version voted on can have votes struck; the server refuses any other (even zeros).
  const questions = discussion.questions.filter((q) => !version?.votes || version.votes[q.id]);
  const [decision, setDecision] = useState<Decision | ''>('');
  const [criterion, setCriterion] = useState('');
  const [reason, setReason] = useState('');
  const [struck, setStruck] = useState<StruckFields>(() => zeroStruck(questions));
  const [problems, setProblems] = useState<Record<string, ReactNode>>({});
  const [confirming, setConfirming] = useState<DecisionBody | null>(null);
  const [sending, setSending] = useState(false);
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const refusalRef = useRef<HTMLDivElement>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const backRef = useRef<HTMLButtonElement>(null);
  /** Where the focus goes once the dialog is closed (closing it gives the focus back to the button that opened it). */
  const focusAfterClose = useRef<(() => void) | null>(null);
  const id = (field: string) => fieldId(prefix, field);
  const errId = (field: string) => `${id(field)}-error`;

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (confirming && !d.open) {
      d.showModal();
      // The safe choice first: recording is final (React renders no autofocus attribute for the dialog to find).
      backRef.current?.focus();
    }
    if (!confirming && d.open) d.close();
    if (!confirming && focusAfterClose.current) {
      const move = focusAfterClose.current;
      focusAfterClose.current = null;
      move();
    }
  }, [confirming]);

  /** Moves the focus to a field: a group (fieldset) to its chosen or first box. */
  const focusNow = (field: string) => {
    const el = document.getElementById(id(field));
    const target = el?.tagName === 'FIELDSET' ? (el.querySelector<HTMLElement>('input:checked') ?? el.querySelector<HTMLElement>('input, select, textarea')) : el;
    target?.focus();
  };
  const focus = (field: string) => requestAnimationFrame(() => focusNow(field));
  const clear = (...fields: string[]) =>
    setProblems((ps) => {
      if (!fields.some((f) => ps[f])) return ps;
      const next = { ...ps };
      for (const f of fields) delete next[f];
      return next;
    });

  /** The fields in the order they appear, for the first problem's focus. */
  const order = ['decision', 'criterion', 'reason', 'struck', 'struck.present', ...questions.flatMap((q) => [`struck.votes.${q.id}`, ...q.positions.map((p) => `struck.votes.${q.id}.positions.${p.id}`), `struck.votes.${q.id}.abstain`])];

  const review = () => {
    setRefusal(null);
    const found: Record<string, ReactNode> = {};
    if (!decision) found.decision = t('decide.errors.choose');
    if (!criterion.trim()) found.criterion = t('decide.errors.criterion');
    if (!reason.trim()) found.reason = t('decide.errors.reason');
    let body: DecisionBody | null = null;
    if (decision === 'strike-votes') {
      const made = struckBody(struck, questions);
      for (const f of made.bad) found[f] = t('decide.errors.count');
      if (made.bad.length === 0 && !strikesSomething(made.struck)) found.struck = t('decide.errors.nothingStruck');
      body = { decision, criterion, reason, struck: made.struck };
    } else if (decision) {
      body = { decision, criterion, reason };
    }
    setProblems(found);
    const first = order.find((f) => found[f]);
    if (first || !body) {
      focus(first ?? 'decision');
      return;
    }
    setConfirming(body);
  };

  const send = async () => {
    if (!confirming || sending) return;
    setSending(true);
    try {
      const made = await api<Adjudication>(`/discussions/${enc(discussion.id)}/challenges/${enc(challenge.id)}/decision`, { body: confirming });
      setConfirming(null);
      onDecided(made);
    } catch (e) {
      const err = asApiError(e);
      const field = err.field && (err.status === 400 || err.status === 409) ? err.field : null;
      // A field on this form gets the refusal beside it; `struck.votes.q9` (a question not shown) goes to the counts.
      const shown = field && order.includes(field) ? field : field?.startsWith('struck') ? 'struck' : null;
      if (shown) {
        setProblems({ [shown]: <ServerDetail error={err} /> });
        focusAfterClose.current = () => focusNow(shown);
      } else {
        setRefusal(err);
        if (err.status === 409) onStale();
        focusAfterClose.current = () => refusalRef.current?.focus();
      }
      setConfirming(null);
    } finally {
      setSending(false);
    }
  };

  const described = (field: string, ...hints: Array<string | null | false>) => ({
    id: id(field),
    'aria-invalid': problems[field] ? (true as const) : undefined,
    'aria-describedby': [...hints, problems[field] ? errId(field) : null].filter(Boolean).join(' ') || undefined,
  });
  const groupDescribed = (field: string, ...hints: Array<string | null | false>) => ({
    id: id(field),
    'aria-describedby': [...hints, problems[field] ? errId(field) : null].filter(Boolean).join(' ') || undefined,
  });
  const countInput = (field: string, value: string, set: (v: string) => void, reported: number | undefined, hintId: string) => (
    <>
      <input
        type="text"
        inputMode="numeric"
        pattern="[0-9]*"
        autoComplete="off"
        className="ch-count"
        value={value}
        onChange={(e) => {
          set(e.target.value);
          clear(field, 'struck');
        }}
        {...described(field, reported !== undefined && hintId)}
      />
      {reported !== undefined ? (
        <span className="field-hint ch-reported" id={hintId}>
          {t('decide.reported', { n: fmt.number(reported) })}
        </span>
      ) : null}
      <FieldError id={errId(field)}>{problems[field]}</FieldError>
    </>
  );

  const criterionHint = `${id('criterion')}-hint`;
  const reasonHint = `${id('reason')}-hint`;
  const struckHint = `${id('struck')}-hint`;
  return (
    <form
      className="ch-form ch-decide"
      noValidate
      aria-labelledby={`${prefix}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        review();
      }}
    >
      <h4 id={`${prefix}-title`}>{t('decide.title', { unit: unitName, version: challenge.version })}</h4>
      <fieldset {...groupDescribed('decision')} className="ch-fieldset">
        <legend>{t('decide.decision')}</legend>
        {DECISIONS.map((d) => (
          <div key={d} className="ch-radio">
            <input
              type="radio"
              name={`${prefix}-decision`}
              id={`${id('decision')}-${d}`}
              value={d}
              checked={decision === d}
              aria-describedby={[`${id('decision')}-${d}-hint`, problems.decision ? errId('decision') : null].filter(Boolean).join(' ')}
              onChange={() => {
                setDecision(d);
                clear('decision', 'struck');
              }}
            />
            <div>
              <label htmlFor={`${id('decision')}-${d}`}>{t(`decision.${d}`)}</label>
              <span className="field-hint" id={`${id('decision')}-${d}-hint`}>
                {t(`effect.${d}`)}
              </span>
            </div>
          </div>
        ))}
        <FieldError id={errId('decision')}>{problems.decision}</FieldError>
      </fieldset>

      <div className="field">
        <label htmlFor={id('criterion')}>{t('decide.criterion')}</label>
        <p className="field-hint" id={criterionHint}>
          {t('decide.criterionHint')}
        </p>
        <input
          type="text"
          className="ch-wide"
          maxLength={500}
          value={criterion}
          onChange={(e) => {
            setCriterion(e.target.value);
            clear('criterion');
          }}
          {...described('criterion', criterionHint)}
        />
        <FieldError id={errId('criterion')}>{problems.criterion}</FieldError>
      </div>
      <div className="field">
        <label htmlFor={id('reason')}>{t('decide.reason')}</label>
        <p className="field-hint" id={reasonHint}>
          {t('decide.reasonHint')}
        </p>
        <textarea
          rows={5}
          value={reason}
          maxLength={20_000}
          onChange={(e) => {
            setReason(e.target.value);
            clear('reason');
          }}
          {...described('reason', reasonHint)}
        />
        <FieldError id={errId('reason')}>{problems.reason}</FieldError>
      </div>

      {decision === 'strike-votes' ? (
        <fieldset {...groupDescribed('struck', struckHint)} className="ch-fieldset">
          <legend>{t('decide.struck')}</legend>
          <p className="field-hint" id={struckHint}>
            {t('decide.struckHint')}
          </p>
          <FieldError id={errId('struck')}>{problems.struck}</FieldError>
          <div className="ch-counts">
            <div className="field">
              <label htmlFor={id('struck.present')}>{t('decide.present')}</label>
              {countInput('struck.present', struck.present, (v) => setStruck((s) => ({ ...s, present: v })), version?.present ?? undefined, `${id('struck.present')}-hint`)}
            </div>
          </div>
          {questions.map((q) => {
            const n = discussion.questions.indexOf(q) + 1;
            const votes = version?.votes?.[q.id];
            const qField = `struck.votes.${q.id}`;
            return (
              <fieldset key={q.id} {...groupDescribed(qField)} className="ch-fieldset ch-question-counts">
                <legend>
                  {t('questionN', { n })} <span className="ch-question-text">{q.text}</span>
                </legend>
                <FieldError id={errId(qField)}>{problems[qField]}</FieldError>
                <div className="ch-counts">
                  {q.positions.map((p) => {
                    const field = `${qField}.positions.${p.id}`;
                    return (
                      <div className="field" key={p.id}>
                        <label htmlFor={id(field)}>{t('decide.votesFor', { position: p.title })}</label>
                        {countInput(
                          field,
                          struck.positions[q.id]?.[p.id] ?? '',
                          (v) => setStruck((s) => ({ ...s, positions: { ...s.positions, [q.id]: { ...s.positions[q.id], [p.id]: v } } })),
                          votes ? (votes.positions[p.id] ?? 0) : undefined,
                          `${id(field)}-hint`,
                        )}
                      </div>
                    );
                  })}
                  <div className="field">
                    <label htmlFor={id(`${qField}.abstain`)}>{t('decide.abstain')}</label>
                    {countInput(
                      `${qField}.abstain`,
                      struck.abstain[q.id] ?? '',
                      (v) => setStruck((s) => ({ ...s, abstain: { ...s.abstain, [q.id]: v } })),
                      votes?.abstain,
                      `${id(`${qField}.abstain`)}-hint`,
                    )}
                  </div>
                </div>
              </fieldset>
            );
          })}
          {questions.length < discussion.questions.length ? <p className="muted">{t('decide.notVotedOmitted', { count: discussion.questions.length - questions.length })}</p> : null}
        </fieldset>
      ) : null}

      {refusal ? <Refusal error={refusal} ref={refusalRef} /> : null}
      <div className="ch-actions">
        <button type="submit">{t('decide.review')}</button>
      </div>

      <dialog
        ref={dialog}
        className="ch-dialog"
        aria-labelledby={`${prefix}-confirm-h`}
        aria-describedby={`${prefix}-confirm-final`}
        onCancel={(e) => {
          e.preventDefault();
          if (!sending) setConfirming(null);
        }}
      >
        <h2 id={`${prefix}-confirm-h`}>{t('decide.confirmTitle', { unit: unitName, version: challenge.version })}</h2>
        {confirming ? (
          <dl className="ch-facts">
            <dt>{t('decide.decision')}</dt>
            <dd>{t(`decision.${confirming.decision}`)}</dd>
            <dt>{t('decide.criterion')}</dt>
            <dd>{confirming.criterion}</dd>
            <dt>{t('decide.reason')}</dt>
            <dd className="ch-text">{confirming.reason}</dd>
            {confirming.struck ? (
              <>
                <dt>{t('struck.title')}</dt>
                <dd>
                  <StruckLines struck={{ present: confirming.struck.present ?? 0, votes: confirming.struck.votes ?? {} }} discussion={discussion} />
                </dd>
              </>
            ) : null}
          </dl>
        ) : null}
        <p id={`${prefix}-confirm-final`}>
          <strong>{t('decide.final')}</strong>
        </p>
        <div className="ch-actions">
          <button type="button" onClick={() => void send()} aria-disabled={sending || undefined}>
            {t('decide.confirm')}
          </button>
          <button type="button" className="secondary" ref={backRef} onClick={() => !sending && setConfirming(null)}>
            {t('decide.back')}
          </button>
        </div>
        <p role="status" className="muted">
          {sending ? t('decide.sending') : ''}
        </p>
      </dialog>
    </form>
  );
}
