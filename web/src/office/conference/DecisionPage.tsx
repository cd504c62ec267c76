/**
 * The binding decision (the office): once the conference has adopted resolutions, the form — languages, a title in
 * each, each adopted resolution's text in each (prefilled from the motion), the effective date, "historical
 * reconstruction" — and a confirm step that says it is published once and never edited (POST …/decision). Then the act
 * as published, with the way to its public page and PDFs, an erratum form (POST …/decision/errata), and how far the
 * notices to members have gone (GET …/decision/notices), sent by `plenum notify`.
 */
import { Fragment, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, useApi } from '../../api.ts';
import i18n, { fmt, LANGUAGES, languageName } from '../../i18n.ts';
import type { ConferenceContext } from './ConferenceArea.tsx';
import { Confirm, useDone, useProblems, useServerRefusal } from './form.tsx';
import { conferencePath, decisionPath, enc, LANGUAGE_TAG, today, type DecisionAct, type DecisionDocument, type Motion, type NoticeCounts } from './model.ts';

const nameOf = (code: string) => {
  try {
    return languageName(code);
  } catch {
    return code;
  }
};

export function DecisionPage({ ctx }: { ctx: ConferenceContext }) {
  const { t } = useTranslation('conference-office');
  const doc = useApi<DecisionDocument>(decisionPath(ctx.discussion.id));
  const motions = useApi<{ items: Motion[] }>(ctx.conference ? conferencePath(ctx.discussion.id, '/motions') : null);
  const done = useDone();
  const published = doc.data;
  const missing = doc.error?.status === 404;
  if (doc.error && !missing) return <p className="error">{doc.error.message}</p>;
  if (!published && !missing) return <p className="muted">{t('loading')}</p>;
  const adopted = (motions.data?.items ?? []).filter((m) => m.kind === 'resolution' && m.state === 'adopted' && m.questionId !== null);

  return (
    <>
      {done.region}
      {published ? (
        <>
          <Published doc={published} ctx={ctx} motions={motions.data?.items ?? []} />
          <section aria-labelledby="cf-notices-h">
            <h2 id="cf-notices-h">{t('notices.title')}</h2>
            <p>
              {t('notices.how1')} <code>plenum notify {ctx.discussion.id}</code> {t('notices.how2')}
            </p>
            <Notices discussionId={ctx.discussion.id} act={published.decision} label={t('notices.ofDecision')} />
            {published.errata.map((e, i) => (
              <Notices key={e.id} discussionId={ctx.discussion.id} act={e} label={t('notices.ofErratum', { n: i + 1 })} />
            ))}
          </section>
          <section aria-labelledby="cf-erratum-h">
            <h2 id="cf-erratum-h">{t('erratum.title')}</h2>
            <ErratumForm
              ctx={ctx}
              decision={published.decision}
              onPublished={() => {
                doc.reload();
                done.say(t('erratum.done'), { focus: true });
              }}
            />
          </section>
        </>
      ) : !ctx.conference ? (
        <p>{t('delegates.noConference')}</p>
      ) : !motions.data ? (
        <p className="muted">{t('loading')}</p>
      ) : adopted.length === 0 ? (
        <p>{t('publish.noneAdopted')}</p>
      ) : (
        <section aria-labelledby="cf-publish-h">
          <h2 id="cf-publish-h">{t('publish.title')}</h2>
          <PublishForm
            ctx={ctx}
            adopted={adopted}
            onPublished={() => {
              doc.reload();
              done.say(t('publish.done'), { focus: true });
            }}
          />
        </section>
      )}
    </>
  );
}

