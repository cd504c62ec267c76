/**
 * Importing the unit tree and the roll from CSV: choose a file or paste, preview, upload with progress, and — since
 * the server refuses the whole file on its first bad line — show that line from the file, with the cell marked, so it
 * can be fixed. Then invitations can be sent to the members on the roll.
 */
import type { TFunction } from 'i18next';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.ts';
import { fmt } from '../i18n.ts';
import { useSession } from '../session.tsx';
import { isBlankRecord, lineAt, MEMBERS_HEADER, normalizeCsv, parseCsv, UNITS_HEADER, type CsvRecord } from './csv.ts';
import { ConfirmDialog, Refusal, useTitle } from './shared.tsx';
import { uploadCsv } from './upload.ts';

type Kind = 'units' | 'members';
const HEADERS: Record<Kind, readonly string[]> = { units: UNITS_HEADER, members: MEMBERS_HEADER };
const PREVIEW_ROWS = 8;
/** Files up to this size are read whole for the preview, the row count and the error display. */
const READ_WHOLE = 64 * 1024 * 1024;

interface ImportResult {
  rows: number;
  created: number;
  updated: number;
}
type Phase = 'idle' | 'uploading' | 'processing' | 'done' | 'failed';

export function ImportPage() {
  const { t } = useTranslation('office');
  useTitle(t('import.title'));
  const { session } = useSession();
  const [kind, setKind] = useState<Kind>('units');
  const [file, setFile] = useState<File | null>(null);
  const [fileText, setFileText] = useState<{ text: string; whole: boolean } | null>(null);
  const [pasted, setPasted] = useState('');
  const [phase, setPhase] = useState<Phase>('idle');
  const [progress, setProgress] = useState({ sent: 0, total: 0 });
  const [announced, setAnnounced] = useState('');
  const [result, setResult] = useState<{ kind: Kind; result: ImportResult } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [errorText, setErrorText] = useState<string>('');
  const [imported, setImported] = useState<Kind[]>([]);
  const abortRef = useRef<(() => void) | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const pasteArea = useRef<HTMLTextAreaElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const resultRef = useRef<HTMLDivElement>(null);

  // The text the preview reads: the chosen file (or its beginning), else what was pasted.
  const text = file ? (fileText?.text ?? '') : normalizeCsv(pasted);
  const whole = file ? (fileText?.whole ?? false) : true;
  const preview = useMemo(() => previewOf(text, whole), [text, whole]);
  const header = HEADERS[kind];
  const otherKind: Kind = kind === 'units' ? 'members' : 'units';
  const headerMatches = (h: readonly string[] | null, k: Kind) => h !== null && h.length === HEADERS[k].length && h.every((c, i) => c === HEADERS[k][i]);
  const hasInput = file !== null || pasted.trim() !== '';

  useEffect(() => {
    if (!file) {
      setFileText(null);
      return;
    }
    let live = true;
    const whole = file.size <= READ_WHOLE;
    void (whole ? file : file.slice(0, 1024 * 1024)).text().then((s) => live && setFileText({ text: normalizeCsv(s), whole }));
    return () => {
      live = false;
    };
  }, [file]);
  useEffect(() => {
    if (phase === 'failed') errorRef.current?.focus();
    if (phase === 'done') resultRef.current?.focus();
  }, [phase]);

  const reset = () => {
    setError(null);
    setResult(null);
    setPhase('idle');
  };

  const start = async () => {
    if (!hasInput) return;
    setError(null);
    setResult(null);
    setPhase('uploading');
    setProgress({ sent: 0, total: 0 });
    setAnnounced(t('import.progress.started'));
    const sentText = text;
    let lastQuarter = 0;
    const handle = uploadCsv<ImportResult>(`/${kind}/import`, file ?? pasted, {
      csrfToken: session?.csrfToken ?? null,
      onProgress: (sent, total) => {
        setProgress({ sent, total });
        const quarter = total ? Math.floor((4 * sent) / total) : 0;
        if (quarter > lastQuarter && quarter < 4) {
          lastQuarter = quarter;
          setAnnounced(t('import.progress.percent', { percent: quarter * 25 }));
        }
      },
      onSent: () => {
        setPhase('processing');
        setAnnounced(t('import.progress.processing'));
      },
    });
    abortRef.current = handle.abort;
    try {
      const r = await handle.done;
      setResult({ kind, result: r });
      setImported((k) => (k.includes(kind) ? k : [...k, kind]));
      setPhase('done');
      setAnnounced('');
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e), null));
      setErrorText(sentText);
      setPhase('failed');
      setAnnounced('');
    } finally {
      abortRef.current = null;
    }
  };

  const goToLine = (line: number) => {
    const area = pasteArea.current;
    if (!area) return;
    // Find the line in the text box as typed (its line endings may be \r\n).
    const value = area.value;
    let start = 0;
    for (let l = 1; l < line; l++) {
      const m = /\r\n|\r|\n/.exec(value.slice(start));
      if (!m) break;
      start += m.index + m[0].length;
    }
    const end = /\r\n|\r|\n/.exec(value.slice(start));
    area.focus();
    area.setSelectionRange(start, start + (end ? end.index : value.length - start));
  };

  const busy = phase === 'uploading' || phase === 'processing';
  const pct = progress.total ? Math.round((100 * progress.sent) / progress.total) : 0;
  return (
    <>
      <h1>{t('import.title')}</h1>
      <p>{t('import.intro')}</p>
      <p className="muted">{t('import.atomic')}</p>

      <form
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <fieldset className="office-choices">
          <legend>{t('import.kind')}</legend>
          {(['units', 'members'] as const).map((k) => (
            <label key={k} className="office-choice">
              <input
                type="radio"
                name="kind"
                value={k}
                checked={kind === k}
                disabled={busy}
                onChange={() => {
                  setKind(k);
                  reset();
                }}
              />{' '}
              {t(`import.kinds.${k}`)}
              <span className="field-hint office-block">
                {t('import.header')} <code>{HEADERS[k].join(',')}</code>
                {imported.includes(k) ? ` — ${t('import.alreadyImported')}` : ''}
              </span>
            </label>
          ))}
          {kind === 'members' && !imported.includes('units') ? <p className="field-hint">{t('import.unitsFirst')}</p> : null}
        </fieldset>

        <div className="office-field">
          <label htmlFor="csv-file">{t('import.file')}</label>
          <p className="field-hint" id="csv-file-hint">
            {t('import.fileHint')}
          </p>
          <input
            id="csv-file"
            ref={fileInput}
            type="file"
            accept=".csv,text/csv,text/plain"
            aria-describedby="csv-file-hint"
            disabled={busy}
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              reset();
            }}
          />
          {file ? (
            <p>
              {t('import.chosen', { name: file.name, size: formatSize(file.size, t) })}{' '}
              <button
                type="button"
                className="link"
                disabled={busy}
                onClick={() => {
                  setFile(null);
                  if (fileInput.current) fileInput.current.value = '';
                  reset();
                }}
              >
                {t('import.clearFile')}
              </button>
            </p>
          ) : null}
        </div>

        <div className="office-field">
          <label htmlFor="csv-paste">{t('import.paste')}</label>
          <p className="field-hint" id="csv-paste-hint">
            {file ? t('import.pasteDisabled') : t('import.pasteHint', { header: header.join(',') })}
          </p>
          <textarea
            id="csv-paste"
            ref={pasteArea}
            rows={8}
            className="office-mono"
            value={pasted}
            disabled={file !== null || busy}
            aria-describedby="csv-paste-hint"
            spellCheck={false}
            onChange={(e) => {
              setPasted(e.target.value);
            }}
          />
        </div>

        {hasInput && (file === null || fileText !== null) ? (
          <section aria-labelledby="preview-title" className="panel">
            <h2 id="preview-title">{t('import.preview.title')}</h2>
            <p>
              {preview.rows === null
                ? t('import.preview.large', { shown: preview.sample.length })
                : t('import.preview.rows', { count: preview.rows })}
            </p>
            {preview.header && !headerMatches(preview.header, kind) ? (
              <div className="office-warning-box">
                <p>{t('import.preview.headerMismatch', { found: preview.header.join(','), expected: header.join(','), kind: t(`import.kinds.${kind}`) })}</p>
                {headerMatches(preview.header, otherKind) ? (
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => {
                      setKind(otherKind);
                      reset();
                    }}
                  >
                    {t('import.preview.switchTo', { kind: t(`import.kinds.${otherKind}`) })}
                  </button>
                ) : null}
              </div>
            ) : null}
            {preview.header ? (
              <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="preview-caption">
                <table>
                  <caption id="preview-caption">{t('import.preview.caption', { count: preview.sample.length })}</caption>
                  <thead>
                    <tr>
                      <th scope="col" className="num">
                        {t('import.preview.line')}
                      </th>
                      {preview.header.map((h, i) => (
                        <th scope="col" key={i}>
                          {h}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {preview.sample.map((r) => (
                      <tr key={r.line}>
                        <td className="num">{fmt.number(r.line)}</td>
                        {preview.header!.map((_, i) => (
                          <td key={i}>{r.fields[i]?.value ?? ''}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </section>
        ) : null}

        <div className="office-actions">
          <button type="submit" disabled={!hasInput || busy}>
            {preview.rows !== null && hasInput ? t(`import.submit.${kind}`, { count: preview.rows }) : t(`import.submitPlain.${kind}`)}
          </button>
          {phase === 'uploading' ? (
            <button type="button" className="secondary" onClick={() => abortRef.current?.()}>
              {t('import.cancel')}
            </button>
          ) : null}
        </div>
      </form>

      <div className="visually-hidden" role="status" aria-live="polite">
        {announced}
      </div>
      {busy ? (
        <div className="office-progress">
          <label htmlFor="upload-progress">{phase === 'uploading' ? t('import.progress.label', { percent: pct, sent: formatSize(progress.sent, t), total: formatSize(progress.total, t) }) : t('import.progress.processing')}</label>
          {phase === 'uploading' ? <progress id="upload-progress" max={100} value={pct} /> : <progress id="upload-progress" />}
          {phase === 'processing' ? <p className="field-hint">{t('import.progress.noCancel')}</p> : null}
        </div>
      ) : null}

      {phase === 'failed' && error ? (
        <div className="error" role="alert" tabIndex={-1} ref={errorRef} aria-labelledby="import-error-title">
          <h2 id="import-error-title">{t('import.failed.title')}</h2>
          <p>
            <strong>{t('import.failed.nothing')}</strong>
          </p>
          {error.code === 'csv_invalid' && error.line !== undefined ? (
            <CsvErrorView error={error} text={errorText} header={header} canGoToLine={file === null} onGoToLine={goToLine} fileName={file?.name ?? null} />
          ) : (
            <Refusal error={error} />
          )}
        </div>
      ) : null}

      {phase === 'done' && result ? (
        <div className="ok" tabIndex={-1} ref={resultRef} role="status" aria-labelledby="import-done-title">
          <h2 id="import-done-title">{t(`import.done.title.${result.kind}`)}</h2>
          <dl className="office-figures">
            <div>
              <dt>{t('import.done.rows')}</dt>
              <dd>{fmt.number(result.result.rows)}</dd>
            </div>
            <div>
              <dt>{t('import.done.created')}</dt>
              <dd>{fmt.number(result.result.created)}</dd>
            </div>
            <div>
              <dt>{t('import.done.updated')}</dt>
              <dd>{fmt.number(result.result.updated)}</dd>
            </div>
          </dl>
          {result.kind === 'units' ? (
            <p>
              {t('import.done.nextMembers')}{' '}
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  setKind('members');
                  setFile(null);
                  if (fileInput.current) fileInput.current.value = '';
                  setPasted('');
                  reset();
                  document.getElementById('csv-file')?.focus();
                }}
              >
                {t('import.done.toMembers')}
              </button>
            </p>
          ) : null}
        </div>
      ) : null}

      <Invitations />
    </>
  );
}

/** The line the server refused, from the file as it was sent, with the cell it names marked (not by colour alone). */
function CsvErrorView({
  error,
  text,
  header,
  canGoToLine,
  onGoToLine,
  fileName,
}: {
  error: ApiError;
  text: string;
  header: readonly string[];
  canGoToLine: boolean;
  onGoToLine: (line: number) => void;
  fileName: string | null;
}) {
  const { t } = useTranslation('office');
  const line = error.line!;
  const column = typeof error.column === 'number' ? error.column : error.column !== undefined && /^\d+$/.test(String(error.column)) ? Number(error.column) : undefined;
  const columnName = error.field ?? (column !== undefined ? header[column - 1] : undefined);
  // The record starting on that line (it may span lines inside quotes), with its fields' places.
  const record = useMemo(() => findRecord(text, line), [text, line]);
  const lineText = lineAt(text, line);
  const field = record && column !== undefined ? record.fields[column - 1] : undefined;
  const nextLineNo = line + (record ? (text.slice(record.start, record.end).match(/\n/g)?.length ?? 0) : 0) + 1;
  const nextLine = lineAt(text, nextLineNo);
  const where =
    column !== undefined
      ? columnName
        ? t('import.failed.whereNamed', { line: fmt.number(line), column: fmt.number(column), name: columnName })
        : t('import.failed.where', { line: fmt.number(line), column: fmt.number(column) })
      : t('import.failed.whereLine', { line: fmt.number(line) });
  return (
    <>
      <p>
        {fileName ? t('import.failed.inFile', { name: fileName }) : t('import.failed.inPasted')} <strong>{where}</strong>
      </p>
      <p>
        {t('import.failed.serverSays')} <span lang="en">{error.message}</span>
      </p>
      {lineText !== undefined && record ? (
        <figure className="office-csv-lines">
          <figcaption>{t('import.failed.excerpt')}</figcaption>
          <div className="office-mono office-lines">
            {line > 1 ? <NumberedLine n={line - 1} text={lineAt(text, line - 1) ?? ''} /> : null}
            <div className="office-bad-line">
              <span className="office-lineno">
                <span className="visually-hidden">{t('import.failed.lineLabel')} </span>
                {fmt.number(line)}
              </span>
              <span className="office-linetext">
                {field ? (
                  <>
                    {text.slice(record.start, field.start)}
                    <mark>{text.slice(field.start, field.end) || '\u00a0'}</mark>
                    {text.slice(field.end, record.end)}
                  </>
                ) : (
                  text.slice(record.start, record.end) || '\u00a0'
                )}
              </span>
            </div>
            {nextLine ? <NumberedLine n={nextLineNo} text={nextLine} /> : null}
          </div>
          {field ? (
            <p className="field-hint">{t('import.failed.marked', { name: columnName ?? fmt.number(column!), value: field.value })}</p>
          ) : column !== undefined ? (
            <p className="field-hint">{t('import.failed.missingField', { count: record.fields.length, expected: header.length })}</p>
          ) : null}
        </figure>
      ) : lineText === undefined ? (
        <p className="muted">{t('import.failed.noExcerpt')}</p>
      ) : null}
      <p>
        {t('import.failed.fix')}{' '}
        {canGoToLine ? (
          <button type="button" className="secondary" onClick={() => onGoToLine(line)}>
            {t('import.failed.goToLine', { line: fmt.number(line) })}
          </button>
        ) : null}
      </p>
    </>
  );
}

function NumberedLine({ n, text }: { n: number; text: string }) {
  const { t } = useTranslation('office');
  return (
    <div className="muted">
      <span className="office-lineno">
        <span className="visually-hidden">{t('import.failed.lineLabel')} </span>
        {fmt.number(n)}
      </span>
      <span className="office-linetext">{text || '\u00a0'}</span>
    </div>
  );
}

function findRecord(text: string, line: number): CsvRecord | undefined {
  // Parse only as far as needed: records before the line, plus the one on it.
  const { records } = parseCsv(text);
  return records.find((r) => r.line === line);
}

function previewOf(text: string, whole: boolean): { header: string[] | null; sample: CsvRecord[]; rows: number | null } {
  if (!text.trim()) return { header: null, sample: [], rows: whole ? 0 : null };
  const { records } = parseCsv(text, whole ? Infinity : 10_000);
  const filled = records.filter((r) => !isBlankRecord(r));
  const first = filled[0];
  if (!first) return { header: null, sample: [], rows: 0 };
  return {
    header: first.fields.map((f) => f.value.trim().toLowerCase()),
    sample: filled.slice(1, 1 + PREVIEW_ROWS),
    rows: whole ? filled.length - 1 : null,
  };
}

function formatSize(bytes: number, t: TFunction<'office'>): string {
  if (bytes < 1024) return t('size.bytes', { n: fmt.number(bytes) });
  if (bytes < 1024 * 1024) return t('size.kib', { n: fmt.number(Math.round(bytes / 102.4) / 10) });
  return t('size.mib', { n: fmt.number(Math.round(bytes / (1024 * 102.4)) / 10) });
}

/** Inviting the members on the roll who have an email and no account yet (POST /invitations). */
function Invitations() {
  const { t } = useTranslation('office');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ invited: number; skipped: number } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await api<{ invited: number; skipped: number }>('/invitations', { body: {} }));
      setConfirming(false);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e), null));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="invite-title" className="panel">
      <h2 id="invite-title">{t('invite.title')}</h2>
      <p>{t('invite.intro')}</p>
      <button
        type="button"
        onClick={() => {
          setResult(null);
          setError(null);
          setConfirming(true);
        }}
      >
        {t('invite.send')}
      </button>
      <div role="status" aria-live="polite">
        {result ? (
          <p className="ok">
            {t('invite.invited', { count: result.invited })} {t('invite.skipped', { count: result.skipped })}
          </p>
        ) : null}
      </div>
      {error && !confirming ? <Refusal error={error} /> : null}
      <ConfirmDialog open={confirming} title={t('invite.confirmTitle')} confirmLabel={busy ? t('invite.sending') : t('invite.confirm')} busy={busy} onConfirm={() => void send()} onCancel={() => setConfirming(false)}>
        <p>{t('invite.confirmText')}</p>
        {error ? <Refusal error={error} /> : null}
      </ConfirmDialog>
    </section>
  );
}
