/**
 * What every conference form shares: problems kept per field (ours, or the server's refusal naming that field), each
 * shown beside its box and tied to it with aria-describedby; the focus taken to the first one; a refusal that names no
 * field on the form shown above the buttons, focusable; a live region for what was done.
 */
import { forwardRef, useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api.ts';
import { ConfirmDialog } from '../shared.tsx';

export const asApiError = (e: unknown): ApiError => (e instanceof ApiError ? e : new ApiError(0, 'network', String(e), null));

/** A DOM id for a field path (`deciding.seats` → `<prefix>-deciding-seats`). */
export const domId = (prefix: string, field: string) => `${prefix}-${field.replace(/[^A-Za-z0-9_-]/g, '-')}`;

export function useProblems(prefix: string) {
  const [problems, setProblems] = useState<Record<string, ReactNode>>({});
  const id = useCallback((field: string) => domId(prefix, field), [prefix]);
  const errId = (field: string) => `${id(field)}-error`;

  /** The focus to a field: a group (fieldset) to its chosen or first box. */
  const focusField = useCallback(
    (field: string) =>
      requestAnimationFrame(() => {
        const el = document.getElementById(id(field));
        const target = el?.tagName === 'FIELDSET' ? (el.querySelector<HTMLElement>('input:checked') ?? el.querySelector<HTMLElement>('input, select, textarea, button')) : el;
        target?.focus();
      }),
    [id],
  );

  /** Shows the problems found and takes the focus to the first, in the form's order. True when there were any. */
  const report = (found: Record<string, ReactNode>, order: readonly string[]): boolean => {
    setProblems(found);
    const first = order.find((f) => found[f]) ?? Object.keys(found)[0];
    if (first !== undefined) focusField(first);
    return first !== undefined;
  };

  const clear = (...fields: string[]) =>
    setProblems((ps) => {
      if (!fields.some((f) => ps[f])) return ps;
      const next = { ...ps };
      for (const f of fields) delete next[f];
      return next;
    });

  /** id, aria-invalid and aria-describedby (hints first, then the error) for a box. */
  const props = (field: string, ...hints: Array<string | null | false | undefined>) => ({
    id: id(field),
    'aria-invalid': problems[field] ? (true as const) : undefined,
    'aria-describedby': [...hints, problems[field] ? errId(field) : null].filter(Boolean).join(' ') || undefined,
  });
  /** id and aria-describedby for a group (a fieldset of radio buttons). */
  const group = (field: string, ...hints: Array<string | null | false | undefined>) => ({
    id: id(field),
    'aria-describedby': [...hints, problems[field] ? errId(field) : null].filter(Boolean).join(' ') || undefined,
  });
  const error = (field: string) => <FieldError id={errId(field)}>{problems[field]}</FieldError>;

  return { problems, setProblems, id, errId, focusField, report, clear, props, group, error };
}

/** A field's error, tied to its box by id; "Error:" is said before it. */
export function FieldError({ id, children }: { id: string; children: ReactNode }) {
  const { t } = useTranslation('conference-office');
  if (!children) return null;
  return (
    <p className="field-error" id={id}>
      <span className="visually-hidden">{t('errorPrefix')} </span>
      {children}
    </p>
  );
}

/**
 * The server's words for a refused value, beside its box: a lead in the reader's language, then the rule as the server
 * said it (in English), without the field path it starts with — the box says which field it is.
 */
export function ServerDetail({ error, lead }: { error: ApiError; lead?: ReactNode }) {
  const { t } = useTranslation('conference-office');
  const prefix = error.field ? `${error.field}: ` : null;
  const message = prefix && error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return (
    <>
      {lead ?? t(error.status === 409 ? 'refusal.field409' : error.status === 403 ? 'refusal.field403' : 'refusal.field')}{' '}
      <span lang="en" className="cf-detail">
        {message}
      </span>
    </>
  );
}

/** A refusal that names no field on the form: what happened, in words, and what the server said. Focusable. */
export const Refusal = forwardRef<HTMLDivElement, { error: ApiError | null }>(function Refusal({ error }, ref) {
  const { t } = useTranslation('conference-office');
  if (!error) return null;
  const s = error.status;
  const lead = s === 401 ? 'refusal.401' : s === 403 ? 'refusal.403' : s === 404 ? 'refusal.404' : s === 409 ? 'refusal.409' : s === 0 ? 'refusal.network' : 'refusal.other';
  return (
    <div className="error" role="alert" tabIndex={-1} ref={ref}>
      <strong>{t(lead)}</strong>{' '}
      {s !== 0 ? (
        <span lang="en" className="cf-detail">
          {error.message}
        </span>
      ) : null}
    </div>
  );
});

/**
 * A refusal from the server: beside the field it names when that field is on the form (`fields`, or `place` mapping
 * it onto one), otherwise in the form's refusal box. Returns where it went.
 */
export function useServerRefusal(problems: ReturnType<typeof useProblems>) {
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const [focusRefusal, setFocusRefusal] = useState(0);
  useEffect(() => {
    if (focusRefusal) ref.current?.focus();
  }, [focusRefusal]);
  const show = (e: unknown, fields: readonly string[], place?: (field: string, err: ApiError) => { field: string; text?: ReactNode } | null): ApiError => {
    const err = asApiError(e);
    const named = err.field && [400, 403, 409].includes(err.status) ? err.field : null;
    const placed = named ? (place?.(named, err) ?? (fields.includes(named) ? { field: named } : null)) : null;
    if (placed && fields.includes(placed.field)) {
      setRefusal(null);
      problems.report({ [placed.field]: placed.text ?? <ServerDetail error={err} /> }, [placed.field]);
    } else {
      setRefusal(err);
      setFocusRefusal((n) => n + 1);
    }
    return err;
  };
  return { refusal, setRefusal, show, box: <Refusal error={refusal} ref={ref} /> };
}

/**
 * What was just done, said in a live region (polite). `focus` also takes the focus there — for when the control that
 * had it is gone (a decided mandate's buttons).
 */
export function useDone() {
  const [done, setDone] = useState<{ text: string; n: number; focus: boolean } | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (done?.focus) ref.current?.focus();
  }, [done]);
  const say = (text: string, opts: { focus?: boolean } = {}) => setDone((d) => ({ text, n: (d?.n ?? 0) + 1, focus: opts.focus ?? false }));
  const region = (
    <div role="status" aria-live="polite" tabIndex={-1} ref={ref} className={done ? 'ok cf-done' : 'cf-done-empty'}>
      {done?.text ?? ''}
    </div>
  );
  return { say, clear: () => setDone(null), region };
}

/**
 * The office's confirmation dialog (office/shared.tsx) as the conference pages say it: "Back" — the safe choice, since
 * what it confirms is final — and "Sending…" while it goes.
 */
export function Confirm(props: { open: boolean; title: string; children: ReactNode; confirmLabel: string; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  const { t } = useTranslation('conference-office');
  return <ConfirmDialog {...props} className="cf-dialog" cancelLabel={t('back')} busyText={t('sending')} />;
}
