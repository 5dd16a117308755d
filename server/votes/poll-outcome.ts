import { quorumMet, quorumRequired } from '../attendance/quorum';
import type { QuorumRule } from '../contracts/meetings';
import type { PollOutcome } from '../contracts/votes';

/** First-option labels that mean "in favour" (compared without case, NFC). */
const APPROVE_LABELS = new Set(['tán thành', 'đồng ý', 'approve', 'yes', 'in favour', 'for']);

/** Whether a poll's first option is an approval, so that the poll decides a motion. */
export function decidesMotion(options: readonly string[]): boolean {
  const first = options[0];
  return !!first && APPROVE_LABELS.has(first.normalize('NFC').trim().toLocaleLowerCase('vi'));
}

/**
 * Whether a closed poll carried its motion: the ballots cast met the poll's quorum and the
 * approvals (first option) meet the poll's rule over `base`, the meeting's voting seats when the
 * poll opened ("quá nửa tổng số thành viên tán thành" by default). Null when the options do not
 * put a motion (a choice between candidates or variants): there is nothing to pass.
 */
export function pollOutcome(
  counts: readonly number[],
  options: readonly string[],
  base: number,
  rule: QuorumRule,
  ballotsQuorumMet: boolean,
): PollOutcome | null {
  if (!decidesMotion(options)) return null;
  const approvals = counts[0] ?? 0;
  return {
    passed: ballotsQuorumMet && quorumMet(approvals, base, rule),
    approvals,
    required: quorumRequired(base, rule),
    base,
    rule,
  };
}
