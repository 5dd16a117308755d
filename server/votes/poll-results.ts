import { quorumMet, quorumRequired } from '../attendance/quorum';
import type { QuorumRule } from '../contracts/meetings';
import type { PollResults } from '../contracts/votes';

/** Counts of a poll as stored at close. */
export interface StoredResults {
  ballots: number;
  eligible: number;
  counts: number[];
  quorumRequired: number;
  quorumMet: boolean;
}

/**
 * Fixes the results of a poll from its ballot counts (index → count): totals, and whether
 * the ballots cast meet the quorum rule over `quorumBase` (the meeting's voting seats).
 */
export function computeResults(
  countsByChoice: ReadonlyMap<number, number>,
  optionCount: number,
  eligible: number,
  quorumBase: number,
  rule: QuorumRule,
): StoredResults {
  const counts = Array.from({ length: optionCount }, (_, i) => countsByChoice.get(i) ?? 0);
  const ballots = counts.reduce((a, b) => a + b, 0);
  return {
    ballots,
    eligible,
    counts,
    quorumRequired: quorumRequired(quorumBase, rule),
    quorumMet: quorumMet(ballots, quorumBase, rule),
  };
}

/** The API shape of results: each option with its count and share of the ballots (2 decimals). */
export function presentResults(stored: StoredResults, options: readonly string[]): PollResults {
  return {
    ballots: stored.ballots,
    eligible: stored.eligible,
    options: options.map((label, index) => {
      const count = stored.counts[index] ?? 0;
      return {
        index,
        label,
        count,
        percent: stored.ballots ? Math.round((count / stored.ballots) * 10_000) / 100 : 0,
      };
    }),
    quorumRequired: stored.quorumRequired,
    quorumMet: stored.quorumMet,
  };
}