/** The languages of an act: the chosen ones (the first is the register's), added by tag and removed. */
function LanguagesField({ languages, set, pr }: { languages: string[]; set: (l: string[]) => void; pr: ReturnType<typeof useProblems> }) {
  const { t } = useTranslation('conference-office');
  const [adding, setAdding] = useState('');
  // The box that adds a language is the field `languages`: refusals of the list are said there.
  const addId = pr.id('languages');
  const add = () => {
    const tag = adding.trim();
    if (!LANGUAGE_TAG.test(tag)) {
      pr.report({ languages: t('errors.languageTag') }, ['languages']);
      return;
    }
    if (languages.includes(tag)) {
      pr.report({ languages: t('errors.languageTwice', { language: nameOf(tag) }) }, ['languages']);
      return;
    }
    set([...languages, tag]);
    setAdding('');
    pr.clear('languages');
  };
  const hint = `${pr.id('languages')}-about`;
  return (
    <fieldset className="office-fieldset" aria-describedby={hint}>
      <legend>{t('publish.languages')}</legend>
      <p className="field-hint" id={hint}>
        {t('publish.languagesHint')}
      </p>
      <ul className="cf-languages">
        {languages.map((l, i) => (
          <li key={l}>
            <span lang={l}>{nameOf(l)}</span> <span className="muted">({l})</span>
            {i === 0 ? <span className="muted"> — {t('publish.firstLanguage')}</span> : null}{' '}
            <button
              type="button"
              className="secondary office-small"
              disabled={languages.length <= 1}
              onClick={() => {
                set(languages.filter((x) => x !== l));
                pr.focusField('languages');
              }}
            >
              {t('publish.removeLanguage', { language: nameOf(l) })}
            </button>
          </li>
        ))}
      </ul>
      <div className="office-field">
        <label htmlFor={addId}>{t('publish.addLanguage')}</label>
        <div className="office-inline">
          <input
            type="text"
            list={`${addId}-list`}
            className="cf-lang"
            autoComplete="off"
            spellCheck={false}
            value={adding}
            {...pr.props('languages', `${addId}-hint`)}
            onChange={(e) => {
              setAdding(e.target.value);
              pr.clear('languages');
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                add();
              }
            }}
          />
          <datalist id={`${addId}-list`}>
            {LANGUAGES.filter((l) => !languages.includes(l)).map((l) => (
              <option key={l} value={l}>
                {nameOf(l)}
              </option>
            ))}
          </datalist>
          <button type="button" className="secondary" onClick={add}>
            {t('publish.add')}
          </button>
        </div>
        <p className="field-hint" id={`${addId}-hint`}>
          {t('publish.addLanguageHint', { known: LANGUAGES.filter((l) => !languages.includes(l)).join(', ') || '—' })}
        </p>
        {pr.error('languages')}
      </div>
    </fieldset>
  );
}

/** One text box per language, for a field path (`title.en`, `res.<motion>.text.ru`). */
function PerLanguage({
  languages,
  base,
  label,
  values,
  set,
  pr,
  multiline,
  maxLength,
}: {
  languages: string[];
  base: string;
  label: (lang: string) => string;
  values: Record<string, string>;
  set: (lang: string, v: string) => void;
  pr: ReturnType<typeof useProblems>;
  multiline?: boolean;
  maxLength: number;
}) {
  return (
    <>
      {languages.map((lang) => {
        const field = `${base}.${lang}`;
        const common = {
          value: values[lang] ?? '',
          lang,
          maxLength,
          ...pr.props(field),
        };
        return (
          <div className="office-field" key={lang}>
            <label htmlFor={pr.id(field)}>{label(lang)}</label>
            {multiline ? (
              <textarea
                rows={5}
                {...common}
                onChange={(e) => {
                  set(lang, e.target.value);
                  pr.clear(field);
                }}
              />
            ) : (
              <input
                type="text"
                {...common}
                onChange={(e) => {
                  set(lang, e.target.value);
                  pr.clear(field);
                }}
              />
            )}
            {pr.error(field)}
          </div>
        );
      })}
    </>
  );
}

