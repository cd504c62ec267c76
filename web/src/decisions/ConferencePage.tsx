/**
 * The conference of a discussion, public (/d/:id/conference; docs/conference.md): its name, state, electing level and
 * basis, the rules in plain words, the current seat table (sums, exact quotas, ties), the earlier tables with the
 * reasons they were replaced, the delegates as counts per electing unit (no names), and the motions with their votes.
 * Its own chunk, with the `decisions` catalog.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, ApiError, useApi } from '../api.ts';
import { useSession } from '../session.tsx';
import { fmt } from '../i18n.ts';
import { ErrorNote, Loading } from '../components/Status.tsx';
import { useDocumentTitle, useFocusOnNavigate } from '../components/public/focus.ts';
import { dashboardHref, discussionPath, type Discussion } from '../components/public/types.ts';
import { conferencePath, decisionHref, decisionPath, useExists, type Conference, type Delegates, type Motion, type SeatRule, type SeatTable } from './model.ts';
import { RuleLine, VoteView } from './Vote.tsx';
import { SeatTableView } from './SeatTable.tsx';
import { ScrollingTable } from './parts.tsx';
import './decisions.css';

export function ConferencePage({ discussionId }: { discussionId: string }) {
  const { t } = useTranslation('decisions');
  const conf = useApi<Conference>(conferencePath(discussionId));
  const disc = useApi<Discussion>(discussionPath(discussionId));
  const exists = conf.data !== undefined;
  const delegates = useApi<Delegates>(exists ? `${conferencePath(discussionId)}/delegates` : null);
  const motions = useApi<{ voteRule: string; items: Motion[] }>(exists ? `${conferencePath(discussionId)}/motions` : null);
  const decision = useExists(exists ? decisionPath(discussionId) : null);
  const { session } = useSession();
  const [amended, setAmended] = useState<{ text: string; n: number } | null>(null);
  const h1 = useRef<HTMLHeadingElement>(null);
  useDocumentTitle(conf.data ? t('conference.documentTitle', { name: conf.data.name }) : t('conference.titleFallback'));
  useFocusOnNavigate(h1, conf.data !== undefined || conf.error !== undefined);

  if (conf.error) {
    return (
      <>
        <h1 ref={h1} tabIndex={-1} className="dec-h1">
          {t('conference.titleFallback')}
        </h1>
        {conf.error.status === 404 ? <p>{t('conference.none')}</p> : <ErrorNote error={conf.error} />}
        <p>
          <Link href={dashboardHref(discussionId)}>{t('conference.results')}</Link>
        </p>
      </>
    );
  }
  if (!conf.data) return <Loading />;
  const c = conf.data;
  const discussion = disc.data;
  const earlier = c.versions.filter((v) => v.version !== c.apportionment?.version).sort((a, b) => b.version - a.version);
  const reasonFor = (version: number) => c.versions.find((v) => v.version === version + 1)?.reason ?? null;

  return (
    <article className="dec-conference">
      <h1 ref={h1} tabIndex={-1} className="dec-h1">
        {c.name}
      </h1>
      {discussion ? <p className="pub-subtitle muted">{t('conference.of', { title: discussion.title })}</p> : null}
      <ul className="dec-links-list">
        <li>
          <Link href={dashboardHref(discussionId)}>{t('conference.results')}</Link>
        </li>
        {decision ? (
          <li>
            <Link href={decisionHref(discussionId)}>{t('conference.decision')}</Link>
          </li>
        ) : null}
      </ul>

      <dl className="pub-dl">
        <div>
          <dt>{t('conference.state.label')}</dt>
          <dd>
            <span className="dec-state">{t(`conference.state.${c.state}`)}</span>
          </dd>
        </div>
        <div>
          <dt>{t('conference.electing')}</dt>
          <dd>{'kind' in c.electingLevel ? t('conference.electingKind', { kind: c.electingLevel.kind }) : t('conference.electingDepth', { depth: c.electingLevel.depth })}</dd>
        </div>
        <div>
          <dt>{t('conference.basis.label')}</dt>
          <dd>{t(`conference.basis.${c.basis}`)}</dd>
        </div>
      </dl>

      <section aria-labelledby="conf-rules-h">
        <h2 id="conf-rules-h">{t('conference.rules')}</h2>
        <Rules table={c.apportionment} definition={c} level={3} />
        <RuleLine rule={c.voteRule} />
      </section>

      <section aria-labelledby="conf-seats-h">
        <h2 id="conf-seats-h">{t('seats.title')}</h2>
        {c.apportionment ? (
          <>
            {c.apportionment.reason ? <p>{t('seats.reason', { reason: c.apportionment.reason })}</p> : null}
            <SeatTableView table={c.apportionment} idPrefix="conf-current" />
          </>
        ) : (
          <p>{t('seats.none')}</p>
        )}
      </section>

      {c.versions.length > 0 ? (
        <section aria-labelledby="conf-earlier-h">
          <h2 id="conf-earlier-h">{t('seats.earlier')}</h2>
          {earlier.length === 0 ? (
            <p>{t('seats.earlierNone')}</p>
          ) : (
            <ol className="dec-versions">
              {earlier.map((v) => (
                <EarlierVersion key={v.version} discussionId={discussionId} version={v.version} computedAt={v.computedAt} ownReason={v.reason} replacedBecause={reasonFor(v.version)} />
              ))}
            </ol>
          )}
        </section>
      ) : null}

      <section aria-labelledby="conf-delegates-h">
        <h2 id="conf-delegates-h">{t('delegates.title')}</h2>
        <p>{t('delegates.intro')}</p>
        {delegates.error ? <ErrorNote error={delegates.error} /> : null}
        {delegates.data ? (
          <>
            <DelegateTable data={delegates.data} kind="deciding" />
            {c.consultative ? <DelegateTable data={delegates.data} kind="consultative" /> : null}
          </>
        ) : delegates.loading ? (
          <Loading />
        ) : null}
      </section>

      <section aria-labelledby="conf-motions-h">
        <h2 id="conf-motions-h">{t('motions.title')}</h2>
        {motions.error ? <ErrorNote error={motions.error} /> : null}
        <div role="status" aria-live="polite" className={amended ? 'ok' : undefined}>
          {amended?.text ?? ''}
        </div>
        {motions.data ? (
          <MotionList
            motions={motions.data.items}
            discussion={discussion}
            units={c.apportionment}
            voteRule={c.voteRule}
            // Signed-in members while in session: the server decides whether she is a confirmed delegate.
            amend={
              session && c.state === 'in-session'
                ? {
                    discussionId,
                    onAmended: (m) => {
                      motions.reload();
                      setAmended((a) => ({ text: t('motions.amendDone', { title: m.title }), n: (a?.n ?? 0) + 1 }));
                    },
                  }
                : null
            }
          />
        ) : motions.loading ? (
          <Loading />
        ) : null}
      </section>
    </article>
  );
}

/**
 * The rules of each kind of seat: those the table was computed under (the current table's, or an earlier one's), else
 * the definition's (before the first apportionment).
 */
