/**
 * The conference's definition and seat table: the form (name, electing level, basis, each kind of seat's rule) →
 * PUT …/conference, the server's refusals beside the field they name (`deciding.seats`, `consultative.step`,
 * `electingLevel`); Apportion (POST …/apportion, with a reason after the first run) and the table; opening the
 * session and closing the conference, each after a confirm.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { UnitPage } from '../../../../src/schemas/tally.ts';
import { api, useApi } from '../../api.ts';
import { fmt } from '../../i18n.ts';
import type { ConferenceContext } from './ConferenceArea.tsx';
import { Confirm, useDone, useProblems, useServerRefusal } from './form.tsx';
import { conferencePath, draftOf, emptyRule, enc, fieldsOf, hasTieBreak, METHODS, wholeOf, type Conference, type Method, type RuleDraft, type SeatTable } from './model.ts';
import { SeatTableView, useRuleText } from './SeatTableView.tsx';

export function SetupPage({ ctx }: { ctx: ConferenceContext }) {
  const { t } = useTranslation('conference-office');
  const { conference, access } = ctx;
  const done = useDone();
  const editable = access.office && ctx.discussion.state === 'open' && (!conference || conference.state === 'draft' || conference.state === 'apportioned');
  return (
    <>
      {done.region}
      <section aria-labelledby="cf-def-h">
        <h2 id="cf-def-h">{t('define.title')}</h2>
        {editable ? (
          <DefinitionForm ctx={ctx} onSaved={(c) => done.say(t('define.saved', { name: c.name }))} />
        ) : conference ? (
          <DefinitionSummary conference={conference} />
        ) : (
          <p>{t('define.none')}</p>
        )}
      </section>
      {conference ? (
        <section aria-labelledby="cf-seats-h">
          <h2 id="cf-seats-h">{t('apportion.title')}</h2>
          <Tables conference={conference} />
          {access.office && (conference.state === 'draft' || conference.state === 'apportioned') ? <ApportionForm ctx={ctx} conference={conference} say={done.say} /> : null}
        </section>
      ) : null}
      {conference && access.office ? (
        <section aria-labelledby="cf-session-h">
          <h2 id="cf-session-h">{t('session.title')}</h2>
          <SessionControls ctx={ctx} conference={conference} say={done.say} />
        </section>
      ) : null}
    </>
  );
}

function DefinitionSummary({ conference: c }: { conference: Conference }) {
  const { t } = useTranslation('conference-office');
  const ruleText = useRuleText();
  return (
    <dl className="cf-facts">
      <dt>{t('define.name')}</dt>
      <dd>{c.name}</dd>
      <dt>{t('define.level')}</dt>
      <dd>{'kind' in c.electingLevel ? t('level.kind', { kind: c.electingLevel.kind }) : t('level.depth', { depth: c.electingLevel.depth })}</dd>
      <dt>{t('define.basis')}</dt>
      <dd>{t(`basis.${c.basis}`)}</dd>
      <dt>{t('define.deciding')}</dt>
      <dd>{ruleText(c.deciding)}</dd>
      <dt>{t('define.consultative')}</dt>
      <dd>{c.consultative ? ruleText(c.consultative) : t('define.noConsultative')}</dd>
    </dl>
  );
}

/** The unit kinds of the frozen tree and the depths they stand at, found by walking a few units of each level. */
function useTreeKinds(discussionId: string): { kinds: Map<string, Set<number>>; deepest: number; loaded: boolean; add: (kinds: string[]) => void } {
  const [state, setState] = useState<{ kinds: Map<string, Set<number>>; deepest: number; loaded: boolean }>({ kinds: new Map(), deepest: 0, loaded: false });
  useEffect(() => {
    let live = true;
    void (async () => {
      const kinds = new Map<string, Set<number>>();
      let deepest = 0;
      const note = (kind: string, depth: number) => {
        (kinds.get(kind) ?? kinds.set(kind, new Set()).get(kind)!).add(depth);
        deepest = Math.max(deepest, depth);
      };
      try {
        let parents: Array<string | null> = [null];
        for (let level = 0; level < 12 && parents.length > 0; level++) {
          const next: string[] = [];
          for (const p of parents.slice(0, 3)) {
            const page = await api<UnitPage>(`/discussions/${enc(discussionId)}/units?limit=200${p ? `&parent=${enc(p)}` : ''}`);
            if (p === null) note(page.parent.kind, page.parent.ancestors.length);
            for (const u of page.items) {
              note(u.kind, u.ancestors.length);
              next.push(u.id);
            }
          }
          parents = next;
        }
      } catch {
        /* the kind is then typed, and the server's refusal lists the kinds */
      }
      if (live) setState({ kinds, deepest, loaded: true });
    })();
    return () => {
      live = false;
    };
  }, [discussionId]);
  const add = (more: string[]) =>
    setState((s) => {
      const kinds = new Map(s.kinds);
      for (const k of more) if (!kinds.has(k)) kinds.set(k, new Set());
      return { ...s, kinds };
    });
  return { ...state, add };
}