function PublishForm({ ctx, adopted, onPublished }: { ctx: ConferenceContext; adopted: Motion[]; onPublished: (a: DecisionAct) => void }) {
  const { t } = useTranslation('conference-office');
  const pr = useProblems('pub');
  const server = useServerRefusal(pr);
  const ui = LANGUAGES.includes(i18n.language) ? i18n.language : 'en';
  const [languages, setLanguages] = useState<string[]>([ui]);
  const [title, setTitle] = useState<Record<string, string>>({});
  const [include, setInclude] = useState<Record<string, boolean>>(() => Object.fromEntries(adopted.map((m) => [m.id, true])));
  const [texts, setTexts] = useState<Record<string, Record<string, string>>>(() => Object.fromEntries(adopted.map((m) => [m.id, { [ui]: m.text }])));
  const [effectiveDate, setEffectiveDate] = useState(today());
  const [reconstruction, setReconstruction] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const chosen = adopted.filter((m) => include[m.id]);
  const qNumber = (id: string | null) => ctx.discussion.questions.findIndex((q) => q.id === id) + 1;
  const order = [
    'languages',
    ...languages.map((l) => `title.${l}`),
    ...adopted.flatMap((m) => [`res.${m.id}.include`, ...languages.map((l) => `res.${m.id}.text.${l}`)]),
    'resolutions',
    'effectiveDate',
  ];

  const review = () => {
    server.setRefusal(null);
    const found: Record<string, ReactNode> = {};
    for (const l of languages) if (!title[l]?.trim()) found[`title.${l}`] = t('errors.textIn', { language: nameOf(l) });
    if (chosen.length === 0) found.resolutions = t('errors.noResolution');
    for (const m of chosen) for (const l of languages) if (!texts[m.id]?.[l]?.trim()) found[`res.${m.id}.text.${l}`] = t('errors.textIn', { language: nameOf(l) });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(effectiveDate)) found.effectiveDate = t('errors.date');
    if (pr.report(found, order)) return;
    setConfirming(true);
  };

  const publish = async () => {
    setBusy(true);
    const pick = (r: Record<string, string> | undefined) => Object.fromEntries(languages.map((l) => [l, (r?.[l] ?? '').trim()]));
    const body = {
      languages,
      title: pick(title),
      resolutions: chosen.map((m) => ({ questionId: m.questionId!, motionId: m.id, text: pick(texts[m.id]) })),
      effectiveDate,
      ...(reconstruction ? { reconstruction: true } : {}),
    };
    try {
      const act = await api<DecisionAct>(decisionPath(ctx.discussion.id), { body });
      setConfirming(false);
      onPublished(act);
    } catch (e) {
      setConfirming(false);
      server.show(e, order, (field) => {
        const r = /^resolutions\.(\d+)\.(text\.(.+)|motionId|questionId)$/.exec(field);
        const m = r ? chosen[Number(r[1])] : undefined;
        if (r && m) return { field: r[3] ? `res.${m.id}.text.${r[3]}` : `res.${m.id}.include` };
        return null;
      });
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
        review();
      }}
    >
      <p className="muted">{t('publish.intro')}</p>
      <LanguagesField languages={languages} set={setLanguages} pr={pr} />
      <fieldset className="office-fieldset">
        <legend>{t('publish.titles')}</legend>
        <PerLanguage languages={languages} base="title" label={(l) => t('publish.titleIn', { language: nameOf(l) })} values={title} set={(l, v) => setTitle((x) => ({ ...x, [l]: v }))} pr={pr} maxLength={500} />
      </fieldset>
      <h3 id={pr.id('resolutions')} tabIndex={-1}>
        {t('publish.resolutions', { count: adopted.length, n: fmt.number(adopted.length) })}
      </h3>
      {pr.error('resolutions')}
      {adopted.map((m) => (
        <fieldset key={m.id} className="office-fieldset cf-resolution">
          <legend>
            {t('publish.resolutionOn', { n: qNumber(m.questionId) })} {m.title}
          </legend>
          <div className="office-field cf-check">
            <input
              type="checkbox"
              checked={include[m.id] ?? false}
              onChange={(e) => {
                setInclude((x) => ({ ...x, [m.id]: e.target.checked }));
                pr.clear(`res.${m.id}.include`, 'resolutions');
              }}
              {...pr.props(`res.${m.id}.include`)}
            />
            <label htmlFor={pr.id(`res.${m.id}.include`)}>{t('publish.include')}</label>
            {pr.error(`res.${m.id}.include`)}
          </div>
          {m.vote ? (
            <p className="muted">
              {t('votes.figures', { for: fmt.number(m.vote.for ?? 0), against: fmt.number(m.vote.against ?? 0), abstain: fmt.number(m.vote.abstain ?? 0) })}
            </p>
          ) : null}
          {include[m.id] ? (
            <PerLanguage
              languages={languages}
              base={`res.${m.id}.text`}
              label={(l) => t('publish.textIn', { language: nameOf(l) })}
              values={texts[m.id] ?? {}}
              set={(l, v) => setTexts((x) => ({ ...x, [m.id]: { ...x[m.id], [l]: v } }))}
              pr={pr}
              multiline
              maxLength={200_000}
            />
          ) : null}
        </fieldset>
      ))}
      <div className="office-field">
        <label htmlFor={pr.id('effectiveDate')}>{t('publish.effectiveDate')}</label>
        <input
          type="date"
          className="office-short"
          value={effectiveDate}
          onChange={(e) => {
            setEffectiveDate(e.target.value);
            pr.clear('effectiveDate');
          }}
          {...pr.props('effectiveDate')}
        />
        {pr.error('effectiveDate')}
      </div>
      <div className="office-field cf-check">
        <input type="checkbox" checked={reconstruction} onChange={(e) => setReconstruction(e.target.checked)} {...pr.props('reconstruction', `${pr.id('reconstruction')}-hint`)} />
        <label htmlFor={pr.id('reconstruction')}>{t('publish.reconstruction')}</label>
        <p className="field-hint" id={`${pr.id('reconstruction')}-hint`}>
          {t('publish.reconstructionHint')}
        </p>
      </div>
      {server.box}
      <div className="office-actions">
        <button type="submit">{t('publish.review')}</button>
      </div>
      <Confirm open={confirming} title={t('publish.confirmTitle')} confirmLabel={t('publish.confirm')} busy={busy} onConfirm={() => void publish()} onCancel={() => setConfirming(false)}>
        <dl className="cf-facts">
          <dt>{t('publish.languages')}</dt>
          <dd>{languages.map(nameOf).join(', ')}</dd>
          {languages.map((l) => (
            <Fragment key={l}>
              <dt>{t('publish.titleIn', { language: nameOf(l) })}</dt>
              <dd lang={l}>{title[l]}</dd>
            </Fragment>
          ))}
          <dt>{t('publish.resolutionsShort')}</dt>
          <dd>{chosen.map((m) => m.title).join('; ')}</dd>
          <dt>{t('publish.effectiveDate')}</dt>
          <dd>{fmt.date(`${effectiveDate}T12:00:00Z`)}</dd>
          {reconstruction ? (
            <>
              <dt>{t('publish.reconstruction')}</dt>
              <dd>{t('publish.yes')}</dd>
            </>
          ) : null}
        </dl>
        <p>
          <strong>{t('publish.final')}</strong>
        </p>
        <p>{t('publish.notices')}</p>
      </Confirm>
    </form>
  );
}

