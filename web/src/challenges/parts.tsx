/** Pieces the challenge pages share: a decision in words, what it struck, a field's error, a refusal from the server. */
import { forwardRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.ts';
import { fmt } from '../i18n.ts';
import type { Discussion } from '../components/public/types.ts';
import type { Adjudication, StruckCounts } from './model.ts';
import './challenges.css';

type DecisionShown = Pick<Adjudication, 'decision' | 'criterion' | 'reason' | 'struck' | 'decidedAt' | 'logIndex'>;

/** The counts a strike-votes decision struck, one line each (only what it struck). */
export function StruckLines({ struck, discussion }: { struck: StruckCounts; discussion: Pick<Discussion, 'questions'> }) {
  const { t } = useTranslation('challenges');
  const lines: string[] = [];
  if (struck.present > 0) lines.push(t('struck.present', { n: fmt.number(struck.present) }));
  discussion.questions.forEach((q, i) => {
    const v = struck.votes[q.id];
    if (!v) return;
    for (const p of q.positions) {
      const n = v.positions[p.id] ?? 0;
      if (n > 0) lines.push(t('struck.votes', { question: t('questionN', { n: i + 1 }), position: p.title, n: fmt.number(n) }));
    }
    if (v.abstain > 0) lines.push(t('struck.abstain', { question: t('questionN', { n: i + 1 }), n: fmt.number(v.abstain) }));
  });
  return (
    <ul className="ch-struck">
      {lines.map((l, i) => (
        <li key={i}>{l}</li>
      ))}
    </ul>
  );
}

/** The commission's decision: what it decided, under which criterion, why, and what it struck. */
export function DecisionView({ decision: d, discussion, heading }: { decision: DecisionShown; discussion: Pick<Discussion, 'questions'>; heading?: ReactNode }) {
  const { t } = useTranslation('challenges');
  return (
    <div className="ch-decision">
      {heading}
      <p>
        <strong>{t(`decision.${d.decision}`)}</strong> <span className="muted">— {t('decidedAt', { at: fmt.dateTime(d.decidedAt) })}</span>
      </p>
      <dl className="ch-facts">
        <dt>{t('criterion')}</dt>
        <dd>{d.criterion}</dd>
        <dt>{t('reasonWritten')}</dt>
        <dd className="ch-text">{d.reason}</dd>
        {d.struck ? (
          <>
            <dt>{t('struck.title')}</dt>
            <dd>
              <StruckLines struck={d.struck} discussion={discussion} />
            </dd>
          </>
        ) : null}
        {d.logIndex !== null ? (
          <>
            <dt>{t('logEntry')}</dt>
            <dd>{t('logIndex', { index: d.logIndex })}</dd>
          </>
        ) : null}
      </dl>
    </div>
  );
}

/** A field's error, tied to its input by id (`aria-describedby`); "Error:" is said before it. */
export function FieldError({ id, children }: { id: string; children: ReactNode }) {
  const { t } = useTranslation('challenges');
  if (!children) return null;
  return (
    <p className="field-error" id={id}>
      <span className="visually-hidden">{t('errorPrefix')} </span>
      {children}
    </p>
  );
}

/**
 * The server's words for a refused value, shown beside its box: the lead in the reader's language, then the rule as the
 * server said it (in English), without the field path it starts with — the box says which field it is.
 */
export function ServerDetail({ error }: { error: ApiError }) {
  const { t } = useTranslation('challenges');
  const prefix = error.field ? `${error.field}: ` : null;
  const message = prefix && error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return (
    <>
      {t(error.status === 409 ? 'refusal.field409' : 'refusal.field')}{' '}
      <span lang="en" className="ch-detail">
        {message}
      </span>
    </>
  );
}

/** A refusal that names no field on the form: what happened, in words, and what the server said. Focusable. */
export const Refusal = forwardRef<HTMLDivElement, { error: ApiError | Error }>(function Refusal({ error }, ref) {
  const { t } = useTranslation('challenges');
  const status = error instanceof ApiError ? error.status : 0;
  const lead = status === 401 ? 'refusal.401' : status === 403 ? 'refusal.403' : status === 404 ? 'refusal.404' : status === 409 ? 'refusal.409' : status === 0 ? 'refusal.network' : 'refusal.other';
  return (
    <div className="error" role="alert" tabIndex={-1} ref={ref}>
      <strong>{t(lead)}</strong>{' '}
      {status !== 0 ? (
        <span lang="en" className="ch-detail">
          {error.message}
        </span>
      ) : null}
    </div>
  );
});

export const asApiError = (e: unknown): ApiError => (e instanceof ApiError ? e : new ApiError(0, 'network', String(e), null));
