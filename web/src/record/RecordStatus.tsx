/**
 * What the dashboard says of its check of the public log (check.ts), loaded after the figures are shown: a calm line
 * at the foot of the page when all is well, or a loud alert at the top when the log was rewritten, its signature does
 * not verify, or its key changed — with what this browser saw before and what is served now.
 */
import { useTranslation } from 'react-i18next';
import { fmt } from '../i18n.ts';
import { logPath, type RecordCheck, type SeenCheckpoint } from './check.ts';
import { decodeBase64, toHex } from './checkpoint.ts';
import './record.css';

/** A root hash as hex: easier to compare by eye (and to read out) than base64. */
function rootHex(b64: string): string {
  try {
    return toHex(decodeBase64(b64, 'root'));
  } catch {
    return b64;
  }
}

export function RecordFiles({ discussionId }: { discussionId: string }) {
  const { t } = useTranslation('record');
  return (
    <>
      {t('check.files')}{' '}
      <a href={logPath(discussionId, 'checkpoint')}>{t('check.checkpointFile')}</a>
      {', '}
      <a href={logPath(discussionId, 'vkey')}>{t('check.vkeyFile')}</a>
      {', '}
      <a href={logPath(discussionId, 'tallies.json')}>{t('check.talliesFile')}</a>.
    </>
  );
}

/** The calm line (placement "line"), or nothing. */
export function RecordLine({ result, discussionId }: { result: RecordCheck; discussionId: string }) {
  const { t } = useTranslation('record');
  if (result.kind === 'unavailable') {
    return (
      <p className="muted record-line">
        {t('check.unavailable')} <RecordFiles discussionId={discussionId} />
      </p>
    );
  }
  if (result.kind !== 'ok') return null;
  const text = result.older
    ? t('check.older', { count: result.size, seen: fmt.number(result.previous!.size), n: fmt.number(result.size) })
    : result.previous
      ? t('check.consistent', { count: result.size, n: fmt.number(result.size) })
      : t('check.first', { count: result.size, n: fmt.number(result.size) });
  return (
    <p className="muted record-line">
      <span aria-hidden="true">✓ </span>
      {text} <RecordFiles discussionId={discussionId} />
    </p>
  );
}

function Seen({ label, size, root, at }: { label: string; size: number; root: string; at?: string }) {
  const { t } = useTranslation('record');
  return (
    <>
      <dt>{label}</dt>
      <dd>
        {t('check.entries', { count: size, n: fmt.number(size) })}
        {at ? <> ({t('check.seenAt', { date: fmt.dateTime(at) })})</> : null}
        <br />
        {t('check.root')} <code className="record-hash">{rootHex(root)}</code>
      </dd>
    </>
  );
}

function expectedOf(s: SeenCheckpoint) {
  return { size: s.size, root: s.root, at: s.checkedAt };
}

/** The loud alert, or nothing. */
export function RecordAlarm({ result, discussionId }: { result: RecordCheck; discussionId: string }) {
  const { t } = useTranslation('record');
  if (result.kind === 'ok' || result.kind === 'unavailable' || result.kind === 'none') return null;
  const title = result.kind === 'rewritten' ? t('alarm.rewrittenTitle') : result.kind === 'signature' ? t('alarm.signatureTitle') : t('alarm.keyChangedTitle');
  const text = result.kind === 'rewritten' ? t('alarm.rewritten') : result.kind === 'signature' ? t('alarm.signature') : t('alarm.keyChanged');
  return (
    <div role="alert" className="record-alarm">
      <h2>
        <span aria-hidden="true">⚠ </span>
        {title}
      </h2>
      <p>{text}</p>
      <p>
        <strong>{t('alarm.what')}</strong>
      </p>
      {result.kind === 'rewritten' ? (
        <dl className="record-facts">
          <Seen label={t('alarm.expected')} {...expectedOf(result.expected)} />
          {result.served.note ? (
            <Seen label={t('alarm.served')} size={result.served.size} root={result.served.root} />
          ) : (
            <>
              <dt>{t('alarm.served')}</dt>
              <dd>{t('alarm.noLog')}</dd>
            </>
          )}
        </dl>
      ) : result.kind === 'keyChanged' ? (
        <dl className="record-facts">
          <dt>{t('alarm.expectedKey', { date: fmt.dateTime(result.expected.checkedAt) })}</dt>
          <dd>
            <code className="record-hash">{result.expected.vkey}</code>
          </dd>
          <dt>{t('alarm.servedKey')}</dt>
          <dd>
            <code className="record-hash">{result.vkey}</code>
          </dd>
        </dl>
      ) : (
        <dl className="record-facts">
          <dt>{t('alarm.logKey')}</dt>
          <dd>
            <code className="record-hash">{result.vkey}</code>
          </dd>
        </dl>
      )}
      {result.kind !== 'keyChanged' ? (
        <details>
          <summary>{t('alarm.technical')}</summary>
          <p lang="en">{result.detail}</p>
          {(result.kind === 'rewritten' ? result.served.note : result.served) ? (
            <pre className="record-note">{result.kind === 'rewritten' ? result.served.note : result.served}</pre>
          ) : null}
        </details>
      ) : null}
      <p>{t('alarm.todo')}</p>
      <p>
        <RecordFiles discussionId={discussionId} />
      </p>
    </div>
  );
}
