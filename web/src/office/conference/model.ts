/**
 * The conference pages' shapes (types only: the server's zod schemas in src/schemas are the source) and small helpers:
 * the API paths, which fields each apportionment method takes, a rule turned back into form text.
 */
import type { z } from 'zod';
import type {
  Conference as ConferenceSchema,
  Delegate as DelegateSchema,
  Delegates as DelegatesSchema,
  Motion as MotionSchema,
  SeatTable as SeatTableSchema,
  Vote as VoteSchema,
} from '../../../../src/schemas/conference.ts';
import type { DecisionAct as DecisionActSchema, DecisionDocument as DecisionDocumentSchema, NoticeCounts as NoticeCountsSchema } from '../../../../src/schemas/decisions.ts';

export type Conference = z.infer<typeof ConferenceSchema>;
export type SeatTable = z.infer<typeof SeatTableSchema>;
export type SeatRuleOut = Conference['deciding'];
export type Delegates = z.infer<typeof DelegatesSchema>;
export type Delegate = z.infer<typeof DelegateSchema>;
export type Motion = z.infer<typeof MotionSchema>;
export type Vote = z.infer<typeof VoteSchema>;
export type DecisionAct = z.infer<typeof DecisionActSchema>;
export type DecisionDocument = z.infer<typeof DecisionDocumentSchema>;
export type NoticeCounts = z.infer<typeof NoticeCountsSchema>;
export type ConferenceState = Conference['state'];
export type SeatKind = 'deciding' | 'consultative';

export const enc = encodeURIComponent;
export const conferencePath = (discussionId: string, rest = '') => `/discussions/${enc(discussionId)}/conference${rest}`;
export const decisionPath = (discussionId: string, rest = '') => `/discussions/${enc(discussionId)}/decision${rest}`;

/** The engine's methods (src/domain/apportionment.ts), in the order the form offers them. */
export const METHODS = ['hare', 'dhondt', 'sainte-lague', 'huntington-hill', 'adams', 'per', 'stepped'] as const;
export type Method = (typeof METHODS)[number];
export const PROPORTIONAL: readonly string[] = ['hare', 'dhondt', 'sainte-lague', 'huntington-hill', 'adams'];
export const RULE_NUMBERS = ['seats', 'per', 'first', 'step', 'min', 'max'] as const;
export type RuleNumber = (typeof RULE_NUMBERS)[number];

/** The numbers a method takes, in the order the form shows them. */
export function fieldsOf(method: string): RuleNumber[] {
  if (method === 'per') return ['per', 'min', 'max'];
  if (method === 'stepped') return ['first', 'step', 'min', 'max'];
  return ['seats', 'min', 'max'];
}
/** Ties decide seats only where a total is shared; the fixed-ratio rules have none to break. */
export const hasTieBreak = (method: string) => PROPORTIONAL.includes(method);

export interface RuleDraft {
  method: Method;
  seats: string;
  per: string;
  first: string;
  step: string;
  min: string;
  max: string;
  tie: 'larger-population-then-id' | 'lot';
  seed: string;
}

export const emptyRule = (method: Method = 'hare'): RuleDraft => ({ method, seats: '', per: '', first: '', step: '', min: '', max: '', tie: 'larger-population-then-id', seed: '' });

export function draftOf(rule: SeatRuleOut | null | undefined): RuleDraft {
  if (!rule) return emptyRule();
  const s = (n: number | undefined) => (n === undefined ? '' : String(n));
  return {
    method: ((METHODS as readonly string[]).includes(rule.method) ? rule.method : 'hare') as Method,
    seats: s(rule.seats),
    per: s(rule.per),
    first: s(rule.first),
    step: s(rule.step),
    min: s(rule.min),
    max: s(rule.max),
    tie: rule.tieBreak?.rule === 'lot' ? 'lot' : 'larger-population-then-id',
    seed: s(rule.tieBreak?.seed),
  };
}

/** A whole number typed in a box (spaces, as Russian groups digits, allowed), or null. */
export function wholeOf(s: string): number | null {
  const v = s.replace(/[\s\u00a0\u202f]/g, '');
  return /^\d{1,10}$/.test(v) ? Number(v) : null;
}

/** Today in the reader's calendar, as the API's dates are written (YYYY-MM-DD). */
export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The rule every conference vote is decided by, as the server states it (src/services/conference.ts). */
export const KNOWN_VOTE_RULE =
  'simple majority of the votes cast: adopted when the votes for exceed the votes against; abstentions are not votes cast; a tie is not a majority (rejected)';

/** A language tag as the decision API accepts it (en, ru, pt-BR). */
export const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Z]{2})?$/;
