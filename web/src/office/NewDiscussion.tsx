/**
 * Creating a discussion from a form. The browser checks with the server's own schema (`DiscussionInput`) and rule
 * (`checkDiscussionDefinition`); the server's refusals name a field (`questions.0.positions.1.id`), shown at that input.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import ReactMarkdown from 'react-markdown';
import { Link, useLocation } from 'wouter';
import { checkDiscussionDefinition } from '../../../src/domain/discussion.ts';
import { isDomainError } from '../../../src/domain/errors.ts';
import { DiscussionInput } from '../../../src/schemas/discussion.ts';
import { api, ApiError } from '../api.ts';
import { Refusal, describedBy, useTitle } from './shared.tsx';
import { fieldDomId, issueText, parseDecimal, pathKey } from './validation.ts';

interface PositionDraft {
  key: number;
  id: string;
  title: string;
  text: string;
}
interface QuestionDraft {
  key: number;
  id: string;
  text: string;
  positions: PositionDraft[];
}
type QuorumChoice = 'half' | 'third' | 'twoThirds' | 'custom';
const QUORUM: Record<Exclude<QuorumChoice, 'custom'>, number> = { half: 1 / 2, third: 1 / 3, twoThirds: 2 / 3 };
const MAX_ITEMS = 50;

/** An error at a field: our words, or the server's (in English, marked so). */
interface FieldMessage {
  text: string;
  lang?: string;
}

let nextKey = 1;
const newPosition = (): PositionDraft => ({ key: nextKey++, id: '', title: '', text: '' });
const newQuestion = (): QuestionDraft => ({ key: nextKey++, id: '', text: '', positions: [newPosition(), newPosition()] });

