/**
 * Delegates and credentials: the seats and mandates per electing unit; recording a delegate an electing unit elected
 * (POST …/delegates; "no seat left" said plainly beside the vote); each mandate with the member's name (the office and
 * the commission), and for the credentials committee Confirm / Reject (a reason required to reject) per pending one.
 */
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, useApi } from '../../api.ts';
import { fmt } from '../../i18n.ts';
import type { ConferenceContext } from './ConferenceArea.tsx';
import { asApiError, ServerDetail, useDone, useProblems, useServerRefusal } from './form.tsx';
import { conferencePath, today, type Delegate, type Delegates, type SeatKind } from './model.ts';

const STATE_ORDER = { pending: 0, confirmed: 1, rejected: 2 } as const;

export function DelegatesPage({ ctx }: { ctx: ConferenceContext }) {
  const { t } = useTranslation('conference-office');
  const { conference, access } = ctx;
  const list = useApi<Delegates>(conference?.apportionment ? conferencePath(ctx.discussion.id, '/delegates') : null);
  const done = useDone();
  if (!conference) return <p>{t('delegates.noConference')}</p>;
  if (!conference.apportionment) return <p>{t('delegates.noTable')}</p>;
  const data = list.data;
  const mayRecord = (access.office || access.committeeUnits.length > 0) && (conference.state === 'apportioned' || conference.state === 'in-session');
  const decides = access.office || access.commission;
  const items = [...(data?.items ?? [])].sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.unitId.localeCompare(b.unitId) || a.recordedAt.localeCompare(b.recordedAt));
  const unitName = (id: string) => data?.units.find((u) => u.unitId === id)?.name ?? conference.apportionment?.units.find((u) => u.unitId === id)?.name ?? id;
  const pending = items.filter((d) => d.state === 'pending').length;

  return (
    <>
      {done.region}
      <section aria-labelledby="cf-mandates-h">
        <h2 id="cf-mandates-h">{t('delegates.seatsTitle')}</h2>
        {list.error ? <p className="error">{list.error.message}</p> : null}
        {data ? <SeatsAndMandates data={data} consultative={conference.apportionment.consultative !== null} /> : null}
      </section>
      {mayRecord ? (
        <section aria-labelledby="cf-record-h">
          <h2 id="cf-record-h">{t('delegates.recordTitle')}</h2>
          <RecordForm
            ctx={ctx}
            onRecorded={(d) => {
              list.reload();
              done.say(t('delegates.recorded', { member: d.memberId, unit: unitName(d.unitId), vote: t(`vote.${d.vote}`) }));
            }}
          />
        </section>
      ) : null}
      {data?.items ? (
        <section aria-labelledby="cf-list-h">
          <h2 id="cf-list-h">{t('delegates.listTitle', { count: items.length, n: fmt.number(items.length) })}</h2>
          {decides ? <p className="muted">{pending > 0 ? t('delegates.pendingNote', { count: pending, n: fmt.number(pending) }) : t('delegates.nonePending')}</p> : null}
          {items.length === 0 ? <p>{t('delegates.none')}</p> : null}
          <ul className="cf-delegates">
            {items.map((d) => (
              <DelegateItem
                key={d.id}
                delegate={d}
                unitName={unitName(d.unitId)}
                ctx={ctx}
                decides={decides && conference.state !== 'closed'}
                onDecided={(after) => {
                  list.reload();
                  done.say(t(after.state === 'confirmed' ? 'delegates.confirmed' : 'delegates.rejected', { name: after.memberName ?? after.memberId }), { focus: true });
                }}
              />
            ))}
          </ul>
        </section>
      ) : data ? (
        <p className="muted">{t('delegates.namesHidden')}</p>
      ) : null}
    </>
  );
}