const ORDER_OF = (kind: 'deciding' | 'consultative') => [`${kind}.method`, `${kind}.seats`, `${kind}.per`, `${kind}.first`, `${kind}.step`, `${kind}.min`, `${kind}.max`, `${kind}.tieBreak`, `${kind}.tieBreak.seed`];

function DefinitionForm({ ctx, onSaved }: { ctx: ConferenceContext; onSaved: (c: Conference) => void }) {
  const { t } = useTranslation('conference-office');
  const c = ctx.conference;
  const tree = useTreeKinds(ctx.discussion.id);
  const pr = useProblems('def');
  const server = useServerRefusal(pr);
  const [name, setName] = useState(c?.name ?? '');
  const [mode, setMode] = useState<'kind' | 'depth'>(c && 'depth' in c.electingLevel ? 'depth' : 'kind');
  const [kind, setKind] = useState(c && 'kind' in c.electingLevel ? c.electingLevel.kind : '');
  const [depth, setDepth] = useState(c && 'depth' in c.electingLevel ? String(c.electingLevel.depth) : '1');
  const [basis, setBasis] = useState<'roll' | 'reported'>(c?.basis ?? 'roll');
  const [deciding, setDeciding] = useState<RuleDraft>(() => draftOf(c?.deciding));
  const [withConsultative, setWithConsultative] = useState(Boolean(c?.consultative));
  const [consultative, setConsultative] = useState<RuleDraft>(() => (c?.consultative ? draftOf(c.consultative) : emptyRule('dhondt')));
  const [busy, setBusy] = useState(false);

  // The kinds found below the root; the first below it is the usual choice.
  const kinds = [...tree.kinds.entries()].sort((a, b) => Math.min(...a[1]) - Math.min(...b[1]) || a[0].localeCompare(b[0]));
  useEffect(() => {
    if (!kind && tree.loaded) {
      const below = kinds.find(([, depths]) => !depths.has(0)) ?? kinds[0];
      if (below) setKind(below[0]);
    }
  }, [tree.loaded]); // eslint-disable-line react-hooks/exhaustive-deps

  const order = ['name', 'electingLevel.kind', 'electingLevel.depth', 'basis', ...ORDER_OF('deciding'), 'consultative', ...ORDER_OF('consultative')];

  const ruleBody = (k: 'deciding' | 'consultative', d: RuleDraft, found: Record<string, ReactNode>) => {
    const body: Record<string, unknown> = { method: d.method };
    for (const f of fieldsOf(d.method)) {
      const v = d[f].trim();
      if (!v) continue;
      const n = wholeOf(v);
      if (n === null) found[`${k}.${f}`] = t('errors.whole');
      else body[f] = n;
    }
    if (hasTieBreak(d.method)) {
      if (d.tie === 'lot') {
        const seed = wholeOf(d.seed);
        if (seed === null) found[`${k}.tieBreak.seed`] = t('errors.seed');
        body.tieBreak = { rule: 'lot', seed: seed ?? 0 };
      } else {
        body.tieBreak = { rule: 'larger-population-then-id' };
      }
    }
    return body;
  };

  const submit = async () => {
    server.setRefusal(null);
    const found: Record<string, ReactNode> = {};
    if (!name.trim()) found.name = t('errors.required');
    let electingLevel: Record<string, unknown>;
    if (mode === 'kind') {
      if (!kind.trim()) found['electingLevel.kind'] = t('errors.kind');
      electingLevel = { kind: kind.trim() };
    } else {
      const n = wholeOf(depth);
      if (n === null) found['electingLevel.depth'] = t('errors.whole');
      electingLevel = { depth: n ?? 0 };
    }
    const body = {
      name: name.trim(),
      electingLevel,
      basis,
      deciding: ruleBody('deciding', deciding, found),
      consultative: withConsultative ? ruleBody('consultative', consultative, found) : null,
    };
    if (pr.report(found, order)) return;
    setBusy(true);
    try {
      const saved = await api<Conference>(conferencePath(ctx.discussion.id), { method: 'PUT', body });
      ctx.reload();
      onSaved(saved);
    } catch (e) {
      server.show(e, order, (field, err) => {
        if (field === 'electingLevel' || field.startsWith('electingLevel.')) {
          // The refusal of an unknown kind lists the tree's kinds: offer them.
          const listed = /its kinds: ([^)]+)\)/.exec(err.message)?.[1];
          if (listed) tree.add(listed.split(',').map((s) => s.trim()));
          return { field: mode === 'kind' ? 'electingLevel.kind' : 'electingLevel.depth' };
        }
        if (field.endsWith('.tieBreak.rule')) return { field: field.replace(/\.rule$/, '') };
        if (field === 'deciding' || field === 'consultative') return { field: `${field}.method` };
        return null;
      });
    } finally {
      setBusy(false);
    }
  };

  const levelHint = pr.id('electingLevel') + '-hint';
  const basisHint = pr.id('basis') + '-hint';
  return (
    <form
      noValidate
      className="cf-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <p className="muted">{c ? t('define.introEdit') : t('define.intro')}</p>
      <div className="office-field">
        <label htmlFor={pr.id('name')}>{t('define.name')}</label>
        <input
          type="text"
          value={name}
          maxLength={500}
          onChange={(e) => {
            setName(e.target.value);
            pr.clear('name');
          }}
          {...pr.props('name')}
        />
        {pr.error('name')}
      </div>

      <fieldset className="office-fieldset" {...pr.group('electingLevel', levelHint)}>
        <legend>{t('define.level')}</legend>
        <p className="field-hint" id={levelHint}>
          {t('define.levelHint')}
        </p>
        <label className="office-choice">
          <input type="radio" name="def-level" checked={mode === 'kind'} onChange={() => setMode('kind')} /> {t('define.byKind')}
        </label>
        {mode === 'kind' ? (
          <div className="office-indent office-field">
            <label htmlFor={pr.id('electingLevel.kind')}>{t('define.kind')}</label>
            {kinds.length > 0 ? (
              <select
                value={kind}
                onChange={(e) => {
                  setKind(e.target.value);
                  pr.clear('electingLevel.kind');
                }}
                {...pr.props('electingLevel.kind')}
              >
                {kind && !tree.kinds.has(kind) ? <option value={kind}>{kind}</option> : null}
                {kinds.map(([k, depths]) => (
                  <option key={k} value={k}>
                    {depths.size > 0 ? t('define.kindOption', { kind: k, depths: [...depths].sort().join(', ') }) : k}
                  </option>
                ))}
              </select>
            ) : (
              <input
                type="text"
                className="office-short"
                value={kind}
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => {
                  setKind(e.target.value);
                  pr.clear('electingLevel.kind');
                }}
                {...pr.props('electingLevel.kind')}
              />
            )}
            {pr.error('electingLevel.kind')}
          </div>
        ) : null}
        <label className="office-choice">
          <input type="radio" name="def-level" checked={mode === 'depth'} onChange={() => setMode('depth')} /> {t('define.byDepth')}
        </label>
        {mode === 'depth' ? (
          <div className="office-indent office-field">
            <label htmlFor={pr.id('electingLevel.depth')}>{t('define.depth')}</label>
            <p className="field-hint" id={`${pr.id('electingLevel.depth')}-hint`}>
              {tree.loaded && tree.kinds.size > 0 ? t('define.depthHintDeepest', { deepest: tree.deepest }) : t('define.depthHint')}
            </p>
            <input
              type="text"
              inputMode="numeric"
              className="cf-number"
              value={depth}
              onChange={(e) => {
                setDepth(e.target.value);
                pr.clear('electingLevel.depth');
              }}
              {...pr.props('electingLevel.depth', `${pr.id('electingLevel.depth')}-hint`)}
            />
            {pr.error('electingLevel.depth')}
          </div>
        ) : null}
      </fieldset>

      <fieldset className="office-fieldset" {...pr.group('basis', basisHint)}>
        <legend>{t('define.basis')}</legend>
        <p className="field-hint" id={basisHint}>
          {t('define.basisHint')}
        </p>
        {(['roll', 'reported'] as const).map((b) => (
          <label key={b} className="office-choice">
            <input type="radio" name="def-basis" checked={basis === b} onChange={() => setBasis(b)} aria-describedby={pr.problems.basis ? pr.errId('basis') : undefined} /> {t(`basis.${b}`)}
            <span className="field-hint office-block">{t(`basisHint.${b}`)}</span>
          </label>
        ))}
        {pr.error('basis')}
      </fieldset>

      <RuleFields kind="deciding" draft={deciding} set={setDeciding} pr={pr} />

      <div className="office-field cf-check">
        <input type="checkbox" checked={withConsultative} onChange={(e) => setWithConsultative(e.target.checked)} {...pr.props('consultative', `${pr.id('consultative')}-hint`)} />
        <label htmlFor={pr.id('consultative')}>{t('define.withConsultative')}</label>
        <p className="field-hint" id={`${pr.id('consultative')}-hint`}>
          {t('define.withConsultativeHint')}
        </p>
        {pr.error('consultative')}
      </div>
      {withConsultative ? <RuleFields kind="consultative" draft={consultative} set={setConsultative} pr={pr} /> : null}

      {server.box}
      <div className="office-actions">
        <button type="submit" aria-disabled={busy || undefined}>
          {busy ? t('sending') : c ? t('define.saveAgain') : t('define.save')}
        </button>
      </div>
      {c?.state === 'apportioned' ? <p className="field-hint">{t('define.tableStays')}</p> : null}
    </form>
  );
}