function Rules({ table, definition, level }: { table: SeatTable | null; definition?: Pick<Conference, 'deciding' | 'consultative'>; level: 3 | 4 }) {
  const { t } = useTranslation('decisions');
  const H = level === 3 ? 'h3' : 'h4';
  const deciding = table?.rules.deciding ?? definition?.deciding;
  const consultative = table ? table.rules.consultative : (definition?.consultative ?? null);
  if (!deciding) return null;
  return (
    <>
      <H>{t('conference.deciding')}</H>
      <RuleList rule={deciding} seats={table?.deciding.seats} />
      <H>{t('conference.consultative')}</H>
      {consultative ? <RuleList rule={consultative} seats={table?.consultative?.seats} /> : <p>{t('conference.noConsultative')}</p>}
    </>
  );
}

/** A kind of seat's rule in plain words: the method, the total, the minimum and maximum, the tie-break. */
function RuleList({ rule, seats }: { rule: SeatRule; seats: number | undefined }) {
  const { t } = useTranslation('decisions');
  const total = rule.seats ?? seats;
  return (
    <ul>
      <li>{t(`conference.method.${rule.method}`, { per: fmt.number(rule.per ?? 0), first: fmt.number(rule.first ?? 0), step: fmt.number(rule.step ?? 0), defaultValue: rule.method })}</li>
      {total !== undefined ? <li>{t('conference.seats', { count: total, n: fmt.number(total) })}</li> : null}
      {rule.min ? <li>{t('conference.min', { count: rule.min, n: fmt.number(rule.min) })}</li> : null}
      {rule.max ? <li>{t('conference.max', { count: rule.max, n: fmt.number(rule.max) })}</li> : null}
      <li>{rule.tieBreak?.rule === 'lot' ? t('conference.tieLot', { seed: String(rule.tieBreak.seed ?? 0) }) : t('conference.tieLarger')}</li>
    </ul>
  );
}

