/**
 * The conference of a discussion (issue 6, docs/conference.md): its definition, every apportionment run and its seat
 * table (a run is never changed; the latest is current), the delegates the electing units record and the credentials
 * committee's decision on each, the motions (resolutions and amendments), the votes on them and, for a roll call, one
 * ballot per confirmed deciding delegate. Quotas are exact fractions stored as text (num, den). Frozen in time; runs
 * unchanged on both engines.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // One conference per discussion. The electing level is a unit kind or a depth of the frozen tree (exactly one set);
  // each kind of seat has its apportionment rule as JSON ({ method, seats, min, max, per, first, step, tieBreak }).
  await db.schema
    .createTable('conferences')
    .addColumn('discussion_id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('electing_kind', 'text')
    .addColumn('electing_depth', 'integer')
    .addColumn('basis', 'text', (c) => c.notNull()) // 'roll' | 'reported'
    .addColumn('deciding_rule', 'text', (c) => c.notNull())
    .addColumn('consultative_rule', 'text') // null: no consultative seats
    .addColumn('state', 'text', (c) => c.notNull()) // 'draft' | 'apportioned' | 'in-session' | 'closed'
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // Every apportionment run, numbered from 1; the highest version is the current table. `rules` is the definition it
  // was computed under (JSON), `ties` the ties it broke per kind of seat (JSON).
  await db.schema
    .createTable('conference_apportionments')
    .addColumn('discussion_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('population', 'integer', (c) => c.notNull())
    .addColumn('outside', 'integer', (c) => c.notNull()) // members of the basis in no electing unit
    .addColumn('deciding_seats', 'integer', (c) => c.notNull())
    .addColumn('consultative_seats', 'integer')
    .addColumn('ties', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('computed_by', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('conference_apportionments_pk', ['discussion_id', 'version'])
    .execute();
  await db.schema
    .createTable('conference_seats')
    .addColumn('discussion_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('population', 'integer', (c) => c.notNull())
    .addColumn('deciding_quota_num', 'text', (c) => c.notNull())
    .addColumn('deciding_quota_den', 'text', (c) => c.notNull())
    .addColumn('deciding_share', 'text') // hare only, as 'num/den': the share rounded from when a bound binds
    .addColumn('deciding', 'integer', (c) => c.notNull())
    .addColumn('consultative_quota_num', 'text')
    .addColumn('consultative_quota_den', 'text')
    .addColumn('consultative_share', 'text')
    .addColumn('consultative', 'integer')
    .addPrimaryKeyConstraint('conference_seats_pk', ['discussion_id', 'version', 'unit_id'])
    .execute();

  await db.schema
    .createTable('delegates')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('discussion_id', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull()) // the electing unit
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('vote', 'text', (c) => c.notNull()) // 'deciding' | 'consultative'
    .addColumn('elected_at', 'text', (c) => c.notNull()) // the meeting's date
    .addColumn('elected_meeting', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull()) // 'pending' | 'confirmed' | 'rejected'
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('reason', 'text')
    .execute();
  await db.schema.createIndex('delegates_unit').on('delegates').columns(['discussion_id', 'unit_id', 'vote']).execute();
  await db.schema.createIndex('delegates_member').on('delegates').columns(['discussion_id', 'member_id']).execute();

  await db.schema
    .createTable('conference_motions')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('discussion_id', 'text', (c) => c.notNull())
    .addColumn('question_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull()) // 'resolution' | 'amendment'
    .addColumn('amends', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('proposed_by', 'text', (c) => c.notNull()) // a delegate id, or 'office'
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull()) // 'proposed' | 'adopted' | 'rejected'
    .execute();
  await db.schema.createIndex('conference_motions_discussion').on('conference_motions').columns(['discussion_id', 'created_at']).execute();

  // One vote per motion (unique): a result is never edited and a motion is never voted on twice.
  await db.schema
    .createTable('conference_votes')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('discussion_id', 'text', (c) => c.notNull())
    .addColumn('motion_id', 'text', (c) => c.notNull().unique())
    .addColumn('method', 'text', (c) => c.notNull()) // 'count' | 'roll-call'
    .addColumn('state', 'text', (c) => c.notNull()) // 'open' | 'closed'
    .addColumn('votes_for', 'integer')
    .addColumn('votes_against', 'integer')
    .addColumn('votes_abstain', 'integer')
    .addColumn('eligible', 'integer') // confirmed deciding delegates when the result was taken
    .addColumn('result', 'text') // 'adopted' | 'rejected'
    .addColumn('rule', 'text')
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('closed_by', 'text')
    .addColumn('closed_at', 'text')
    .execute();
  // Each delegate once per vote: the primary key refuses a second ballot.
  await db.schema
    .createTable('conference_ballots')
    .addColumn('vote_id', 'text', (c) => c.notNull())
    .addColumn('delegate_id', 'text', (c) => c.notNull())
    .addColumn('choice', 'text', (c) => c.notNull()) // 'for' | 'against' | 'abstain'
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('conference_ballots_pk', ['vote_id', 'delegate_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['conference_ballots', 'conference_votes', 'conference_motions', 'delegates', 'conference_seats', 'conference_apportionments', 'conferences']) {
    await db.schema.dropTable(t).execute();
  }
}