/** One kind of seat's rule: the method, only the numbers it takes, and (where ties can decide a seat) the tie-break. */
function RuleFields({ kind, draft, set, pr }: { kind: 'deciding' | 'consultative'; draft: RuleDraft; set: (d: RuleDraft) => void; pr: ReturnType<typeof useProblems> }) {
  const { t } = useTranslation('conference-office');
  const f = (name: string) => `${kind}.${name}`;
  const change = (patch: Partial<RuleDraft>, ...fields: string[]) => {
    set({ ...draft, ...patch });
    pr.clear(...fields.map(f));
  };
  const methodHint = `${pr.id(f('method'))}-hint`;
  return (
    <fieldset className="office-fieldset cf-rulefields">
      <legend>{t(`define.${kind}`)}</legend>
      <div className="office-field">
        <label htmlFor={pr.id(f('method'))}>{t('define.method')}</label>
        <select value={draft.method} onChange={(e) => change({ method: e.target.value as Method }, 'method')} {...pr.props(f('method'), methodHint)}>
          {METHODS.map((m) => (
            <option key={m} value={m}>
              {t(`method.${m}`)}
            </option>
          ))}
        </select>
        <p className="field-hint" id={methodHint}>
          {t(`methodHint.${draft.method}`)}
        </p>
        {pr.error(f('method'))}
      </div>
      <div className="cf-numbers">
        {fieldsOf(draft.method).map((name) => {
          const hint = `${pr.id(f(name))}-hint`;
          return (
            <div className="office-field" key={name}>
              <label htmlFor={pr.id(f(name))}>{t(`define.${name}`)}</label>
              <p className="field-hint" id={hint}>
                {t(`define.${name}Hint`)}
              </p>
              <input
                type="text"
                inputMode="numeric"
                autoComplete="off"
                className="cf-number"
                value={draft[name]}
                onChange={(e) => change({ [name]: e.target.value }, name)}
                {...pr.props(f(name), hint)}
              />
              {pr.error(f(name))}
            </div>
          );
        })}
      </div>
      {hasTieBreak(draft.method) ? (
        <fieldset className="office-choices" {...pr.group(f('tieBreak'))}>
          <legend>{t('define.tieBreak')}</legend>
          {(['larger-population-then-id', 'lot'] as const).map((rule) => (
            <label key={rule} className="office-choice">
              <input type="radio" name={`${kind}-tie`} checked={draft.tie === rule} onChange={() => change({ tie: rule }, 'tieBreak', 'tieBreak.seed')} /> {t(`define.tie.${rule}`)}
            </label>
          ))}
          {pr.error(f('tieBreak'))}
          {draft.tie === 'lot' ? (
            <div className="office-indent office-field">
              <label htmlFor={pr.id(f('tieBreak.seed'))}>{t('define.seed')}</label>
              <p className="field-hint" id={`${pr.id(f('tieBreak.seed'))}-hint`}>
                {t('define.seedHint')}
              </p>
              <input
                type="text"
                inputMode="numeric"
                autoComplete="off"
                className="cf-number"
                value={draft.seed}
                onChange={(e) => change({ seed: e.target.value }, 'tieBreak.seed')}
                {...pr.props(f('tieBreak.seed'), `${pr.id(f('tieBreak.seed'))}-hint`)}
              />
              {pr.error(f('tieBreak.seed'))}
            </div>
          ) : null}
        </fieldset>
      ) : null}
    </fieldset>
  );
}

