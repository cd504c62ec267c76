/**
 * The binding decision, the register and the conference in the browser, without React: the API's shapes (types only —
 * the server's zod schemas in src/schemas/decisions.ts and src/schemas/conference.ts are the source), where each is
 * read, which language a text is shown in, and exact numbers (quotas as fractions) in the reader's language.
 */
import { useEffect, useState } from 'react';
import type { z } from 'zod';
import type { DecisionAct as DecisionActSchema, DecisionDocument as DecisionDocumentSchema, MemberNotice as MemberNoticeSchema, Provenance as ProvenanceSchema } from '../../../src/schemas/decisions.ts';
import type { Conference as ConferenceSchema, Delegates as DelegatesSchema, Motion as MotionSchema, SeatTable as SeatTableSchema, Vote as VoteSchema } from '../../../src/schemas/conference.ts';
import { formatDecimal } from '../../../src/domain/apportionment.ts';
import type { TallyCounts } from '../../../src/domain/tally.ts';
import i18n from '../i18n.ts';

export type DecisionAct = z.infer<typeof DecisionActSchema>;
export type DecisionDocument = z.infer<typeof DecisionDocumentSchema>;
export type MemberNotice = z.infer<typeof MemberNoticeSchema>;
export type Provenance = z.infer<typeof ProvenanceSchema>;
export type Conference = z.infer<typeof ConferenceSchema>;
export type SeatTable = z.infer<typeof SeatTableSchema>;
export type Delegates = z.infer<typeof DelegatesSchema>;
export type Motion = z.infer<typeof MotionSchema>;
export type Vote = z.infer<typeof VoteSchema>;
export type SeatRule = Conference['deciding'];
export type ProvenanceFigures = Provenance['tally']['reported'];

export interface Resolution {
  questionId: string;
  motionId: string;
  text: Record<string, string>;
}

export const enc = encodeURIComponent;
export const decisionPath = (discussionId: string) => `/discussions/${enc(discussionId)}/decision`;
export const conferencePath = (discussionId: string) => `/discussions/${enc(discussionId)}/conference`;
export const decisionHref = (discussionId: string) => `/decisions/${enc(discussionId)}`;
export const conferenceHref = (discussionId: string) => `/d/${enc(discussionId)}/conference`;
/** The PDF of the decision (or of one of its errata) in one of its languages. */
export const pdfHref = (discussionId: string, lang: string, actId?: string) =>
  `/api/v1/discussions/${enc(discussionId)}/decision.pdf?lang=${enc(lang)}${actId ? `&act=${enc(actId)}` : ''}`;
/** The discussion's public log, as `plenum verify` reads it. */
export const logUrl = (discussionId: string) => `${window.location.origin}/log/${enc(discussionId)}`;

/** The language an act's text is shown in: the one asked for if the act has it, else the reader's, else its first. */
export function textLanguage(languages: readonly string[], wanted?: string | null): string {
  if (wanted && languages.includes(wanted)) return wanted;
  const ui = i18n.language;
  if (languages.includes(ui)) return ui;
  const base = ui.split('-')[0]!;
  return languages.find((l) => l.split('-')[0] === base) ?? languages[0] ?? ui;
}

/** A text in the language chosen, or the act's first language: the text and its language (for the `lang` attribute). */
export function pick(texts: Record<string, string>, languages: readonly string[], wanted?: string | null): { text: string; lang: string } {
  const lang = textLanguage(languages, wanted);
  const text = texts[lang];
  if (text !== undefined) return { text, lang };
  const first = languages.find((l) => texts[l] !== undefined) ?? Object.keys(texts)[0] ?? lang;
  return { text: texts[first] ?? '', lang: first };
}

/** A calendar date (YYYY-MM-DD, no time of day) in the reader's language: the same day in every time zone. */
export function day(date: string): string {
  return new Intl.DateTimeFormat(i18n.language, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${date.slice(0, 10)}T00:00:00Z`));
}

/** A provenance figure as describeTally (src/domain/shares.ts) reads it. */
export const tallyCounts = (f: ProvenanceFigures): TallyCounts => ({ ...f, unitsOfficeSigned: f.unitsOfficeSigned ?? 0 });

// ---------------------------------------------------------------------------------------------------------------
// Exact numbers: a fraction as the server writes it ("60/7", or "3"), its decimal rounded half up, in the reader's language.

export function parseFraction(text: string): { num: bigint; den: bigint } | null {
  const m = /^(-?\d+)(?:\/(\d+))?$/.exec(text.trim());
  if (!m) return null;
  const den = BigInt(m[2] ?? '1');
  return den === 0n ? null : { num: BigInt(m[1]!), den };
}

/** "4.7000" (the server's decimal, or one computed from a fraction) in the reader's language: "4,7000" in Russian. */
export function localDecimal(decimal: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(decimal);
  if (!m) return decimal;
  const nf = new Intl.NumberFormat(i18n.language);
  const separator = nf.formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
  const whole = nf.format(BigInt(m[2]!));
  return `${m[1]}${whole}${m[3] ? `${separator}${m[3]}` : ''}`;
}

/** A fraction's decimal to `digits` places (exact, rounded half up), in the reader's language. */
export function fractionDecimal(text: string, digits = 4): string {
  const f = parseFraction(text);
  return f ? localDecimal(formatDecimal(f, digits)) : text;
}

/** "60/7" with the numbers in the reader's language ("1 234/7" in Russian). */
export function localFraction(text: string): string {
  const f = parseFraction(text);
  if (!f) return text;
  const nf = new Intl.NumberFormat(i18n.language);
  return f.den === 1n ? nf.format(f.num) : `${nf.format(f.num)}/${nf.format(f.den)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The conference's vote rule: the server states it in English (CONFERENCE_VOTE_RULE); the pages say it in the reader's
// language when it is that rule, and otherwise show the server's words as they are.

const SIMPLE_MAJORITY = /^simple majority of the votes cast\b/;
export const isSimpleMajority = (rule: string | null | undefined) => !!rule && SIMPLE_MAJORITY.test(rule);

// ---------------------------------------------------------------------------------------------------------------
// Notices: the banner and the decision page share them. Marking one read tells the banner to read them again.

const NOTICES_CHANGED = 'plenum:notices-changed';
export const noticesChanged = () => window.dispatchEvent(new Event(NOTICES_CHANGED));
export function onNoticesChanged(listener: () => void): () => void {
  window.addEventListener(NOTICES_CHANGED, listener);
  return () => window.removeEventListener(NOTICES_CHANGED, listener);
}

// ---------------------------------------------------------------------------------------------------------------
// Whether something exists (a discussion's decision, its conference): a HEAD request, so the answer's body (a decision's
// provenance can be long) is not sent for a link. 404 is "not yet", not an error; any failure shows nothing.

export function useExists(path: string | null): boolean {
  const [found, setFound] = useState<{ path: string; ok: boolean } | null>(null);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    fetch(`/api/v1${path}`, { method: 'HEAD', credentials: 'same-origin' }).then(
      (r) => live && setFound({ path, ok: r.ok }),
      () => live && setFound({ path, ok: false }),
    );
    return () => {
      live = false;
    };
  }, [path]);
  return found !== null && found.path === path && found.ok;
}
