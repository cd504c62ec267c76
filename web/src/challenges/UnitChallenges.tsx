/**
 * A unit's challenges on its page (/d/:id/u/:unitId), loaded after the figures with the `challenges` catalog: each
 * challenge of its report and the commission's decision on it; decisions of the commission's own motion; and, for a
 * member of the unit or an observer, the form to challenge the current version within the rules' window
 * (docs/challenges.md). What each reader sees is the server's choice: the text only for those who may read the unit's
 * reports, who filed it only for the commission and the office.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, useApi, type ApiError } from '../api.ts';
import { fmt } from '../i18n.ts';
import { holds, useSession } from '../session.tsx';
import { ErrorNote, Loading } from '../components/Status.tsx';
import type { Discussion, ReportVersion } from '../components/public/types.ts';
import {
  challengeDeadline,
  challengesPath,
  CHALLENGE_REASONS,
  checkEvidence,
  enc,
  EVIDENCE_ACCEPT,
  evidenceHref,
  evidenceMediaType,
  fieldId,
  fileSize,
  readBase64,
  type Challenge,
  type ChallengeBody,
  type ChallengeList,
  type EvidenceProblem,
} from './model.ts';
import { asApiError, DecisionView, FieldError, Refusal, ServerDetail } from './parts.tsx';

export function UnitChallenges({ discussion, unitId }: { discussion: Discussion; unitId: string }) {
  const { t } = useTranslation('challenges');
  const { session, loading: sessionLoading } = useSession();
  const list = useApi<ChallengeList>(challengesPath(discussion.id, unitId));
  const mayFile = holds(session, 'member', unitId) || holds(session, 'observer');
  const reviewer = holds(session, 'commission') || holds(session, 'office');
  const ownMotion = (list.data?.adjudications ?? []).filter((a) => a.challengeId === null);
  const challenges = list.data?.challenges ?? [];
  const back = typeof window === 'undefined' ? '/' : window.location.pathname;
  // A link to the decisions (/d/…/u/…#challenges) lands here once they are shown: this section loads after the page.
  const heading = useRef<HTMLHeadingElement>(null);
  const loaded = list.data !== undefined;
  useEffect(() => {
    if (loaded && window.location.hash === '#challenges') {
      heading.current?.scrollIntoView();
      heading.current?.focus({ preventScroll: true });
    }
  }, [loaded]);
  return (
    <section aria-labelledby="challenges-h" id="challenges" className="ch-section">
      <h2 id="challenges-h" ref={heading} tabIndex={-1}>
        {t('unit.title')}
      </h2>
      {list.error ? <ErrorNote error={list.error} /> : null}
      {!list.data && list.loading ? <Loading /> : null}
      {list.data && challenges.length === 0 && ownMotion.length === 0 ? <p>{t('unit.none')}</p> : null}
      {challenges.length > 0 ? (
        <ol className="ch-list">
          {challenges.map((c) => (
            <ChallengeItem key={c.id} challenge={c} discussion={discussion} />
          ))}
        </ol>
      ) : null}
      {ownMotion.length > 0 ? (
        <>
          <h3>{t('unit.ownMotion')}</h3>
          <ul className="ch-list">
            {ownMotion.map((a) => (
              <li key={a.id} className="panel ch-item">
                <DecisionView decision={a} discussion={discussion} heading={<p className="ch-meta">{t('unit.ownMotionVersion', { version: a.reportVersion })}</p>} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {reviewer ? (
        <p>
          <Link href={`/commission/${enc(discussion.id)}`}>{t('unit.commissionLink')}</Link>
        </p>
      ) : null}
      {mayFile ? (
        <FilingArea discussion={discussion} unitId={unitId} onFiled={list.reload} />
      ) : !session && !sessionLoading ? (
        <p className="muted">
          {t('unit.whoMay', { count: discussion.rules.challengeWindowHours ?? 72 })} <Link href={`/signin?returnTo=${enc(back)}`}>{t('unit.signIn')}</Link>
        </p>
      ) : null}
    </section>
  );
}

function ChallengeItem({ challenge: c, discussion }: { challenge: Challenge; discussion: Discussion }) {
  const { t } = useTranslation('challenges');
  const id = useId();
  return (
    <li className="panel ch-item" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t('item.title', { version: c.version, reason: t(`reason.${c.reason}`) })}</h3>
      <p className="ch-meta">
        <span className={`ch-state ch-state-${c.state}`}>{t(`state.${c.state}`)}</span>{' '}
        {t('item.filed', { at: fmt.dateTime(c.filedAt), who: t(c.filedAs === 'member' ? 'filedAs.member' : 'filedAs.observer') })}
        {c.filedBy ? ` ${t('item.filedBy', { who: c.filedBy })}` : ''}
      </p>
      {c.text !== null ? (
        <>
          <h4 className="ch-label">{t('item.text')}</h4>
          <blockquote className="ch-quote">{c.text}</blockquote>
        </>
      ) : null}
      {c.evidence ? <EvidenceLine discussionId={discussion.id} challenge={c} /> : null}
      {c.decision ? <DecisionView decision={c.decision} discussion={discussion} heading={<h4 className="ch-label">{t('item.decision')}</h4>} /> : null}
    </li>
  );
}

/** The evidence file: its name, size and fingerprint, and the link to download it (the commission and the office). */
export function EvidenceLine({ discussionId, challenge: c }: { discussionId: string; challenge: Challenge }) {
  const { t } = useTranslation('challenges');
  if (!c.evidence) return <p className="muted">{t('item.noEvidence')}</p>;
  return (
    <p className="ch-evidence">
      <a href={evidenceHref(discussionId, c.id)} download={c.evidence.name}>
        {t('item.download', { name: c.evidence.name })}
      </a>{' '}
      <span className="muted">({fileSize(c.evidence.size, t)})</span>
      <br />
      <span className="muted ch-hash">
        {t('item.sha256')} <code>{c.evidence.sha256}</code>
      </span>
    </p>
  );
}

