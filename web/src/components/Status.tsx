/** Loading and error states, announced to screen readers. */
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api.ts';

export function Loading() {
  const { t } = useTranslation();
  return (
    <p role="status" className="muted">
      {t('loading')}
    </p>
  );
}

/** An API error in words: the message the server gave (it names the field and the rule), and the field. */
export function ErrorNote({ error }: { error: ApiError | Error | undefined | null }) {
  const { t } = useTranslation();
  if (!error) return null;
  const field = 'field' in error && error.field ? error.field : null;
  return (
    <div role="alert" className="error">
      <strong>{t('error.title')}</strong> {error.message}
      {field ? <span className="muted"> ({t('error.field', { field })})</span> : null}
    </div>
  );
}