function ApportionForm({ ctx, conference, say }: { ctx: ConferenceContext; conference: Conference; say: (s: string) => void }) {
  const { t } = useTranslation('conference-office');
  const pr = useProblems('app');
  const server = useServerRefusal(pr);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const again = conference.apportionment !== null;
  const submit = async () => {
    server.setRefusal(null);
    if (again && !reason.trim()) {
      pr.report({ reason: t('apportion.reasonNeeded', { version: conference.apportionment!.version }) }, ['reason']);
      return;
    }
    setBusy(true);
    try {
      const table = await api<SeatTable>(conferencePath(ctx.discussion.id, '/apportion'), { body: again ? { reason: reason.trim() } : {} });
      setReason('');
      pr.setProblems({});
      ctx.reload();
      say(
        t('apportion.done', {
          version: table.version,
          deciding: t('count.decidingSeats', { count: table.deciding.seats, n: fmt.number(table.deciding.seats) }),
          consultative: table.consultative ? t('count.andConsultative', { count: table.consultative.seats, n: fmt.number(table.consultative.seats) }) : '',
          units: t('count.units', { count: table.units.length, n: fmt.number(table.units.length) }),
        }),
      );
    } catch (e) {
      server.show(e, ['reason']);
    } finally {
      setBusy(false);
    }
  };
  const hint = `${pr.id('reason')}-hint`;
  return (
    <form
      noValidate
      className="cf-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <p className="muted">{again ? t('apportion.introAgain') : t('apportion.intro')}</p>
      {again ? (
        <div className="office-field">
          <label htmlFor={pr.id('reason')}>{t('apportion.reason')}</label>
          <p className="field-hint" id={hint}>
            {t('apportion.reasonHint', { version: conference.apportionment!.version })}
          </p>
          <textarea
            rows={3}
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
      ) : null}
      {server.box}
      <div className="office-actions">
        <button type="submit" aria-disabled={busy || undefined}>
          {busy ? t('sending') : again ? t('apportion.again') : t('apportion.submit')}
        </button>
      </div>
    </form>
  );
}

