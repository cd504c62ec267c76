/**
 * An email address field as the account pages ask for it: labelled, phone-friendly (email keyboard, no capitals, no
 * spell check), its error under it and announced with it, and optionally described by a problem shown elsewhere.
 */
import { useTranslation } from 'react-i18next';

export function EmailField({
  id,
  value,
  onChange,
  error,
  autoComplete,
  problemId,
}: {
  /** The form's id prefix: the input is `<id>-email`, its error `<id>-email-err`. */
  id: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | null | undefined;
  autoComplete: 'username' | 'email';
  /** The id of a problem about this field shown above the form (a wrong sign-in), if any. */
  problemId?: string | undefined;
}) {
  const { t } = useTranslation('account');
  const errorId = error ? `${id}-email-err` : '';
  return (
    <>
      <label htmlFor={`${id}-email`}>{t('fields.email')}</label>
      <input
        id={`${id}-email`}
        type="email"
        name="email"
        autoComplete={autoComplete}
        inputMode="email"
        autoCapitalize="none"
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error || problemId ? true : undefined}
        aria-describedby={[errorId, problemId ?? ''].filter(Boolean).join(' ') || undefined}
        className="wide"
      />
      {error ? (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      ) : null}
    </>
  );
}