function EarlierVersion({
  discussionId,
  version,
  computedAt,
  ownReason,
  replacedBecause,
}: {
  discussionId: string;
  version: number;
  computedAt: string;
  ownReason: string | null;
  replacedBecause: string | null;
}) {
  const { t } = useTranslation('decisions');
  const [open, setOpen] = useState(false);
  const table = useApi<SeatTable>(open ? `${conferencePath(discussionId)}/apportionments/${version}` : null);
  const headingId = `conf-v${version}-h`;
  return (
    <li>
      <section aria-labelledby={headingId}>
        <h3 id={headingId}>{t('seats.earlierItem', { version, date: fmt.dateTime(computedAt) })}</h3>
        <p>{ownReason ? t('seats.reason', { reason: ownReason }) : t('seats.firstRun')}</p>
        {replacedBecause ? (
          <p>
            {t('seats.replacedBecause')} {replacedBecause}
          </p>
        ) : null}
        <details onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
          <summary>{t('seats.show', { version })}</summary>
          {table.error ? <ErrorNote error={table.error} /> : null}
          {table.data ? (
            <>
              <Rules table={table.data} level={4} />
              <SeatTableView table={table.data} idPrefix={`conf-v${version}`} headingLevel={4} />
            </>
          ) : open && table.loading ? (
            <Loading />
          ) : null}
        </details>
      </section>
    </li>
  );
}