function Published({ doc, ctx, motions }: { doc: DecisionDocument; ctx: ConferenceContext; motions: Motion[] }) {
  const { t } = useTranslation('conference-office');
  const d = doc.decision;
  const lang = d.languages.includes(i18n.language) ? i18n.language : d.languages[0]!;
  const body = d.body as { resolutions?: Array<{ questionId: string; motionId: string; text: Record<string, string> }> };
  const qNumber = (id: string) => ctx.discussion.questions.findIndex((q) => q.id === id) + 1;
  const pdf = (a: DecisionAct, l: string) => `/api/v1/discussions/${enc(ctx.discussion.id)}/decision.pdf?lang=${enc(l)}${a.kind === 'erratum' ? `&act=${enc(a.id)}` : ''}`;
  return (
    <section aria-labelledby="cf-published-h">
      <h2 id="cf-published-h">{t('published.title')}</h2>
      <p className="ok">{t('published.never')}</p>
      <h3 lang={lang}>{d.title[lang]}</h3>
      <dl className="cf-facts">
        <dt>{t('published.publishedAt')}</dt>
        <dd>{fmt.dateTime(d.publishedAt)}</dd>
        <dt>{t('publish.effectiveDate')}</dt>
        <dd>{fmt.date(`${d.effectiveDate}T12:00:00Z`)}</dd>
        <dt>{t('publish.languages')}</dt>
        <dd>{d.languages.map(nameOf).join(', ')}</dd>
        {d.reconstruction ? (
          <>
            <dt>{t('publish.reconstruction')}</dt>
            <dd>{t('publish.yes')}</dd>
          </>
        ) : null}
        {d.logIndex !== null ? (
          <>
            <dt>{t('published.logEntry')}</dt>
            <dd>{t('published.logIndex', { index: d.logIndex })}</dd>
          </>
        ) : null}
      </dl>
      <p>
        <Link href={`~/decisions/${enc(ctx.discussion.id)}`}>{t('published.publicPage')}</Link>
      </p>
      <p className="cf-pdfs">
        {d.languages.map((l) => (
          <a key={l} href={pdf(d, l)}>
            {t('published.pdf', { language: nameOf(l) })}
          </a>
        ))}
      </p>
      <ol className="cf-adopted">
        {(body.resolutions ?? []).map((r) => {
          const vote = d.provenance?.votes.find((v) => v.motionId === r.motionId);
          return (
            <li key={r.motionId}>
              <strong>{t('publish.resolutionOn', { n: qNumber(r.questionId) })}</strong> {motions.find((m) => m.id === r.motionId)?.title ?? ''}
              <div className="cf-text" lang={lang}>
                {r.text[lang]}
              </div>
              {vote ? (
                <p className="muted">
                  {t(`votes.outcome.${vote.result}`)}: {t('votes.figures', { for: fmt.number(vote.for), against: fmt.number(vote.against), abstain: fmt.number(vote.abstain) })}{' '}
                  {t('votes.eligible', { count: vote.eligible, n: fmt.number(vote.eligible) })}
                </p>
              ) : null}
            </li>
          );
        })}
      </ol>
      {doc.errata.length > 0 ? (
        <>
          <h3>{t('published.errata', { count: doc.errata.length, n: fmt.number(doc.errata.length) })}</h3>
          <ol className="cf-errata">
            {doc.errata.map((e) => {
              const el = e.languages.includes(i18n.language) ? i18n.language : e.languages[0]!;
              const text = (e.body as { text?: Record<string, string> }).text?.[el];
              return (
                <li key={e.id} className="panel">
                  <strong lang={el}>{e.title[el]}</strong> <span className="muted">— {fmt.dateTime(e.publishedAt)}</span>
                  <div className="cf-text" lang={el}>
                    {text}
                  </div>
                  <p>
                    {t('erratum.reason')}: <span className="cf-text">{e.reason}</span>
                  </p>
                  <p className="cf-pdfs">
                    {e.languages.map((l) => (
                      <a key={l} href={pdf(e, l)}>
                        {t('published.pdf', { language: nameOf(l) })}
                      </a>
                    ))}
                  </p>
                </li>
              );
            })}
          </ol>
        </>
      ) : null}
    </section>
  );
}

