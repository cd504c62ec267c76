/** Row types of every table, as Kysely sees them. Mirrors src/storage/migrations; the schema test checks both engines. */
export interface UnitsTable { id: string; parent_id: string | null; name: string; kind: string; updated_at: string }
export interface MemberStatusesTable { status: string; votes: number }
export interface MembersTable { id: string; unit_id: string; name: string; email: string; status: string; updated_at: string }
export interface DiscussionsTable {
  id: string;
  title: string;
  definition: string;
  reporting_closes_at: string;
  state: string;
  root_unit_id: string | null;
  created_at: string;
  opened_at: string | null;
}
export interface DiscussionUnitsTable {
  discussion_id: string;
  unit_id: string;
  parent_id: string | null;
  name: string;
  kind: string;
  roll: number;
  depth: number;
  ancestors: string;
  /** The name folded for search (`foldForSearch`); null never after 2026-11-26T05. */
  search_name: string | null;
}
export interface ReportsTable {
  discussion_id: string;
  unit_id: string;
  version: number;
  is_current: number;
  meeting_date: string;
  present: number;
  resolution: string;
  quorate: number;
  submitted_at: string;
  submitted_by: string;
  /** The log entry of this version (null for versions stored before the log existed). */
  log_index: number | null;
  /** The key that signed it, and who entered it: `unit` or `office`. */
  key_id: string | null;
  entered_by: string | null;
  /** `unit` or `office`: whose key signed it (null: stored before the log). */
  signed_by: string | null;
  /**
   * JSON: its counts per question it voted on — `{ "<question>": { positions: { "<position>": votes }, abstain, adopted:
   * "<position>" | null } }` (migration 2026-11-27T04-00-packed-report-counts; reports.repository.ts reads and writes it).
   */
  counts: string;
}
export interface TallyUnitsTable {
  discussion_id: string;
  unit_id: string;
  units_total: number;
  units_reported: number;
  units_quorate: number;
  members_total: number;
  members_reported: number;
  present: number;
  units_office_signed: number;
  /** JSON: the subtree's counts per question — `TallyCounts.questions` (src/domain/tally.ts), as tally.repository.ts writes it. */
  questions: string;
  updated_at: string;
}
export interface IdempotencyKeysTable { scope: string; key: string; request_hash: string; response: string; created_at: string }
export interface ApiTokensTable {
  id: string;
  name: string;
  role: string;
  unit_id: string | null;
  secret_hash: string;
  created_at: string;
  revoked_at: string | null;
}

export interface AuditEventsTable {
  id: string;
  at: string;
  actor_kind: string;
  actor_id: string;
  /** The actor's grants when acting: `committee@d11,secretary@b1` (`none` for an account with no role left). */
  actor_role: string;
  /** Unused since several roles per account (kept null); older rows held the single role's unit here. */
  actor_unit_id: string | null;
  address: string | null;
  action: string;
  target: string;
  detail: string;
}

export interface AccountsTable {
  id: string;
  email: string;
  /** `scrypt$…`, or `!` for an account that signs in only through single sign-on. */
  password_hash: string;
  member_id: string | null;
  created_at: string;
  disabled_at: string | null;
}
export interface AccountRolesTable {
  /** `<account>/<role>/<unit or *>` */
  id: string;
  account_id: string;
  role: string;
  unit_id: string | null;
  granted_at: string;
  /** Who granted it: `<kind>:<id>` of the principal (`migration` for grants carried over). */
  granted_by: string;
}

export interface SessionsTable {
  id: string;
  account_id: string;
  secret_hash: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  address: string | null;
  user_agent: string | null;
}