/** The current version of the unit's report, and the form while it may be challenged. */
function FilingArea({ discussion, unitId, onFiled }: { discussion: Discussion; unitId: string; onFiled: () => void }) {
  const { t } = useTranslation('challenges');
  const history = useApi<ReportVersion[]>(`/discussions/${enc(discussion.id)}/units/${enc(unitId)}/reports`);
  if (history.error) return <ErrorNote error={history.error} />;
  if (!history.data) return <Loading />;
  const current = history.data.find((v) => v.current);
  if (!current) return <p className="muted">{t('form.noReport')}</p>;
  const deadline = challengeDeadline(current.submittedAt, discussion.rules.challengeWindowHours);
  if (new Date().toISOString() > deadline) return <p className="notice">{t('form.closed', { version: current.version, at: fmt.dateTime(deadline) })}</p>;
  return <ChallengeForm key={current.version} discussion={discussion} unitId={unitId} current={current} deadline={deadline} onFiled={onFiled} />;
}

type Field = 'version' | 'reason' | 'text' | 'evidence';
const FIELDS: Field[] = ['version', 'reason', 'text', 'evidence'];

/** The server's field path → the box on this form it belongs to. */
function fieldOf(serverField: string | null): Field | null {
  if (!serverField) return null;
  if (serverField.startsWith('evidence')) return 'evidence';
  return (FIELDS as string[]).includes(serverField) ? (serverField as Field) : null;
}

interface Chosen {
  file: File;
  size: number;
}

