/** How a conference decides a motion (docs/conference.md): the rule, stated in every result, and the result it gives. */

export const CONFERENCE_VOTE_RULE =
  'simple majority of the votes cast: adopted when the votes for exceed the votes against; abstentions are not votes cast; a tie is not a majority (rejected)';

/** The result of a vote under CONFERENCE_VOTE_RULE. */
export function conferenceVoteResult(c: { for: number; against: number }): 'adopted' | 'rejected' {
  return c.for > c.against ? 'adopted' : 'rejected';
}
