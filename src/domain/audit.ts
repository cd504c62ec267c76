/**
 * What the audit log records of a change. Who acted is the principal (token or console) and the address the request
 * came from; `detail` says what changed — counts and ids, before → after where meaningful, never a member's name or
 * email, never a secret.
 */
import { CONSOLE, type Grant, type Principal } from './policy.ts';

export interface Actor {
  principal: Principal;
  /** The client's address (HTTP), or null at the console. */
  address: string | null;
}

export const CONSOLE_ACTOR: Actor = { principal: CONSOLE, address: null };

export const AUDIT_ACTIONS = [
  'units.import',
  'members.import',
  'status.set',
  'discussion.create',
  'discussion.open',
  'report.submit',
  'report.correct',
  'token.create',
  'token.revoke',
  'account.create',
  'session.create',
  'session.revoke',
  'invitation.send',
  'invitation.accept',
  'password.reset',
  'role.grant',
  'role.revoke',
  'key.enrol',
  'key.approve',
  'key.refuse',
  'key.revoke',
  'challenge.file',
  'challenge.decide',
  'decision.publish',
  'decision.erratum',
  // conference (issue 6)
  'conference.define',
  'conference.apportion',
  'conference.open',
  'conference.close',
  'delegate.record',
  'delegate.confirm',
  'delegate.reject',
  'motion.propose',
  'vote.record',
  'vote.open',
  'ballot.record',
  'vote.close',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEvent {
  id: string;
  at: string;
  actor: { kind: Principal['kind']; id: string; grants: Grant[]; address: string | null };
  action: AuditAction;
  /** What was acted on: `units`, `discussion:d1924`, `report:d1924/u17`, `token:ab12…`. */
  target: string;
  detail: Record<string, unknown>;
}