export interface OneTimeLinksTable {
  id: string;
  kind: string;
  account_id: string | null;
  member_id: string | null;
  secret_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface LogHeadsTable { discussion_id: string; origin: string; size: number }
export interface LogEntriesTable { discussion_id: string; idx: number; entry: string; leaf_hash: string; appended_at: string }
export interface LogCheckpointsTable { discussion_id: string; size: number; root_hash: string; note: string; signed_at: string }
export interface LogCosignaturesTable { discussion_id: string; size: number; witness: string; line: string; received_at: string }
/** The installation's own Ed25519 keys (`log`, `office`): the 32-byte seed in base64. */
export interface ServerKeysTable { name: string; seed: string; public_key: string; created_at: string }

/** A unit secretary's signing key. state: pending → active (approved) | refused; active → revoked | replaced. */
export interface UnitKeysTable {
  key_id: string;
  unit_id: string;
  public_key: string;
  label: string;
  state: string;
  replaces: string | null;
  requested_at: string;
  /** `<kind>:<id>` of the principal that enrolled it. */
  requested_by: string;
  decided_at: string | null;
  decided_by: string | null;
  reason: string | null;
}

export interface ChallengesTable {
  id: string;
  discussion_id: string;
  unit_id: string;
  report_version: number;
  reason: string;
  text: string;
  filed_by: string;
  filed_as: string;
  filed_at: string;
  state: string;
  log_index: number | null;
}

export interface ChallengeEvidenceTable {
  challenge_id: string;
  name: string;
  media_type: string;
  sha256: string;
  size: number;
  content_base64: string;
}

export interface AdjudicationsTable {
  id: string;
  discussion_id: string;
  unit_id: string;
  report_version: number;
  challenge_id: string | null;
  decision: string;
  criterion: string;
  reason: string;
  struck: string | null;
  decided_by: string;
  decided_at: string;
  log_index: number | null;
}

export interface DecisionsTable {
  id: string;
  discussion_id: string;
  kind: string;
  decision_slot: string | null;
  corrects: string | null;
  title: string;
  languages: string;
  body: string;
  reason: string | null;
  effective_date: string;
  provenance: string;
  reconstruction: number;
  published_by: string;
  published_at: string;
  log_index: number | null;
}

export interface DecisionNoticesTable {
  decision_id: string;
  member_id: string;
  state: string;
  updated_at: string;
  error: string | null;
  read_at: string | null;
}

export interface Database {
  // the binding decision (issue 6)
  decisions: DecisionsTable;
  decision_notices: DecisionNoticesTable;
  // challenges and adjudication (issue 6)
  challenges: ChallengesTable;
  challenge_evidence: ChallengeEvidenceTable;
  adjudications: AdjudicationsTable;
  unit_keys: UnitKeysTable;
  log_heads: LogHeadsTable;
  log_entries: LogEntriesTable;
  log_checkpoints: LogCheckpointsTable;
  log_cosignatures: LogCosignaturesTable;
  server_keys: ServerKeysTable;
  one_time_links: OneTimeLinksTable;
  accounts: AccountsTable;
  account_roles: AccountRolesTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
  units: UnitsTable;
  member_statuses: MemberStatusesTable;
  members: MembersTable;
  discussions: DiscussionsTable;
  discussion_units: DiscussionUnitsTable;
  reports: ReportsTable;
  tally_units: TallyUnitsTable;
  idempotency_keys: IdempotencyKeysTable;
  api_tokens: ApiTokensTable;
  // conference (issue 6)
  conferences: ConferencesTable;
  conference_apportionments: ConferenceApportionmentsTable;
  conference_seats: ConferenceSeatsTable;
  delegates: DelegatesTable;
  conference_motions: ConferenceMotionsTable;
  conference_votes: ConferenceVotesTable;
  conference_ballots: ConferenceBallotsTable;
}

// conference (issue 6): migration 2026-11-27T01-00-conference, docs/conference.md
/** One per discussion. state: draft → apportioned → in-session → closed. Rules are JSON ({ method, seats, min, … }). */
export interface ConferencesTable {
  discussion_id: string;
  name: string;
  /** The electing level: a unit kind, or a depth of the frozen tree (exactly one is set). */
  electing_kind: string | null;
  electing_depth: number | null;
  basis: string;
  deciding_rule: string;
  consultative_rule: string | null;
  state: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}
/** An apportionment run (never changed); the highest version is the current table. */
export interface ConferenceApportionmentsTable {
  discussion_id: string;
  version: number;
  basis: string;
  rules: string;
  population: number;
  outside: number;
  deciding_seats: number;
  consultative_seats: number | null;
  ties: string;
  reason: string | null;
  computed_by: string;
  computed_at: string;
}
/** One electing unit's row of a run's table: population, exact quotas (text), seats of each kind. */
export interface ConferenceSeatsTable {
  discussion_id: string;
  version: number;
  unit_id: string;
  population: number;
  deciding_quota_num: string;
  deciding_quota_den: string;
  deciding_share: string | null;
  deciding: number;
  consultative_quota_num: string | null;
  consultative_quota_den: string | null;
  consultative_share: string | null;
  consultative: number | null;
}
/** A delegate's mandate. state: pending → confirmed | rejected (the credentials committee, with a reason). */
export interface DelegatesTable {
  id: string;
  discussion_id: string;
  unit_id: string;
  member_id: string;
  vote: string;
  elected_at: string;
  elected_meeting: string;
  state: string;
  recorded_by: string;
  recorded_at: string;
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
}
export interface ConferenceMotionsTable {
  id: string;
  discussion_id: string;
  question_id: string | null;
  kind: string;
  amends: string | null;
  title: string;
  text: string;
  /** A delegate id, or `office`. */
  proposed_by: string;
  created_by: string;
  created_at: string;
  state: string;
}
/** One per motion. Counts are null while a roll call is open; result and rule are set once, when it closes. */
export interface ConferenceVotesTable {
  id: string;
  discussion_id: string;
  motion_id: string;
  method: string;
  state: string;
  votes_for: number | null;
  votes_against: number | null;
  votes_abstain: number | null;
  eligible: number | null;
  result: string | null;
  rule: string | null;
  recorded_by: string;
  recorded_at: string;
  closed_by: string | null;
  closed_at: string | null;
}
/** A roll-call ballot; the primary key (vote_id, delegate_id) lets each delegate vote once. */
export interface ConferenceBallotsTable {
  vote_id: string;
  delegate_id: string;
  choice: string;
  recorded_by: string;
  recorded_at: string;
}
