/**
 * Choosing a password: the password and its confirmation, with the server's length rule checked as one types
 * (shown once a field was left, or after a send attempt), and a "show" switch for phones.
 */
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PASSWORD_MAX, PASSWORD_MIN } from './util.ts';

export interface PasswordErrors {
  password?: string | undefined;
  confirm?: string | undefined;
}

/** The client-side checks, as catalog keys (account namespace). */
export function checkNewPassword(password: string, confirm: string): { password?: string; confirm?: string } {
  const out: { password?: string; confirm?: string } = {};
  if (password.length === 0) out.password = 'password.required';
  else if (password.length < PASSWORD_MIN) out.password = 'password.tooShort';
  else if (password.length > PASSWORD_MAX) out.password = 'password.tooLong';
  if (confirm !== password) out.confirm = confirm.length === 0 ? 'password.confirmRequired' : 'password.mismatch';
  return out;
}

export function PasswordFields({
  password,
  confirm,
  onPassword,
  onConfirm,
  errors,
  showErrors,
  serverError,
}: {
  password: string;
  confirm: string;
  onPassword: (v: string) => void;
  onConfirm: (v: string) => void;
  /** Catalog keys from checkNewPassword. */
  errors: { password?: string; confirm?: string };
  /** Show every error (after a send attempt); otherwise a field's error shows once it was left. */
  showErrors: boolean;
  /** A refusal of the password by the server (already in words). */
  serverError?: string | null;
}) {
  const { t } = useTranslation('account');
  const id = useId();
  const [show, setShow] = useState(false);
  const [left, setLeft] = useState<{ password?: boolean; confirm?: boolean }>({});
  const pErr = serverError ?? ((showErrors || left.password) && errors.password ? t(errors.password, { min: PASSWORD_MIN, max: PASSWORD_MAX }) : null);
  const cErr = (showErrors || left.confirm) && errors.confirm ? t(errors.confirm) : null;
  const count = password.length;
  return (
    <>
      <label htmlFor={`${id}-p`}>{t('password.new')}</label>
      <p className="field-hint" id={`${id}-p-hint`}>
        {t('password.hint', { min: PASSWORD_MIN })}
      </p>
      <input
        id={`${id}-p`}
        name="new-password"
        type={show ? 'text' : 'password'}
        autoComplete="new-password"
        value={password}
        onChange={(e) => onPassword(e.target.value)}
        onBlur={() => setLeft((l) => ({ ...l, password: true }))}
        aria-invalid={pErr ? true : undefined}
        aria-describedby={`${id}-p-hint ${id}-p-count${pErr ? ` ${id}-p-err` : ''}`}
        className="wide"
      />
      <p className="field-hint" id={`${id}-p-count`}>
        {t('password.count', { count, min: PASSWORD_MIN })}
      </p>
      {pErr ? (
        <p className="field-error" id={`${id}-p-err`}>
          {pErr}
        </p>
      ) : null}
      <label htmlFor={`${id}-c`}>{t('password.confirm')}</label>
      <input
        id={`${id}-c`}
        name="confirm-password"
        type={show ? 'text' : 'password'}
        autoComplete="new-password"
        value={confirm}
        onChange={(e) => onConfirm(e.target.value)}
        onBlur={() => setLeft((l) => ({ ...l, confirm: true }))}
        aria-invalid={cErr ? true : undefined}
        aria-describedby={cErr ? `${id}-c-err` : undefined}
        className="wide"
      />
      {cErr ? (
        <p className="field-error" id={`${id}-c-err`}>
          {cErr}
        </p>
      ) : null}
      <div className="checkbox">
        <input id={`${id}-show`} type="checkbox" checked={show} onChange={(e) => setShow(e.target.checked)} />
        <label htmlFor={`${id}-show`}>{t('password.show')}</label>
      </div>
    </>
  );
}