/** The current table, or an earlier run's. */
function Tables({ conference }: { conference: Conference }) {
  const { t } = useTranslation('conference-office');
  const current = conference.apportionment;
  const [version, setVersion] = useState<number | null>(null);
  const earlier = useApi<SeatTable>(version !== null && version !== current?.version ? conferencePath(conference.discussionId, `/apportionments/${version}`) : null);
  useEffect(() => setVersion(null), [current?.version]);
  if (!current) return <p>{t('apportion.noTable')}</p>;
  const shown = version === null || version === current.version ? current : earlier.data?.version === version ? earlier.data : null;
  return (
    <>
      {conference.versions.length > 1 ? (
        <div className="office-field">
          <label htmlFor="cf-version">{t('apportion.version')}</label>
          <select id="cf-version" value={version ?? current.version} onChange={(e) => setVersion(Number(e.target.value))}>
            {[...conference.versions].reverse().map((v) => (
              <option key={v.version} value={v.version}>
                {t(v.version === current.version ? 'apportion.versionCurrent' : 'apportion.versionOption', { version: v.version, at: fmt.dateTime(v.computedAt) })}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {shown ? <SeatTableView table={shown} captionId="cf-seat-caption" /> : <p className="muted">{t('loading')}</p>}
    </>
  );
}

function SessionControls({ ctx, conference, say }: { ctx: ConferenceContext; conference: Conference; say: (s: string) => void }) {
  const { t } = useTranslation('conference-office');
  const [asking, setAsking] = useState<'open' | 'close' | null>(null);
  const [busy, setBusy] = useState(false);
  const pr = useProblems('session');
  const server = useServerRefusal(pr);
  const act = async () => {
    if (!asking) return;
    setBusy(true);
    server.setRefusal(null);
    try {
      const c = await api<Conference>(conferencePath(ctx.discussion.id, `/${asking}`), { method: 'POST' });
      setAsking(null);
      ctx.reload();
      say(t(c.state === 'in-session' ? 'session.opened' : 'session.closed'));
    } catch (e) {
      setAsking(null);
      server.show(e, []);
    } finally {
      setBusy(false);
    }
  };
  const s = conference.state;
  return (
    <>
      <p>{t(`session.about.${s}`)}</p>
      {server.box}
      {s === 'apportioned' ? (
        <button type="button" onClick={() => setAsking('open')}>
          {t('session.open')}
        </button>
      ) : null}
      {s === 'in-session' ? (
        <button type="button" onClick={() => setAsking('close')}>
          {t('session.close')}
        </button>
      ) : null}
      <Confirm
        open={asking !== null}
        title={t(asking === 'close' ? 'session.closeTitle' : 'session.openTitle', { name: conference.name })}
        confirmLabel={t(asking === 'close' ? 'session.closeConfirm' : 'session.openConfirm')}
        busy={busy}
        onConfirm={() => void act()}
        onCancel={() => setAsking(null)}
      >
        <p>{t(asking === 'close' ? 'session.closeText' : 'session.openText')}</p>
        <p>
          <strong>{t('session.final')}</strong>
        </p>
      </Confirm>
    </>
  );
}