function DelegateTable({ data, kind }: { data: Delegates; kind: 'deciding' | 'consultative' }) {
  const { t } = useTranslation('decisions');
  const caption = t(kind === 'deciding' ? 'delegates.captionDeciding' : 'delegates.captionConsultative');
  const cells = (k: Delegates['totals']['deciding']) => (
    <>
      <td className="num">{k.seats === null ? '—' : fmt.number(k.seats)}</td>
      <td className="num">{fmt.number(k.confirmed)}</td>
      <td className="num">{fmt.number(k.pending)}</td>
      <td className="num">{fmt.number(k.rejected)}</td>
    </>
  );
  return (
    <ScrollingTable label={caption}>
      <table className="dec-seats" data-delegates={kind}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('delegates.unit')}</th>
            <th scope="col" className="num">
              {t('delegates.seats')}
            </th>
            <th scope="col" className="num">
              {t('delegates.confirmed')}
            </th>
            <th scope="col" className="num">
              {t('delegates.pending')}
            </th>
            <th scope="col" className="num">
              {t('delegates.rejected')}
            </th>
          </tr>
        </thead>
        <tbody>
          {data.units.map((u) => (
            <tr key={u.unitId}>
              <th scope="row">{u.name}</th>
              {cells(u[kind])}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('delegates.total')}</th>
            {cells(data.totals[kind])}
          </tr>
        </tfoot>
      </table>
    </ScrollingTable>
  );
}

interface AmendAccess {
  discussionId: string;
  onAmended: (m: Motion) => void;
}

function MotionList({
  motions,
  discussion,
  units,
  voteRule,
  amend,
}: {
  motions: Motion[];
  discussion: Discussion | undefined;
  units: SeatTable | null;
  voteRule: string;
  amend: AmendAccess | null;
}) {
  const { t } = useTranslation('decisions');
  if (motions.length === 0) return <p>{t('motions.none')}</p>;
  const titleOf = new Map(motions.map((m) => [m.id, m.title]));
  const unitName = (id: string) => units?.units.find((u) => u.unitId === id)?.name ?? id;
  return (
    <ol className="dec-motions">
      {motions.map((m) => {
        const qi = m.questionId ? (discussion?.questions.findIndex((q) => q.id === m.questionId) ?? -1) : -1;
        const question = qi >= 0 ? discussion!.questions[qi]! : undefined;
        const headingId = `motion-${m.id}`;
        return (
          <li key={m.id} className="panel">
            <article aria-labelledby={headingId}>
              <h3 id={headingId}>
                <span className="dec-qnum">{t(`motions.kind.${m.kind}`)}</span>
                {m.title}
              </h3>
              {m.amends ? <p>{t('motions.amends', { title: titleOf.get(m.amends) ?? m.amends })}</p> : null}
              {question ? <p>{t('motions.onQuestion', { n: qi + 1, text: question.text })}</p> : null}
              <dl className="pub-dl">
                <div>
                  <dt>{t('motions.proposedBy')}</dt>
                  <dd>{m.proposedBy === 'office' ? t('motions.office') : t('motions.delegate', { unit: m.proposerUnitId ? unitName(m.proposerUnitId) : '—' })}</dd>
                </div>
                <div>
                  <dt>{t('motions.moved')}</dt>
                  <dd>{fmt.dateTime(m.createdAt)}</dd>
                </div>
                <div>
                  <dt>{t('motions.state.label')}</dt>
                  <dd>
                    <span className="dec-state">{t(`motions.state.${m.state}`)}</span>
                  </dd>
                </div>
              </dl>
              <details>
                <summary>{t('motions.text')}</summary>
                <div className="dec-text">{m.text}</div>
              </details>
              {!m.vote ? (
                <p>{t('motions.notVoted')}</p>
              ) : m.vote.state === 'open' || m.vote.result === null ? (
                <p>{t('vote.open', { count: m.vote.ballotsCast, n: fmt.number(m.vote.ballotsCast) })}</p>
              ) : (
                <VoteView
                  id={`vote-${m.vote.id}`}
                  vote={{ method: m.vote.method, for: m.vote.for ?? 0, against: m.vote.against ?? 0, abstain: m.vote.abstain ?? 0, eligible: m.vote.eligible ?? 0, result: m.vote.result, rule: m.vote.rule ?? '' }}
                  // The conference's rule is stated once, above; a vote under another rule says which.
                  showRule={m.vote.rule !== voteRule}
                />
              )}
              {amend && m.kind === 'resolution' && m.state === 'proposed' && !m.vote ? <AmendForm access={amend} motion={m} /> : null}
            </article>
          </li>
        );
      })}
    </ol>
  );
}

const AMEND_FIELDS = ['title', 'text'] as const;
type AmendField = (typeof AMEND_FIELDS)[number];

/**
 * A confirmed delegate's amendment to a proposed resolution, in her own name (POST …/conference/motions with the
 * session). The server decides whether she may: its refusal is shown beside the field it names, else beside the form.
 */
function AmendForm({ access, motion }: { access: AmendAccess; motion: Motion }) {
  const { t } = useTranslation('decisions');
  const prefix = `amend-${motion.id}`;
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Partial<Record<AmendField, string>>>({});
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [focus, setFocus] = useState<{ id: string; n: number } | null>(null);
  const refusalId = `${prefix}-refusal`;
  useEffect(() => {
    if (focus) document.getElementById(focus.id)?.focus();
  }, [focus]);
  const focusOn = (id: string) => setFocus((f) => ({ id, n: (f?.n ?? 0) + 1 }));
  const lead = (e: ApiError) => {
    const s = e.status;
    return t(s === 401 ? 'motions.amendRefused.401' : s === 403 ? 'motions.amendRefused.403' : s === 409 ? 'motions.amendRefused.409' : s === 0 ? 'motions.amendRefused.network' : 'motions.amendRefused.other');
  };
  const detail = (e: ApiError) => {
    const p = e.field ? `${e.field}: ` : null;
    return e.status === 0 ? '' : p && e.message.startsWith(p) ? e.message.slice(p.length) : e.message;
  };
  const submit = async () => {
    setRefusal(null);
    const found: Partial<Record<AmendField, string>> = {};
    if (!title.trim()) found.title = t('motions.amendRequired');
    if (!text.trim()) found.text = t('motions.amendRequired');
    setProblems(found);
    const first = AMEND_FIELDS.find((f) => found[f]);
    if (first) {
      focusOn(`${prefix}-${first}`);
      return;
    }
    setBusy(true);
    try {
      const m = await api<Motion>(`${conferencePath(access.discussionId)}/motions`, { body: { kind: 'amendment', amends: motion.id, title: title.trim(), text } });
      setTitle('');
      setText('');
      access.onAmended(m);
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, 'network', String(e), null);
      const field = AMEND_FIELDS.find((f) => f === err.field);
      if (field && [400, 403, 409].includes(err.status)) {
        setProblems({ [field]: `${lead(err)} ${detail(err)}` });
        focusOn(`${prefix}-${field}`);
      } else {
        setRefusal(err);
        focusOn(refusalId);
      }
    } finally {
      setBusy(false);
    }
  };
  const box = (f: AmendField) => ({
    id: `${prefix}-${f}`,
    'aria-invalid': problems[f] ? (true as const) : undefined,
    'aria-describedby': problems[f] ? `${prefix}-${f}-error` : undefined,
  });
  const error = (f: AmendField) =>
    problems[f] ? (
      <p className="field-error" id={`${prefix}-${f}-error`}>
        <span className="visually-hidden">{t('motions.amendErrorPrefix')} </span>
        {problems[f]}
      </p>
    ) : null;
  return (
    <details className="dec-amend">
      <summary>{t('motions.amendSummary', { title: motion.title })}</summary>
      <form
        noValidate
        aria-label={t('motions.amendSummary', { title: motion.title })}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p className="muted">{t('motions.amendIntro')}</p>
        <div>
          <label htmlFor={`${prefix}-title`}>{t('motions.amendTitle')}</label>
          <input
            type="text"
            maxLength={500}
            value={title}
            onChange={(e) => {
              setTitle(e.target.value);
              setProblems((p) => ({ ...p, title: undefined }));
            }}
            {...box('title')}
          />
          {error('title')}
        </div>
        <div>
          <label htmlFor={`${prefix}-text`}>{t('motions.amendText')}</label>
          <textarea
            rows={4}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setProblems((p) => ({ ...p, text: undefined }));
            }}
            {...box('text')}
          />
          {error('text')}
        </div>
        {refusal ? (
          <div className="error" role="alert" tabIndex={-1} id={refusalId}>
            <strong>{lead(refusal)}</strong>{' '}
            {refusal.status !== 0 ? (
              <span lang="en">{detail(refusal)}</span>
            ) : null}
          </div>
        ) : null}
        <button type="submit" aria-disabled={busy || undefined}>
          {busy ? t('motions.amendSending') : t('motions.amendSubmit')}
        </button>
      </form>
    </details>
  );
}
