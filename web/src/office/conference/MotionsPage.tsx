/**
 * Motions and votes: the office proposes a resolution (POST …/motions), puts each motion to the vote once — by count
 * (the server checks the total against the confirmed delegates with a deciding vote, and its refusal is shown beside
 * "for") or by roll call (one ballot per confirmed deciding delegate; a second is refused beside the delegate; then
 * closed after a confirm) — and every result is shown with the rule it was decided by.
 */
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, useApi } from '../../api.ts';
import { fmt } from '../../i18n.ts';
import type { ConferenceContext } from './ConferenceArea.tsx';
import { Confirm, ServerDetail, useDone, useProblems, useServerRefusal } from './form.tsx';
import { conferencePath, KNOWN_VOTE_RULE, wholeOf, type Delegate, type Delegates, type Motion, type Vote } from './model.ts';

interface MotionList {
  discussionId: string;
  voteRule: string;
  items: Motion[];
}

export function MotionsPage({ ctx }: { ctx: ConferenceContext }) {
  const { t } = useTranslation('conference-office');
  const { conference, access } = ctx;
  const motions = useApi<MotionList>(conference ? conferencePath(ctx.discussion.id, '/motions') : null);
  const delegates = useApi<Delegates>(conference?.apportionment && access.office ? conferencePath(ctx.discussion.id, '/delegates') : null);
  const done = useDone();
  if (!conference) return <p>{t('delegates.noConference')}</p>;
  const inSession = conference.state === 'in-session';
  const office = access.office;
  const eligible = (delegates.data?.items ?? []).filter((d) => d.state === 'confirmed' && d.vote === 'deciding');
  const confirmed = (delegates.data?.items ?? []).filter((d) => d.state === 'confirmed');
  const items = motions.data?.items ?? [];
  const titleOf = (id: string | null) => items.find((m) => m.id === id)?.title ?? id ?? '';

  return (
    <>
      {done.region}
      <p className="muted">{t(`motions.about.${conference.state}`)}</p>
      <RuleText rule={motions.data?.voteRule ?? conference.voteRule} />
      {office && inSession ? (
        <section aria-labelledby="cf-propose-h">
          <h2 id="cf-propose-h">{t('motions.proposeTitle')}</h2>
          <ProposeForm
            ctx={ctx}
            onProposed={(m) => {
              motions.reload();
              done.say(t('motions.proposed', { title: m.title }));
            }}
          />
        </section>
      ) : null}
      <section aria-labelledby="cf-motions-h">
        <h2 id="cf-motions-h">{t('motions.listTitle', { count: items.length, n: fmt.number(items.length) })}</h2>
        {motions.error ? <p className="error">{motions.error.message}</p> : null}
        {motions.data && items.length === 0 ? <p>{t('motions.none')}</p> : null}
        <ol className="cf-motions">
          {items.map((m, i) => (
            <MotionItem
              key={m.id}
              n={i + 1}
              motion={m}
              ctx={ctx}
              amendsTitle={m.amends ? titleOf(m.amends) : null}
              votes={office && inSession}
              eligible={eligible}
              confirmedDeciding={delegates.data?.totals.deciding.confirmed ?? null}
              movers={confirmed}
              onAmended={(a) => {
                motions.reload();
                done.say(t('motions.amended', { title: a.title }));
              }}
              onVoted={(v, text) => {
                motions.reload();
                done.say(text ?? t(v.state === 'open' ? 'votes.opened' : `votes.result.${v.result}`, { title: m.title }));
              }}
            />
          ))}
        </ol>
      </section>
    </>
  );
}

/** The vote rule in the reader's language when it is the one the server states; the server's words otherwise. */
function RuleText({ rule }: { rule: string }) {
  const { t } = useTranslation('conference-office');
  return (
    <p className="cf-rule-text">
      <strong>{t('votes.ruleLabel')}</strong> {rule === KNOWN_VOTE_RULE ? t('votes.rule') : <span lang="en">{rule}</span>}
    </p>
  );
}

type Problems = ReturnType<typeof useProblems>;

/** A motion's title and text, each with its label and the server's error beside it. */
function MotionFields({ pr, title, text, labels, rows }: { pr: Problems; title: [string, (v: string) => void]; text: [string, (v: string) => void]; labels: { title: string; text: string }; rows: number }) {
  return (
    <>
      <div className="office-field">
        <label htmlFor={pr.id('title')}>{labels.title}</label>
        <input
          type="text"
          maxLength={500}
          value={title[0]}
          onChange={(e) => {
            title[1](e.target.value);
            pr.clear('title');
          }}
          {...pr.props('title')}
        />
        {pr.error('title')}
      </div>
      <div className="office-field">
        <label htmlFor={pr.id('text')}>{labels.text}</label>
        <textarea
          rows={rows}
          value={text[0]}
          onChange={(e) => {
            text[1](e.target.value);
            pr.clear('text');
          }}
          {...pr.props('text')}
        />
        {pr.error('text')}
      </div>
    </>
  );
}

