/** Pieces the office pages share: who may do what here, page titles, a confirm dialog, field errors, role names. */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api.ts';
import type { Session } from '../session.tsx';

export const ROLES = ['office', 'committee', 'secretary', 'commission', 'member', 'observer'] as const;
/** Roles that belong to a unit (the server's `isUnitRole`): they need a unit id; the others must have none. */
export const UNIT_ROLES: readonly string[] = ['committee', 'secretary', 'member'];

export interface OfficeAccess {
  office: boolean;
  /** The units the session is a committee for (its subtrees are its reach). */
  committeeUnits: string[];
  /** The commission: in the office area only for the conferences' credentials. */
  commission: boolean;
}

export function accessOf(session: Session | null): OfficeAccess {
  const grants = session?.grants ?? [];
  return {
    office: grants.some((g) => g.role === 'office'),
    committeeUnits: grants.filter((g) => g.role === 'committee' && g.unitId).map((g) => g.unitId!),
    commission: grants.some((g) => g.role === 'commission'),
  };
}

/** The document's title follows the page's h1 (WCAG 2.4.2). */
export function useTitle(title: string) {
  const { t } = useTranslation('office');
  useEffect(() => {
    document.title = t('titleSuffix', { title });
  }, [title, t]);
}

/** An error message tied to its input: render it with id `${inputId}-error` and point aria-describedby at it. */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="field-error" id={`${id}-error`}>
      {message}
    </p>
  );
}

/** aria-describedby for an input: its hint and its error, when present. */
export const describedBy = (...ids: Array<string | false | null | undefined>) => ids.filter(Boolean).join(' ') || undefined;

/**
 * A modal confirmation (the native <dialog>: focus is trapped and Escape cancels). It opens with the focus on the
 * cancelling button — the safe choice — and the title and the body are read out; the confirming button says what it
 * does. While `busy` the buttons stay focusable but do nothing (aria-disabled), and `busyText`, if given, says so.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  cancelLabel,
  busyText,
  className,
  busy,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Default: the office's "Cancel". */
  cancelLabel?: string;
  busyText?: string;
  className?: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation('office');
  const ref = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const id = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      d.showModal();
      cancel.current?.focus();
    }
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={className ? `office-dialog ${className}` : 'office-dialog'}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onCancel();
      }}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <div id={`${id}-body`}>{open ? children : null}</div>
      <div className="office-actions">
        <button type="button" onClick={() => !busy && onConfirm()} aria-disabled={busy || undefined}>
          {confirmLabel}
        </button>
        <button type="button" className="secondary" ref={cancel} onClick={() => !busy && onCancel()} aria-disabled={busy || undefined}>
          {cancelLabel ?? t('cancel')}
        </button>
      </div>
      {busyText !== undefined && (
        <p role="status" className="muted">
          {busy ? busyText : ''}
        </p>
      )}
    </dialog>
  );
}

/** A refusal from the server, in place: what it said, and the field it named. */
export function Refusal({ error, id }: { error: ApiError | Error | null | undefined; id?: string }) {
  const { t } = useTranslation('office');
  if (!error) return null;
  const status = 'status' in error ? (error as ApiError).status : 0;
  const field = 'field' in error ? (error as ApiError).field : null;
  const lead =
    status === 401
      ? t('refusal.401')
      : status === 403
        ? t('refusal.403')
        : status === 404
          ? t('refusal.404')
          : status === 409
            ? t('refusal.409')
            : status === 0
              ? t('refusal.network')
              : t('refusal.other');
  return (
    <div role="alert" className="error" id={id}>
      <strong>{lead}</strong> <span lang="en">{error.message}</span>
      {field ? <span className="muted"> ({t('refusal.field', { field })})</span> : null}
    </div>
  );
}

/** The API's Grant as words: "secretary of b1", "office". */
export function useGrantLabel() {
  const { t } = useTranslation('office');
  return (g: { role: string; unitId: string | null }) =>
    g.unitId ? t('grant.atUnit', { role: t(`role.${g.role}`, { defaultValue: g.role }), unit: g.unitId }) : t(`role.${g.role}`, { defaultValue: g.role });
}