function ErratumForm({ ctx, decision, onPublished }: { ctx: ConferenceContext; decision: DecisionAct; onPublished: (a: DecisionAct) => void }) {
  const { t } = useTranslation('conference-office');
  const pr = useProblems('err');
  const server = useServerRefusal(pr);
  const [languages, setLanguages] = useState<string[]>(decision.languages);
  const [title, setTitle] = useState<Record<string, string>>({});
  const [text, setText] = useState<Record<string, string>>({});
  const [reason, setReason] = useState('');
  const [effectiveDate, setEffectiveDate] = useState(today());
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const order = ['languages', ...languages.map((l) => `title.${l}`), ...languages.map((l) => `text.${l}`), 'reason', 'effectiveDate'];

  const review = () => {
    server.setRefusal(null);
    const found: Record<string, ReactNode> = {};
    for (const l of languages) {
      if (!title[l]?.trim()) found[`title.${l}`] = t('errors.textIn', { language: nameOf(l) });
      if (!text[l]?.trim()) found[`text.${l}`] = t('errors.textIn', { language: nameOf(l) });
    }
    if (!reason.trim()) found.reason = t('errors.required');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(effectiveDate)) found.effectiveDate = t('errors.date');
    if (pr.report(found, order)) return;
    setConfirming(true);
  };
  const publish = async () => {
    setBusy(true);
    const pick = (r: Record<string, string>) => Object.fromEntries(languages.map((l) => [l, (r[l] ?? '').trim()]));
    try {
      const act = await api<DecisionAct>(decisionPath(ctx.discussion.id, '/errata'), { body: { languages, title: pick(title), text: pick(text), reason: reason.trim(), effectiveDate } });
      setConfirming(false);
      setTitle({});
      setText({});
      setReason('');
      pr.setProblems({});
      onPublished(act);
    } catch (e) {
      setConfirming(false);
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
        review();
      }}
    >
      <p className="muted">{t('erratum.intro')}</p>
      <LanguagesField languages={languages} set={setLanguages} pr={pr} />
      <PerLanguage languages={languages} base="title" label={(l) => t('erratum.titleIn', { language: nameOf(l) })} values={title} set={(l, v) => setTitle((x) => ({ ...x, [l]: v }))} pr={pr} maxLength={500} />
      <PerLanguage languages={languages} base="text" label={(l) => t('erratum.textIn', { language: nameOf(l) })} values={text} set={(l, v) => setText((x) => ({ ...x, [l]: v }))} pr={pr} multiline maxLength={200_000} />
      <div className="office-field">
        <label htmlFor={pr.id('reason')}>{t('erratum.reason')}</label>
        <p className="field-hint" id={`${pr.id('reason')}-hint`}>
          {t('erratum.reasonHint')}
        </p>
        <textarea
          rows={3}
          value={reason}
          maxLength={20_000}
          onChange={(e) => {
            setReason(e.target.value);
            pr.clear('reason');
          }}
          {...pr.props('reason', `${pr.id('reason')}-hint`)}
        />
        {pr.error('reason')}
      </div>
      <div className="office-field">
        <label htmlFor={pr.id('effectiveDate')}>{t('publish.effectiveDate')}</label>
        <input
          type="date"
          className="office-short"
          value={effectiveDate}
          onChange={(e) => {
            setEffectiveDate(e.target.value);
            pr.clear('effectiveDate');
          }}
          {...pr.props('effectiveDate')}
        />
        {pr.error('effectiveDate')}
      </div>
      {server.box}
      <div className="office-actions">
        <button type="submit">{t('erratum.review')}</button>
      </div>
      <Confirm open={confirming} title={t('erratum.confirmTitle')} confirmLabel={t('erratum.confirm')} busy={busy} onConfirm={() => void publish()} onCancel={() => setConfirming(false)}>
        <dl className="cf-facts">
          <dt>{t('publish.languages')}</dt>
          <dd>{languages.map(nameOf).join(', ')}</dd>
          <dt>{t('erratum.reason')}</dt>
          <dd className="cf-text">{reason}</dd>
          <dt>{t('publish.effectiveDate')}</dt>
          <dd>{fmt.date(`${effectiveDate}T12:00:00Z`)}</dd>
        </dl>
        <p>
          <strong>{t('erratum.final')}</strong>
        </p>
      </Confirm>
    </form>
  );
}

