import { describe, expect, it } from 'vitest';
import { DEFAULT_QUORUM_RULE } from '../../server/contracts/meetings';
import { DEFAULT_POLL_OPTIONS } from '../../server/contracts/votes';
import { decidesMotion, pollOutcome } from '../../server/votes/poll-outcome';

const options = [...DEFAULT_POLL_OPTIONS];
const twoThirds = { numerator: 2, denominator: 3, inclusive: true };

describe('pollOutcome', () => {
  it('carries a motion when more than half of the voting seats approve', () => {
    expect(pollOutcome([3, 1, 0], options, 4, DEFAULT_QUORUM_RULE, true)).toEqual({
      passed: true,
      approvals: 3,
      required: 3,
      base: 4,
      rule: DEFAULT_QUORUM_RULE,
    });
  });

  it('does not carry it when the approvals are a majority of ballots but not of seats', () => {
    // 2 of 2 ballots approve, but the meeting has 5 voting seats: 2 is not more than half of 5.
    const o = pollOutcome([2, 0, 0], options, 5, DEFAULT_QUORUM_RULE, true);
    expect(o?.passed).toBe(false);
    expect(o?.required).toBe(3);
  });

  it('does not carry it when too few ballots were cast, whatever the approvals', () => {
    expect(pollOutcome([3, 0, 0], options, 4, DEFAULT_QUORUM_RULE, false)?.passed).toBe(false);
  });

  it("follows the poll's own rule", () => {
    expect(pollOutcome([6, 3, 0], options, 9, twoThirds, true)?.passed).toBe(true);
    expect(pollOutcome([5, 4, 0], options, 9, twoThirds, true)?.passed).toBe(false);
  });

  it('has no outcome for a choice between variants', () => {
    expect(decidesMotion(['Phương án A', 'Phương án B'])).toBe(false);
    expect(pollOutcome([3, 1], ['Phương án A', 'Phương án B'], 4, DEFAULT_QUORUM_RULE, true)).toBe(
      null,
    );
  });

  it('recognises an approval whatever its case or Unicode form', () => {
    expect(decidesMotion(['TÁN THÀNH', 'Không tán thành'])).toBe(true);
    expect(decidesMotion(['Ta\u0301n tha\u0300nh', 'Không'])).toBe(true);
    expect(decidesMotion(['Đồng ý', 'Không đồng ý'])).toBe(true);
  });
});