function SeatsAndMandates({ data, consultative }: { data: Delegates; consultative: boolean }) {
  const { t } = useTranslation('conference-office');
  const kinds: SeatKind[] = consultative ? ['deciding', 'consultative'] : ['deciding'];
  return (
    <>
      {kinds.map((k) => {
        const captionId = `cf-mandates-${k}`;
        const row = (c: { seats: number | null; pending: number; confirmed: number; rejected: number }) => (
          <>
            <td className="num">{fmt.number(c.seats ?? 0)}</td>
            <td className="num">{fmt.number(c.confirmed)}</td>
            <td className="num">{fmt.number(c.pending)}</td>
            <td className="num">{fmt.number(c.rejected)}</td>
            <td className="num">{fmt.number(Math.max(0, (c.seats ?? 0) - c.confirmed - c.pending))}</td>
          </>
        );
        return (
          <div key={k}>
            <h3 id={captionId}>{t(`delegates.seatsCaption.${k}`)}</h3>
            <div className="table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
              <table aria-labelledby={captionId} className="cf-mandates">
                <thead>
                  <tr>
                    <th scope="col">{t('table.unit')}</th>
                    <th scope="col" className="num">
                      {t('delegates.col.seats')}
                    </th>
                    <th scope="col" className="num">
                      {t('delegates.col.confirmed')}
                    </th>
                    <th scope="col" className="num">
                      {t('delegates.col.pending')}
                    </th>
                    <th scope="col" className="num">
                      {t('delegates.col.rejected')}
                    </th>
                    <th scope="col" className="num">
                      {t('delegates.col.free')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.units.map((u) => (
                    <tr key={u.unitId}>
                      <th scope="row">{u.name}</th>
                      {row(u[k])}
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row">{t('table.total')}</th>
                    {row(data.totals[k])}
                  </tr>
                </tfoot>
              </table>
            </div>
          </div>
        );
      })}
    </>
  );
}

const RECORD_ORDER = ['unitId', 'memberId', 'vote', 'electedAt', 'electedMeeting'];

function RecordForm({ ctx, onRecorded }: { ctx: ConferenceContext; onRecorded: (d: Delegate) => void }) {
  const { t } = useTranslation('conference-office');
  const units = ctx.conference!.apportionment!.units;
  const pr = useProblems('del');
  const server = useServerRefusal(pr);
  const [unitId, setUnitId] = useState('');
  const [memberId, setMemberId] = useState('');
  const [vote, setVote] = useState<SeatKind>('deciding');
  const [electedAt, setElectedAt] = useState(today());
  const [meeting, setMeeting] = useState('');
  const [busy, setBusy] = useState(false);
  const hasConsultative = ctx.conference!.apportionment!.consultative !== null;

  const submit = async () => {
    server.setRefusal(null);
    const found: Record<string, ReactNode> = {};
    if (!unitId) found.unitId = t('errors.chooseUnit');
    if (!memberId.trim()) found.memberId = t('errors.required');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(electedAt)) found.electedAt = t('errors.date');
    if (!meeting.trim()) found.electedMeeting = t('errors.required');
    if (pr.report(found, RECORD_ORDER)) return;
    setBusy(true);
    try {
      const d = await api<Delegate>(conferencePath(ctx.discussion.id, '/delegates'), { body: { unitId, memberId: memberId.trim(), vote, electedAt, electedMeeting: meeting.trim() } });
      setMemberId('');
      pr.setProblems({});
      onRecorded(d);
      pr.focusField('memberId');
    } catch (e) {
      server.show(e, RECORD_ORDER, (field, err) =>
        // "No seat left" is the commonest refusal: said in the reader's words, the server's beside it.
        field === 'vote' && err.status === 409 ? { field: 'vote', text: <ServerDetail error={err} lead={<strong>{t(`delegates.noSeatLeft.${vote}`)}</strong>} /> } : null,
      );
    } finally {
      setBusy(false);
    }
  };

  const memberHint = `${pr.id('memberId')}-hint`;
  const dateHint = `${pr.id('electedAt')}-hint`;
  return (
    <form
      noValidate
      className="cf-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <p className="muted">{t('delegates.recordIntro')}</p>
      <div className="office-field">
        <label htmlFor={pr.id('unitId')}>{t('delegates.unit')}</label>
        <select
          value={unitId}
          onChange={(e) => {
            setUnitId(e.target.value);
            pr.clear('unitId', 'vote');
          }}
          {...pr.props('unitId')}
        >
          <option value="">{t('delegates.chooseUnit')}</option>
          {units.map((u) => (
            <option key={u.unitId} value={u.unitId}>
              {t('delegates.unitOption', { name: u.name, id: u.unitId, deciding: fmt.number(u.deciding.seats), consultative: fmt.number(u.consultative?.seats ?? 0) })}
            </option>
          ))}
        </select>
        {pr.error('unitId')}
      </div>
      <div className="office-field">
        <label htmlFor={pr.id('memberId')}>{t('delegates.memberId')}</label>
        <p className="field-hint" id={memberHint}>
          {t('delegates.memberIdHint')}
        </p>
        <input
          type="text"
          className="office-short"
          autoComplete="off"
          spellCheck={false}
          value={memberId}
          onChange={(e) => {
            setMemberId(e.target.value);
            pr.clear('memberId');
          }}
          {...pr.props('memberId', memberHint)}
        />
        {pr.error('memberId')}
      </div>
      <fieldset className="office-choices" {...pr.group('vote')}>
        <legend>{t('delegates.vote')}</legend>
        {(['deciding', 'consultative'] as const).map((v) => (
          <label key={v} className="office-choice">
            <input
              type="radio"
              name="del-vote"
              checked={vote === v}
              disabled={v === 'consultative' && !hasConsultative}
              aria-describedby={pr.problems.vote ? pr.errId('vote') : undefined}
              onChange={() => {
                setVote(v);
                pr.clear('vote');
              }}
            />{' '}
            {t(`vote.${v}`)}
            <span className="field-hint office-block">{t(`voteHint.${v}`)}</span>
          </label>
        ))}
        {pr.error('vote')}
      </fieldset>
      <div className="office-field">
        <label htmlFor={pr.id('electedAt')}>{t('delegates.electedAt')}</label>
        <p className="field-hint" id={dateHint}>
          {t('delegates.electedAtHint')}
        </p>
        <input
          type="date"
          className="office-short"
          max={today()}
          value={electedAt}
          onChange={(e) => {
            setElectedAt(e.target.value);
            pr.clear('electedAt');
          }}
          {...pr.props('electedAt', dateHint)}
        />
        {pr.error('electedAt')}
      </div>
      <div className="office-field">
        <label htmlFor={pr.id('electedMeeting')}>{t('delegates.meeting')}</label>
        <p className="field-hint" id={`${pr.id('electedMeeting')}-hint`}>
          {t('delegates.meetingHint')}
        </p>
        <input
          type="text"
          maxLength={1000}
          value={meeting}
          onChange={(e) => {
            setMeeting(e.target.value);
            pr.clear('electedMeeting');
          }}
          {...pr.props('electedMeeting', `${pr.id('electedMeeting')}-hint`)}
        />
        {pr.error('electedMeeting')}
      </div>
      {server.box}
      <div className="office-actions">
        <button type="submit" aria-disabled={busy || undefined}>
          {busy ? t('sending') : t('delegates.record')}
        </button>
      </div>
    </form>
  );
}

function DelegateItem({ delegate: d, unitName, ctx, decides, onDecided }: { delegate: Delegate; unitName: string; ctx: ConferenceContext; decides: boolean; onDecided: (d: Delegate) => void }) {
  const { t } = useTranslation('conference-office');
  const pr = useProblems(`dl-${d.id}`);
  const server = useServerRefusal(pr);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const name = d.memberName ?? d.memberId;
  const decide = async (what: 'confirm' | 'reject') => {
    if (busy) return;
    server.setRefusal(null);
    if (what === 'reject' && !reason.trim()) {
      pr.report({ reason: t('errors.rejectReason') }, ['reason']);
      return;
    }
    setBusy(true);
    try {
      const after = await api<Delegate>(conferencePath(ctx.discussion.id, `/delegates/${encodeURIComponent(d.id)}/${what}`), { body: reason.trim() ? { reason: reason.trim() } : {} });
      onDecided(after);
    } catch (e) {
      const err = asApiError(e);
      server.show(err, ['reason']);
    } finally {
      setBusy(false);
    }
  };
  const hint = `${pr.id('reason')}-hint`;
  return (
    <li className="panel cf-delegate">
      <h3>
        {name} <span className="muted cf-id">({d.memberId})</span>
      </h3>
      <p>
        <span className={`cf-badge cf-${d.state}`}>{t(`delegateState.${d.state}`)}</span> {t(`vote.${d.vote}`)}
      </p>
      <dl className="cf-facts">
        <dt>{t('delegates.unit')}</dt>
        <dd>{unitName}</dd>
        <dt>{t('delegates.elected')}</dt>
        <dd>{t('delegates.electedValue', { date: fmt.date(`${d.electedAt}T12:00:00Z`), meeting: d.electedMeeting })}</dd>
        <dt>{t('delegates.recordedAt')}</dt>
        <dd>{fmt.dateTime(d.recordedAt)}</dd>
        {d.decidedAt ? (
          <>
            <dt>{t('delegates.decidedAt')}</dt>
            <dd>{fmt.dateTime(d.decidedAt)}</dd>
          </>
        ) : null}
        {d.reason ? (
          <>
            <dt>{t('delegates.reason')}</dt>
            <dd className="cf-text">{d.reason}</dd>
          </>
        ) : null}
      </dl>
      {decides && d.state === 'pending' ? (
        <form
          noValidate
          className="cf-decide"
          aria-label={t('delegates.decideLabel', { name })}
          onSubmit={(e) => {
            e.preventDefault();
            void decide('confirm');
          }}
        >
          <div className="office-field">
            <label htmlFor={pr.id('reason')}>{t('delegates.decisionReason')}</label>
            <p className="field-hint" id={hint}>
              {t('delegates.decisionReasonHint')}
            </p>
            <textarea
              rows={2}
              value={reason}
              maxLength={2000}
              onChange={(e) => {
                setReason(e.target.value);
                pr.clear('reason');
              }}
              {...pr.props('reason', hint)}
            />
            {pr.error('reason')}
          </div>
          {server.box}
          <div className="office-actions">
            <button type="submit" aria-disabled={busy || undefined}>
              {t('delegates.confirm')}
              <span className="visually-hidden"> — {name}</span>
            </button>
            <button type="button" className="secondary" aria-disabled={busy || undefined} onClick={() => void decide('reject')}>
              {t('delegates.reject')}
              <span className="visually-hidden"> — {name}</span>
            </button>
          </div>
        </form>
      ) : null}
    </li>
  );
}