function ChallengeForm({ discussion, unitId, current, deadline, onFiled }: { discussion: Discussion; unitId: string; current: ReportVersion; deadline: string; onFiled: () => void }) {
  const { t } = useTranslation('challenges');
  const prefix = useId().replace(/[^A-Za-z0-9_-]/g, '');
  const [reason, setReason] = useState('');
  const [text, setText] = useState('');
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const [problems, setProblems] = useState<Partial<Record<Field, ReactNode>>>({});
  const [sending, setSending] = useState(false);
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [filed, setFiled] = useState<Challenge | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const refusalRef = useRef<HTMLDivElement>(null);
  const doneRef = useRef<HTMLDivElement>(null);
  const id = (f: Field) => fieldId(prefix, f);
  const errId = (f: Field) => `${id(f)}-error`;
  // The focus moves once what it moves to is on the page: after the render that shows it.
  const pendingFocus = useRef<(() => void) | null>(null);
  useEffect(() => {
    const move = pendingFocus.current;
    pendingFocus.current = null;
    move?.();
  });
  const focus = (f: Field) => {
    pendingFocus.current = () => document.getElementById(id(f))?.focus();
  };

  const setProblem = (f: Field, p: ReactNode) => setProblems((ps) => ({ ...ps, [f]: p }));
  const evidenceText = (p: EvidenceProblem) => (p.key === 'fileTooLarge' ? t('errors.fileTooLarge', { size: fileSize(p.size, t) }) : t(`errors.${p.key}`));

  const choose = (file: File | undefined) => {
    setRefusal(null);
    if (!file) {
      setChosen(null);
      setProblem('evidence', null);
      return;
    }
    const p = checkEvidence(file);
    if (p) {
      // Refused here, before anything is read or sent.
      setChosen(null);
      if (fileInput.current) fileInput.current.value = '';
      setProblem('evidence', evidenceText(p));
      focus('evidence');
      return;
    }
    setChosen({ file, size: file.size });
    setProblem('evidence', null);
  };
  const removeFile = () => {
    if (fileInput.current) fileInput.current.value = '';
    setChosen(null);
    setProblem('evidence', null);
    focus('evidence');
  };

  const submit = async () => {
    if (sending) return;
    setRefusal(null);
    const found: Partial<Record<Field, ReactNode>> = {};
    if (!reason) found.reason = t('errors.reasonRequired');
    if (!text.trim()) found.text = t('errors.textRequired');
    if (problems.evidence) found.evidence = problems.evidence;
    const first = FIELDS.find((f) => found[f]);
    if (first) focus(first);
    setProblems(found);
    if (first) return;
    setSending(true);
    try {
      let evidence: ChallengeBody['evidence'];
      if (chosen) {
        const mediaType = evidenceMediaType(chosen.file);
        let contentBase64: string;
        try {
          contentBase64 = await readBase64(chosen.file);
        } catch {
          focus('evidence');
          setProblems({ evidence: t('errors.fileUnreadable') });
          return;
        }
        evidence = { name: chosen.file.name.slice(0, 200), mediaType: mediaType!, contentBase64 };
      }
      const body: ChallengeBody = { version: current.version, reason: reason as ChallengeBody['reason'], text, ...(evidence ? { evidence } : {}) };
      const made = await api<Challenge>(`/discussions/${enc(discussion.id)}/units/${enc(unitId)}/challenges`, { body });
      pendingFocus.current = () => doneRef.current?.focus();
      setFiled(made);
      onFiled();
    } catch (e) {
      const err = asApiError(e);
      const f = err.status === 400 || err.status === 409 || err.status === 404 ? fieldOf(err.field) : null;
      if (f) {
        focus(f);
        setProblem(f, <ServerDetail error={err} />);
      } else {
        pendingFocus.current = () => refusalRef.current?.focus();
        setRefusal(err);
      }
    } finally {
      setSending(false);
    }
  };

  if (filed) {
    return (
      <div className="ok ch-done" role="status" tabIndex={-1} ref={doneRef}>
        <p>
          <strong>{t('form.filedTitle')}</strong> {t('form.filed', { version: filed.version })}
        </p>
        {filed.logIndex !== null ? <p>{t('form.filedLog', { index: filed.logIndex })}</p> : null}
      </div>
    );
  }

  const props = (f: Field, hints: string[] = []) => ({
    id: id(f),
    'aria-invalid': problems[f] ? (true as const) : undefined,
    'aria-describedby': [...hints, problems[f] ? errId(f) : null].filter(Boolean).join(' ') || undefined,
  });
  const versionHint = `${id('version')}-hint`;
  const textHint = `${id('text')}-hint`;
  const fileHint = `${id('evidence')}-hint`;
  const chosenId = `${id('evidence')}-chosen`;
  return (
    <form
      className="panel ch-form"
      noValidate
      aria-labelledby={`${prefix}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3 id={`${prefix}-title`}>{t('form.title')}</h3>
      <p className="muted">{t('form.intro')}</p>
      <div className="field">
        <label htmlFor={id('version')}>{t('form.version')}</label>
        <p className="field-hint" id={versionHint}>
          {t('form.versionHint', { at: fmt.dateTime(current.submittedAt) })} <strong>{t('form.deadline', { at: fmt.dateTime(deadline) })}</strong>
        </p>
        <input type="text" readOnly value={t('form.versionValue', { version: current.version })} className="ch-version" {...props('version', [versionHint])} />
        <FieldError id={errId('version')}>{problems.version}</FieldError>
      </div>
      <div className="field">
        <label htmlFor={id('reason')}>{t('form.reason')}</label>
        <select
          value={reason}
          onChange={(e) => {
            setReason(e.target.value);
            setProblem('reason', null);
          }}
          {...props('reason')}
        >
          <option value="">{t('form.reasonChoose')}</option>
          {CHALLENGE_REASONS.map((r) => (
            <option key={r} value={r}>
              {t(`reason.${r}`)}
            </option>
          ))}
        </select>
        <FieldError id={errId('reason')}>{problems.reason}</FieldError>
      </div>
      <div className="field">
        <label htmlFor={id('text')}>{t('form.text')}</label>
        <p className="field-hint" id={textHint}>
          {t('form.textHint')}
        </p>
        <textarea
          rows={6}
          value={text}
          maxLength={20_000}
          onChange={(e) => {
            setText(e.target.value);
            setProblem('text', null);
          }}
          {...props('text', [textHint])}
        />
        <FieldError id={errId('text')}>{problems.text}</FieldError>
      </div>
      <div className="field">
        <label htmlFor={id('evidence')}>{t('form.evidence')}</label>
        <p className="field-hint" id={fileHint}>
          {t('form.evidenceHint')}
        </p>
        <input type="file" ref={fileInput} accept={EVIDENCE_ACCEPT} onChange={(e) => choose(e.target.files?.[0])} {...props('evidence', [fileHint, chosen ? chosenId : null].filter((x): x is string => !!x))} />
        {chosen ? (
          <p className="ch-chosen" id={chosenId}>
            {t('form.evidenceChosen', { name: chosen.file.name, size: fileSize(chosen.size, t) })}{' '}
            <button type="button" className="link" onClick={removeFile}>
              {t('form.evidenceRemove')}
            </button>
          </p>
        ) : null}
        <FieldError id={errId('evidence')}>{problems.evidence}</FieldError>
      </div>
      {refusal ? <Refusal error={refusal} ref={refusalRef} /> : null}
      <div className="ch-actions">
        <button type="submit" aria-disabled={sending || undefined} aria-describedby={`${prefix}-status`}>
          {t('form.submit')}
        </button>
        <p role="status" id={`${prefix}-status`} className="muted">
          {sending ? t('form.sending') : ''}
        </p>
      </div>
    </form>
  );
}