/** How far the notices of one act have gone: each state as "N of total". */
function Notices({ discussionId, act, label }: { discussionId: string; act: DecisionAct; label: string }) {
  const { t } = useTranslation('conference-office');
  const counts = useApi<NoticeCounts>(decisionPath(discussionId, `/notices?act=${enc(act.id)}`));
  const c = counts.data;
  const of = (n: number) => t('notices.of', { n: fmt.number(n), total: fmt.number(c?.total ?? 0) });
  const headingId = `cf-notices-${act.id}`;
  return (
    <div className="cf-notices" role="group" aria-labelledby={headingId}>
      <h3 id={headingId}>{label}</h3>
      {counts.error ? <p className="error">{counts.error.message}</p> : null}
      {c ? (
        <dl className="cf-facts cf-counts" aria-live="polite">
          <dt>{t('notices.pending')}</dt>
          <dd>{of(c.pending)}</dd>
          <dt>{t('notices.sending')}</dt>
          <dd>{of(c.sending)}</dd>
          <dt>{t('notices.sent')}</dt>
          <dd>{of(c.sent)}</dd>
          <dt>{t('notices.failed')}</dt>
          <dd>{of(c.failed)}</dd>
          <dt>{t('notices.noEmail')}</dt>
          <dd>{of(c.noEmail)}</dd>
        </dl>
      ) : (
        <p className="muted">{t('loading')}</p>
      )}
      {act.kind === 'erratum' ? (
        <p className="field-hint">
          {t('notices.erratumHow')} <code>plenum notify {discussionId} --act {act.id}</code>
        </p>
      ) : null}
      <button type="button" className="secondary office-small" onClick={counts.reload}>
        {t('notices.refresh')}
        <span className="visually-hidden"> — {label}</span>
      </button>
    </div>
  );
}