export function NewDiscussion() {
  const { t } = useTranslation('office');
  useTitle(t('form.title'));
  const [, navigate] = useLocation();
  const [id, setId] = useState('');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [closesAt, setClosesAt] = useState('');
  const [quorumChoice, setQuorumChoice] = useState<QuorumChoice>('half');
  const [quorumCustom, setQuorumCustom] = useState('');
  const [majority, setMajority] = useState<'votes-cast' | 'present'>('votes-cast');
  const [minSize, setMinSize] = useState('');
  const [questions, setQuestions] = useState<QuestionDraft[]>(() => [newQuestion()]);
  const [errors, setErrors] = useState<Map<string, FieldMessage>>(new Map());
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [focusTarget, setFocusTarget] = useState<string | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const [summaryShown, setSummaryShown] = useState(0);

  // Moves focus after the list changed (a new question's first input, or the add button after a removal).
  useEffect(() => {
    if (!focusTarget) return;
    document.getElementById(focusTarget)?.focus();
    setFocusTarget(null);
  }, [focusTarget]);
  useEffect(() => {
    if (summaryShown) summaryRef.current?.focus();
  }, [summaryShown]);

  const quorumValue = quorumChoice === 'custom' ? parseDecimal(quorumCustom) : QUORUM[quorumChoice];
  const closesIso = closesAt && !Number.isNaN(new Date(closesAt).getTime()) ? new Date(closesAt).toISOString() : '';
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  const buildInput = () => ({
    id: id.trim(),
    title,
    ...(description.trim() ? { description } : {}),
    reportingClosesAt: closesIso,
    rules: {
      quorum: quorumValue,
      majority,
      ...(minSize.trim() ? { publicMinUnitSize: Number(minSize.trim()) } : {}),
    },
    questions: questions.map((q) => ({
      id: q.id.trim(),
      text: q.text,
      positions: q.positions.map((p) => ({ id: p.id.trim(), title: p.title, ...(p.text.trim() ? { text: p.text } : {}) })),
    })),
  });

  const showErrors = (m: Map<string, FieldMessage>) => {
    setErrors(m);
    setSummaryShown((n) => n + 1);
  };

  const submit = async () => {
    setRefusal(null);
    const input = buildInput();
    const parsed = DiscussionInput.safeParse(input);
    const found = new Map<string, FieldMessage>();
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = pathKey(issue.path);
        if (!found.has(key)) found.set(key, { text: issueText(issue, t) });
      }
    } else {
      try {
        checkDiscussionDefinition(parsed.data);
      } catch (e) {
        if (!isDomainError(e) || !e.field) throw e;
        found.set(e.field, { text: /reserved/.test(e.message) ? t('v.noneReserved') : t('v.duplicate') });
      }
    }
    if (found.size > 0) return showErrors(found);
    setErrors(new Map());
    setBusy(true);
    try {
      await api('/discussions', { body: parsed.data });
      navigate(`/?created=${encodeURIComponent(input.id)}`);
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, 'network', String(e), null);
      if (err.field && KNOWN_FIELDS.test(err.field)) {
        const text = err.code === 'conflict' && err.field === 'id' ? t('v.idTaken', { id: input.id }) : err.message;
        showErrors(new Map([[err.field, err.code === 'conflict' && err.field === 'id' ? { text } : { text, lang: 'en' }]]));
      } else {
        setRefusal(err);
      }
    } finally {
      setBusy(false);
    }
  };

  const err = (path: string) => errors.get(path);
  const updateQuestion = (qi: number, change: Partial<QuestionDraft>) => setQuestions((qs) => qs.map((q, i) => (i === qi ? { ...q, ...change } : q)));
  const updatePosition = (qi: number, pi: number, change: Partial<PositionDraft>) =>
    setQuestions((qs) => qs.map((q, i) => (i === qi ? { ...q, positions: q.positions.map((p, j) => (j === pi ? { ...p, ...change } : p)) } : q)));

  const labelOf = (path: string): string => {
    const parts = path.split('.');
    const field = (name: string) => t(`form.fields.${name}`, { defaultValue: name });
    if (parts[0] === 'questions' && parts.length >= 2) {
      const q = t('form.questionN', { n: Number(parts[1]) + 1 });
      if (parts[2] === 'positions' && parts.length >= 4) return `${q}, ${t('form.positionN', { n: Number(parts[3]) + 1 })}: ${field(`position.${parts[4]}`)}`;
      if (parts[2] === 'positions') return `${q}: ${t('form.positions')}`;
      return `${q}: ${field(`question.${parts[2]}`)}`;
    }
    if (parts[0] === 'questions') return t('form.questions');
    return field(path);
  };

  const closesInPast = closesIso !== '' && closesIso < new Date().toISOString();
  return (
    <>
      <h1>{t('form.title')}</h1>
      <p className="muted">{t('form.intro')}</p>
      {errors.size > 0 ? (
        <div className="error" role="alert" tabIndex={-1} ref={summaryRef} aria-labelledby="form-errors-title">
          <h2 id="form-errors-title">{t('form.errorsTitle', { count: errors.size })}</h2>
          <ul>
            {[...errors].map(([path, m]) => (
              <li key={path}>
                <a
                  href={`#${fieldDomId(path)}`}
                  onClick={(e) => {
                    e.preventDefault();
                    document.getElementById(fieldDomId(path))?.focus();
                  }}
                >
                  {labelOf(path)}
                </a>
                : <span lang={m.lang}>{m.text}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <Refusal error={refusal} />
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <TextField path="id" label={t('form.fields.id')} hint={t('form.hints.id')} value={id} onChange={setId} error={err('id')} autoComplete="off" spellCheck={false} />
        <TextField path="title" label={t('form.fields.title')} value={title} onChange={setTitle} error={err('title')} />
        <TextField path="description" label={t('form.fields.description')} hint={t('form.hints.markdown')} value={description} onChange={setDescription} error={err('description')} multiline />

        <div className="office-field">
          <label htmlFor={fieldDomId('reportingClosesAt')}>{t('form.fields.reportingClosesAt')}</label>
          <p className="field-hint" id="closes-hint">
            {t('form.hints.closesAt', { zone: timeZone })}
            {closesIso ? (
              <>
                {' '}
                {t('form.hints.closesUtc')} <code>{closesIso}</code>
              </>
            ) : null}
          </p>
          <input
            id={fieldDomId('reportingClosesAt')}
            type="datetime-local"
            value={closesAt}
            onChange={(e) => setClosesAt(e.target.value)}
            aria-invalid={err('reportingClosesAt') ? true : undefined}
            aria-describedby={describedBy('closes-hint', err('reportingClosesAt') && `${fieldDomId('reportingClosesAt')}-error`, closesInPast && 'closes-past')}
          />
          {closesInPast ? (
            <p className="office-warning" id="closes-past">
              {t('form.hints.closesPast')}
            </p>
          ) : null}
          <Message id={fieldDomId('reportingClosesAt')} m={err('reportingClosesAt')} />
        </div>

        <fieldset className="office-fieldset">
          <legend>{t('form.rules')}</legend>
          <fieldset className="office-choices" aria-describedby={describedBy('quorum-hint', err('rules.quorum') && `${fieldDomId('rules.quorum')}-error`)}>
            <legend>{t('form.fields.rules.quorum')}</legend>
            <p className="field-hint" id="quorum-hint">
              {t('form.hints.quorum')}
            </p>
            {(['half', 'third', 'twoThirds', 'custom'] as const).map((c) => (
              <label key={c} className="office-choice">
                <input
                  type="radio"
                  name="quorum"
                  value={c}
                  checked={quorumChoice === c}
                  onChange={() => setQuorumChoice(c)}
                  id={c !== 'custom' && quorumChoice === c ? fieldDomId('rules.quorum') : undefined}
                />{' '}
                {t(`form.quorum.${c}`)}
              </label>
            ))}
            {quorumChoice === 'custom' ? (
              <div className="office-indent">
                <label htmlFor={fieldDomId('rules.quorum')}>{t('form.quorum.customLabel')}</label>
                <input
                  id={fieldDomId('rules.quorum')}
                  inputMode="decimal"
                  value={quorumCustom}
                  onChange={(e) => setQuorumCustom(e.target.value)}
                  aria-invalid={err('rules.quorum') ? true : undefined}
                  aria-describedby={describedBy('quorum-custom-hint', err('rules.quorum') && `${fieldDomId('rules.quorum')}-error`)}
                  className="office-short"
                />
                <p className="field-hint" id="quorum-custom-hint">
                  {t('form.quorum.customHint')}
                </p>
              </div>
            ) : null}
            <Message id={fieldDomId('rules.quorum')} m={err('rules.quorum')} />
          </fieldset>

          <fieldset className="office-choices">
            <legend>{t('form.fields.rules.majority')}</legend>
            {(['votes-cast', 'present'] as const).map((m) => (
              <label key={m} className="office-choice">
                <input type="radio" name="majority" value={m} checked={majority === m} onChange={() => setMajority(m)} id={majority === m ? fieldDomId('rules.majority') : undefined} />{' '}
                {t(`form.majority.${m}`)}
                <span className="field-hint office-block">{t(`form.majority.${m}Hint`)}</span>
              </label>
            ))}
            <Message id={fieldDomId('rules.majority')} m={err('rules.majority')} />
          </fieldset>

          <TextField
            path="rules.publicMinUnitSize"
            label={t('form.fields.rules.publicMinUnitSize')}
            hint={t('form.hints.minSize')}
            value={minSize}
            onChange={setMinSize}
            error={err('rules.publicMinUnitSize')}
            inputMode="numeric"
            short
          />
        </fieldset>

        <h2 id={fieldDomId('questions')} tabIndex={-1}>
          {t('form.questions')}
        </h2>
        <Message id={fieldDomId('questions')} m={err('questions')} />
        {questions.map((q, qi) => (
          <fieldset key={q.key} className="office-fieldset office-question">
            <legend>{t('form.questionN', { n: qi + 1 })}</legend>
            <TextField path={`questions.${qi}.id`} label={t('form.fields.question.id')} hint={t('form.hints.questionId')} value={q.id} onChange={(v) => updateQuestion(qi, { id: v })} error={err(`questions.${qi}.id`)} autoComplete="off" spellCheck={false} short />
            <TextField path={`questions.${qi}.text`} label={t('form.fields.question.text')} hint={t('form.hints.markdown')} value={q.text} onChange={(v) => updateQuestion(qi, { text: v })} error={err(`questions.${qi}.text`)} multiline />
            <h3 id={fieldDomId(`questions.${qi}.positions`)} tabIndex={-1}>
              {t('form.positionsOf', { n: qi + 1 })}
            </h3>
            <Message id={fieldDomId(`questions.${qi}.positions`)} m={err(`questions.${qi}.positions`)} />
            {q.positions.map((p, pi) => (
              <fieldset key={p.key} className="office-fieldset office-position">
                <legend>{t('form.questionPositionN', { q: qi + 1, n: pi + 1 })}</legend>
                <TextField path={`questions.${qi}.positions.${pi}.id`} label={t('form.fields.position.id')} value={p.id} onChange={(v) => updatePosition(qi, pi, { id: v })} error={err(`questions.${qi}.positions.${pi}.id`)} autoComplete="off" spellCheck={false} short />
                <TextField path={`questions.${qi}.positions.${pi}.title`} label={t('form.fields.position.title')} value={p.title} onChange={(v) => updatePosition(qi, pi, { title: v })} error={err(`questions.${qi}.positions.${pi}.title`)} />
                <TextField
                  path={`questions.${qi}.positions.${pi}.text`}
                  label={t('form.fields.position.text')}
                  hint={t('form.hints.markdownOptional')}
                  value={p.text}
                  onChange={(v) => updatePosition(qi, pi, { text: v })}
                  error={err(`questions.${qi}.positions.${pi}.text`)}
                  multiline
                />
                <button
                  type="button"
                  className="secondary"
                  disabled={q.positions.length <= 1}
                  onClick={() => {
                    updateQuestion(qi, { positions: q.positions.filter((_, j) => j !== pi) });
                    setErrors(new Map());
                    setFocusTarget(`add-position-${qi}`);
                  }}
                >
                  {t('form.removePosition', { q: qi + 1, n: pi + 1 })}
                </button>
              </fieldset>
            ))}
            <div className="office-actions">
              <button
                type="button"
                className="secondary"
                id={`add-position-${qi}`}
                disabled={q.positions.length >= MAX_ITEMS}
                onClick={() => {
                  updateQuestion(qi, { positions: [...q.positions, newPosition()] });
                  setFocusTarget(fieldDomId(`questions.${qi}.positions.${q.positions.length}.id`));
                }}
              >
                {t('form.addPosition', { n: qi + 1 })}
              </button>
              <button
                type="button"
                className="secondary"
                disabled={questions.length <= 1}
                onClick={() => {
                  setQuestions((qs) => qs.filter((_, i) => i !== qi));
                  setErrors(new Map());
                  setFocusTarget('add-question');
                }}
              >
                {t('form.removeQuestion', { n: qi + 1 })}
              </button>
            </div>
          </fieldset>
        ))}
        <div className="office-actions">
          <button
            type="button"
            className="secondary"
            id="add-question"
            disabled={questions.length >= MAX_ITEMS}
            onClick={() => {
              setQuestions((qs) => [...qs, newQuestion()]);
              setFocusTarget(fieldDomId(`questions.${questions.length}.id`));
            }}
          >
            {t('form.addQuestion')}
          </button>
        </div>
        <div className="office-actions office-submit">
          <button type="submit" disabled={busy}>
            {busy ? t('form.saving') : t('form.submit')}
          </button>
          <Link href="/" className="button secondary">
            {t('cancel')}
          </Link>
        </div>
        <p className="field-hint">{t('form.draftNote')}</p>
      </form>
    </>
  );
}

/** Fields a server refusal may name that have an input here. */
const KNOWN_FIELDS = /^(id|title|description|reportingClosesAt|rules\.(quorum|majority|publicMinUnitSize)|questions(\.\d+(\.(id|text|positions(\.\d+(\.(id|title|text))?)?))?)?)$/;

function Message({ id, m }: { id: string; m: FieldMessage | undefined }) {
  if (!m) return null;
  return (
    <p className="field-error" id={`${id}-error`}>
      <span lang={m.lang}>{m.text}</span>
    </p>
  );
}

function TextField({
  path,
  label,
  hint,
  value,
  onChange,
  error,
  multiline,
  short,
  ...rest
}: {
  path: string;
  label: string;
  hint?: string;
  value: string;
  onChange: (v: string) => void;
  error: FieldMessage | undefined;
  multiline?: boolean;
  short?: boolean;
  autoComplete?: string;
  spellCheck?: boolean;
  inputMode?: 'numeric' | 'decimal';
}) {
  const domId = fieldDomId(path);
  const props = {
    id: domId,
    value,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy(hint && `${domId}-hint`, error && `${domId}-error`),
    ...rest,
  };
  return (
    <div className="office-field">
      <label htmlFor={domId}>{label}</label>
      {hint ? (
        <p className="field-hint" id={`${domId}-hint`}>
          {hint}
        </p>
      ) : null}
      {multiline ? (
        <textarea {...props} rows={4} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...props} type="text" className={short ? 'office-short' : undefined} onChange={(e) => onChange(e.target.value)} />
      )}
      <Message id={domId} m={error} />
      {multiline && value.trim() ? <MarkdownPreview text={value} /> : null}
    </div>
  );
}

function MarkdownPreview({ text }: { text: string }): ReactNode {
  const { t } = useTranslation('office');
  return (
    <details className="office-preview">
      <summary>{t('form.preview')}</summary>
      <div className="office-markdown">
        <ReactMarkdown>{text}</ReactMarkdown>
      </div>
    </details>
  );
}