function SubmitRow({ busy, label }: { busy: boolean; label: string }) {
  const { t } = useTranslation('conference-office');
  return (
    <div className="office-actions">
      <button type="submit" aria-disabled={busy || undefined}>
        {busy ? t('sending') : label}
      </button>
    </div>
  );
}

function ProposeForm({ ctx, onProposed }: { ctx: ConferenceContext; onProposed: (m: Motion) => void }) {
  const { t } = useTranslation('conference-office');
  const pr = useProblems('mot');
  const server = useServerRefusal(pr);
  const questions = ctx.discussion.questions;
  const [questionId, setQuestionId] = useState(questions[0]?.id ?? '');
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const order = ['questionId', 'title', 'text'];
  const submit = async () => {
    server.setRefusal(null);
    const found: Record<string, ReactNode> = {};
    if (!title.trim()) found.title = t('errors.required');
    if (!text.trim()) found.text = t('errors.required');
    if (pr.report(found, order)) return;
    setBusy(true);
    try {
      const m = await api<Motion>(conferencePath(ctx.discussion.id, '/motions'), { body: { kind: 'resolution', ...(questionId ? { questionId } : {}), title: title.trim(), text } });
      setTitle('');
      setText('');
      pr.setProblems({});
      onProposed(m);
    } catch (e) {
      server.show(e, order);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      noValidate
      className="cf-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="office-field">
        <label htmlFor={pr.id('questionId')}>{t('motions.question')}</label>
        <select
          value={questionId}
          onChange={(e) => {
            setQuestionId(e.target.value);
            pr.clear('questionId');
          }}
          {...pr.props('questionId', `${pr.id('questionId')}-hint`)}
        >
          {questions.map((q, i) => (
            <option key={q.id} value={q.id}>
              {t('motions.questionOption', { n: i + 1, text: q.text.length > 80 ? `${q.text.slice(0, 80)}…` : q.text })}
            </option>
          ))}
          <option value="">{t('motions.noQuestion')}</option>
        </select>
        <p className="field-hint" id={`${pr.id('questionId')}-hint`}>
          {t('motions.questionHint')}
        </p>
        {pr.error('questionId')}
      </div>
      <MotionFields pr={pr} title={[title, setTitle]} text={[text, setText]} labels={{ title: t('motions.motionTitle'), text: t('motions.text') }} rows={6} />
      {server.box}
      <SubmitRow busy={busy} label={t('motions.propose')} />
    </form>
  );
}

function MotionItem({
  n,
  motion: m,
  ctx,
  amendsTitle,
  votes,
  eligible,
  confirmedDeciding,
  movers,
  onAmended,
  onVoted,
}: {
  n: number;
  motion: Motion;
  ctx: ConferenceContext;
  amendsTitle: string | null;
  votes: boolean;
  eligible: Delegate[];
  confirmedDeciding: number | null;
  movers: Delegate[];
  onAmended: (m: Motion) => void;
  onVoted: (v: Vote, text?: string) => void;
}) {
  const { t } = useTranslation('conference-office');
  const qIndex = ctx.discussion.questions.findIndex((q) => q.id === m.questionId);
  const headingId = `cf-motion-${m.id}`;
  return (
    <li className="panel cf-motion" aria-labelledby={headingId}>
      <h3 id={headingId}>
        {t('motions.numbered', { n })} {m.title}
      </h3>
      <p>
        <span className={`cf-badge cf-${m.state}`}>{t(`motionState.${m.state}`)}</span>{' '}
        {m.kind === 'resolution' ? t('motions.resolution') : t('motions.amendment', { title: amendsTitle ?? '' })}
        {qIndex >= 0 ? ` · ${t('motions.onQuestion', { n: qIndex + 1 })}` : ''}
        {' · '}
        {m.proposedBy === 'office' ? t('motions.byOffice') : t('motions.byDelegate', { unit: m.proposerUnitId ?? '' })}
        {' · '}
        {fmt.dateTime(m.createdAt)}
      </p>
      <div className="cf-text cf-motion-text">{m.text}</div>
      {m.vote ? <VoteView vote={m.vote} ctx={ctx} motion={m} votes={votes} eligible={eligible} onVoted={onVoted} /> : votes && m.state === 'proposed' ? <VoteForm ctx={ctx} motion={m} confirmedDeciding={confirmedDeciding} onVoted={onVoted} /> : <p className="muted">{t('votes.notYet')}</p>}
      {votes && m.kind === 'resolution' && m.state === 'proposed' && !m.vote ? <AmendForm ctx={ctx} motion={m} movers={movers} onAmended={onAmended} /> : null}
    </li>
  );
}

const AMEND_ORDER = ['delegateId', 'title', 'text', 'amends'];

/**
 * An amendment moved from the floor, recorded by the office in the name of the confirmed delegate who moved it; the
 * server's refusal (a delegate no longer confirmed, a resolution already put to the vote) is shown beside its box.
 */
function AmendForm({ ctx, motion, movers, onAmended }: { ctx: ConferenceContext; motion: Motion; movers: Delegate[]; onAmended: (m: Motion) => void }) {
  const { t } = useTranslation('conference-office');
  const pr = useProblems(`amd-${motion.id}`);
  const server = useServerRefusal(pr);
  const [delegateId, setDelegateId] = useState('');
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const nameOf = (d: Delegate) => `${d.memberName ?? d.memberId} (${d.memberId})`;
  const submit = async () => {
    server.setRefusal(null);
    const found: Record<string, ReactNode> = {};
    if (!delegateId) found.delegateId = t('errors.chooseMover');
    if (!title.trim()) found.title = t('errors.required');
    if (!text.trim()) found.text = t('errors.required');
    if (pr.report(found, AMEND_ORDER)) return;
    setBusy(true);
    try {
      const a = await api<Motion>(conferencePath(ctx.discussion.id, '/motions'), { body: { kind: 'amendment', amends: motion.id, delegateId, title: title.trim(), text } });
      setDelegateId('');
      setTitle('');
      setText('');
      pr.setProblems({});
      onAmended(a);
    } catch (e) {
      // "amends" names the resolution itself: said beside the button's box, as the form has no box for it.
      server.show(e, AMEND_ORDER.filter((f) => f !== 'amends'));
    } finally {
      setBusy(false);
    }
  };
  const hint = `${pr.id('delegateId')}-hint`;
  return (
    <details className="cf-amend">
      <summary>{t('motions.amendSummary', { title: motion.title })}</summary>
      <form
        noValidate
        className="cf-form"
        aria-label={t('motions.amendSummary', { title: motion.title })}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p className="field-hint">{t('motions.amendIntro')}</p>
        <div className="office-field">
          <label htmlFor={pr.id('delegateId')}>{t('motions.amendMover')}</label>
          <select
            value={delegateId}
            onChange={(e) => {
              setDelegateId(e.target.value);
              pr.clear('delegateId');
            }}
            {...pr.props('delegateId', hint)}
          >
            <option value="">{t('motions.amendChooseMover')}</option>
            {movers.map((d) => (
              <option key={d.id} value={d.id}>
                {nameOf(d)}
              </option>
            ))}
          </select>
          <p className="field-hint" id={hint}>
            {movers.length > 0 ? t('motions.amendMoverHint') : t('motions.amendNoMovers')}
          </p>
          {pr.error('delegateId')}
        </div>
        <MotionFields pr={pr} title={[title, setTitle]} text={[text, setText]} labels={{ title: t('motions.amendTitle'), text: t('motions.amendText') }} rows={4} />
        {server.box}
        <SubmitRow busy={busy} label={t('motions.amend')} />
      </form>
    </details>
  );
}

const COUNT_ORDER = ['method', 'for', 'against', 'abstain'];

function VoteForm({ ctx, motion, confirmedDeciding, onVoted }: { ctx: ConferenceContext; motion: Motion; confirmedDeciding: number | null; onVoted: (v: Vote) => void }) {
  const { t } = useTranslation('conference-office');
  const pr = useProblems(`vote-${motion.id}`);
  const server = useServerRefusal(pr);
  const [method, setMethod] = useState<'count' | 'roll-call'>('count');
  const [counts, setCounts] = useState({ for: '', against: '', abstain: '' });
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    server.setRefusal(null);
    let body: Record<string, unknown> = { method };
    if (method === 'count') {
      const found: Record<string, ReactNode> = {};
      const values: Record<string, number> = {};
      for (const k of ['for', 'against', 'abstain'] as const) {
        const v = wholeOf(counts[k] || '0');
        if (v === null) found[k] = t('errors.whole');
        else values[k] = v;
      }
      if (pr.report(found, COUNT_ORDER)) return;
      body = { method, ...values };
    }
    setBusy(true);
    try {
      const v = await api<Vote>(conferencePath(ctx.discussion.id, `/motions/${encodeURIComponent(motion.id)}/votes`), { body });
      pr.setProblems({});
      onVoted(v);
    } catch (e) {
      server.show(e, COUNT_ORDER);
    } finally {
      setBusy(false);
    }
  };
  const countsHint = `${pr.id('for')}-eligible`;
  return (
    <form
      noValidate
      className="cf-form cf-vote"
      aria-label={t('votes.formLabel', { title: motion.title })}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <fieldset className="office-choices" {...pr.group('method')}>
        <legend>{t('votes.method')}</legend>
        {(['count', 'roll-call'] as const).map((mth) => (
          <label key={mth} className="office-choice">
            <input type="radio" name={`${pr.id('method')}-choice`} checked={method === mth} onChange={() => setMethod(mth)} /> {t(`votes.methods.${mth}`)}
            <span className="field-hint office-block">{t(`votes.methodHints.${mth}`)}</span>
          </label>
        ))}
        {pr.error('method')}
      </fieldset>
      {method === 'count' ? (
        <fieldset className="office-choices">
          <legend>{t('votes.counts')}</legend>
          <p className="field-hint" id={countsHint}>
            {confirmedDeciding === null ? t('votes.countsHint') : t('votes.countsHintN', { count: confirmedDeciding, n: fmt.number(confirmedDeciding) })}
          </p>
          <div className="cf-numbers">
            {(['for', 'against', 'abstain'] as const).map((k) => (
              <div className="office-field" key={k}>
                <label htmlFor={pr.id(k)}>{t(`votes.${k}`)}</label>
                <input
                  type="text"
                  inputMode="numeric"
                  autoComplete="off"
                  className="cf-number"
                  value={counts[k]}
                  placeholder="0"
                  onChange={(e) => {
                    setCounts((c) => ({ ...c, [k]: e.target.value }));
                    pr.clear(k);
                  }}
                  {...pr.props(k, countsHint)}
                />
                {pr.error(k)}
              </div>
            ))}
          </div>
        </fieldset>
      ) : null}
      {server.box}
      <div className="office-actions">
        <button type="submit" aria-disabled={busy || undefined}>
          {busy ? t('sending') : method === 'count' ? t('votes.recordCount') : t('votes.openRollCall')}
        </button>
      </div>
    </form>
  );
}

function VoteView({ vote, ctx, motion, votes, eligible, onVoted }: { vote: Vote; ctx: ConferenceContext; motion: Motion; votes: boolean; eligible: Delegate[]; onVoted: (v: Vote, text?: string) => void }) {
  if (vote.state === 'open') return <RollCall vote={vote} ctx={ctx} motion={motion} votes={votes} eligible={eligible} onVoted={onVoted} />;
  return <Result vote={vote} />;
}

/** A closed vote's result with its figures and the rule. */
function Result({ vote: v }: { vote: Vote }) {
  const { t } = useTranslation('conference-office');
  return (
    <div className="cf-result">
      <p>
        <strong>{t(`votes.outcome.${v.result ?? 'none'}`)}</strong> — {t(`votes.methods.${v.method}`)}
      </p>
      <p>
        {t('votes.figures', { for: fmt.number(v.for ?? 0), against: fmt.number(v.against ?? 0), abstain: fmt.number(v.abstain ?? 0) })}{' '}
        {v.eligible !== null ? t('votes.eligible', { count: v.eligible, n: fmt.number(v.eligible) }) : null}
      </p>
      {v.rule ? <RuleText rule={v.rule} /> : null}
    </div>
  );
}

function RollCall({ vote, ctx, motion, votes, eligible, onVoted }: { vote: Vote; ctx: ConferenceContext; motion: Motion; votes: boolean; eligible: Delegate[]; onVoted: (v: Vote, text?: string) => void }) {
  const { t } = useTranslation('conference-office');
  const full = useApi<Vote>(conferencePath(ctx.discussion.id, `/votes/${encodeURIComponent(vote.id)}`));
  const pr = useProblems(`rc-${vote.id}`);
  const server = useServerRefusal(pr);
  const [delegateId, setDelegateId] = useState('');
  const [choice, setChoice] = useState<'for' | 'against' | 'abstain'>('for');
  const [busy, setBusy] = useState(false);
  const [closing, setClosing] = useState(false);
  const ballots = full.data?.ballots ?? [];
  const nameOf = (id: string) => {
    const d = eligible.find((x) => x.id === id);
    return d ? `${d.memberName ?? d.memberId} (${d.memberId})` : id;
  };
  const order = ['delegateId', 'choice'];

  const cast = async () => {
    server.setRefusal(null);
    if (!delegateId) {
      pr.report({ delegateId: t('errors.chooseDelegate') }, order);
      return;
    }
    setBusy(true);
    try {
      await api(conferencePath(ctx.discussion.id, `/votes/${encodeURIComponent(vote.id)}/ballots`), { body: { delegateId, choice } });
      pr.setProblems({});
      full.reload();
      onVoted(vote, t('votes.ballotRecorded', { name: nameOf(delegateId), choice: t(`votes.choice.${choice}`) }));
      setDelegateId('');
      pr.focusField('delegateId');
    } catch (e) {
      server.show(e, order, (field, err) =>
        field === 'delegateId' && err.status === 409 && /already voted/.test(err.message)
          ? { field, text: <ServerDetail error={err} lead={<strong>{t('votes.alreadyVoted', { name: nameOf(delegateId) })}</strong>} /> }
          : null,
      );
    } finally {
      setBusy(false);
    }
  };
  const close = async () => {
    setBusy(true);
    server.setRefusal(null);
    try {
      const v = await api<Vote>(conferencePath(ctx.discussion.id, `/votes/${encodeURIComponent(vote.id)}/close`), { method: 'POST' });
      setClosing(false);
      onVoted(v, t(`votes.result.${v.result}`, { title: motion.title }));
    } catch (e) {
      setClosing(false);
      server.show(e, []);
    } finally {
      setBusy(false);
    }
  };
  const cast_ = ballots.length || vote.ballotsCast;
  return (
    <div className="cf-rollcall">
      <p>
        <strong>{t('votes.rollCallOpen')}</strong> {t('votes.ballotsCast', { count: cast_, n: fmt.number(cast_), eligible: fmt.number(eligible.length) })}
      </p>
      {ballots.length > 0 ? (
        <ul className="cf-ballots">
          {ballots.map((b) => (
            <li key={b.delegateId}>
              {nameOf(b.delegateId)}: <strong>{t(`votes.choice.${b.choice}`)}</strong>
            </li>
          ))}
        </ul>
      ) : null}
      {votes ? (
        <>
          <form
            noValidate
            className="cf-form"
            aria-label={t('votes.ballotLabel', { title: motion.title })}
            onSubmit={(e) => {
              e.preventDefault();
              void cast();
            }}
          >
            <div className="office-field">
              <label htmlFor={pr.id('delegateId')}>{t('votes.delegate')}</label>
              <select
                value={delegateId}
                onChange={(e) => {
                  setDelegateId(e.target.value);
                  pr.clear('delegateId');
                }}
                {...pr.props('delegateId')}
              >
                <option value="">{t('votes.chooseDelegate')}</option>
                {eligible.map((d) => {
                  const voted = ballots.some((b) => b.delegateId === d.id);
                  return (
                    <option key={d.id} value={d.id}>
                      {voted ? t('votes.delegateVoted', { name: nameOf(d.id) }) : nameOf(d.id)}
                    </option>
                  );
                })}
              </select>
              {pr.error('delegateId')}
            </div>
            <fieldset className="office-choices" {...pr.group('choice')}>
              <legend>{t('votes.ballotChoice')}</legend>
              {(['for', 'against', 'abstain'] as const).map((c) => (
                <label key={c} className="office-choice">
                  <input type="radio" name={`${pr.id('choice')}-r`} checked={choice === c} onChange={() => setChoice(c)} /> {t(`votes.choice.${c}`)}
                </label>
              ))}
              {pr.error('choice')}
            </fieldset>
            {server.box}
            <div className="office-actions">
              <button type="submit" aria-disabled={busy || undefined}>
                {t('votes.castBallot')}
              </button>
              <button type="button" className="secondary" onClick={() => setClosing(true)}>
                {t('votes.closeRollCall')}
              </button>
            </div>
          </form>
          <Confirm
            open={closing}
            title={t('votes.closeTitle', { title: motion.title })}
            confirmLabel={t('votes.closeConfirm')}
            busy={busy}
            onConfirm={() => void close()}
            onCancel={() => setClosing(false)}
          >
            <p>{t('votes.closeText', { count: cast_, n: fmt.number(cast_), eligible: fmt.number(eligible.length) })}</p>
            <p>
              <strong>{t('votes.closeFinal')}</strong>
            </p>
          </Confirm>
        </>
      ) : null}
    </div>
  );
}
