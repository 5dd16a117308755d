import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveStatus } from '../../server/attendance/attendance-status';
import { quorumMet, quorumRequired } from '../../server/attendance/quorum';
import { DEFAULT_QUORUM_RULE } from '../../server/contracts/meetings';
import { computeResults, presentResults } from '../../server/votes/poll-results';

const twoThirds = { numerator: 2, denominator: 3, inclusive: true };

describe('quorum', () => {
  it('needs more than half by default', () => {
    expect(quorumMet(5, 10, DEFAULT_QUORUM_RULE)).toBe(false);
    expect(quorumMet(6, 10, DEFAULT_QUORUM_RULE)).toBe(true);
    expect(quorumMet(2, 3, DEFAULT_QUORUM_RULE)).toBe(true);
    expect(quorumMet(1, 3, DEFAULT_QUORUM_RULE)).toBe(false);
    expect(quorumRequired(10, DEFAULT_QUORUM_RULE)).toBe(6);
    expect(quorumRequired(9, DEFAULT_QUORUM_RULE)).toBe(5);
    expect(quorumMet(0, 0, DEFAULT_QUORUM_RULE)).toBe(false);
  });

  it('supports "at least two thirds"', () => {
    expect(quorumRequired(9, twoThirds)).toBe(6);
    expect(quorumMet(6, 9, twoThirds)).toBe(true);
    expect(quorumMet(5, 9, twoThirds)).toBe(false);
    expect(quorumRequired(10, twoThirds)).toBe(7);
  });

  it('is met exactly from the required count on, for any rule', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fc.boolean(),
        (base, denominator, n, inclusive) => {
          const rule = { numerator: Math.min(n, denominator), denominator, inclusive };
          const required = quorumRequired(base, rule);
          if (required > 0) expect(quorumMet(required - 1, base, rule)).toBe(false);
          if (required <= base) expect(quorumMet(required, base, rule)).toBe(true);
        },
      ),
    );
  });
});

describe('attendance status', () => {
  const t = (s: number) => new Date(Date.UTC(2026, 11, 1, 8, 0, s));

  it('is unmarked with no facts, and the latest mark otherwise', () => {
    expect(resolveStatus([], [], t(0)).status).toBe('unmarked');
    const r = resolveStatus(
      [
        { status: 'present_in_room', reason: null, by: 'a', at: t(1) },
        { status: 'absent', reason: 'ốm', by: 'b', at: t(5) },
      ],
      [],
      t(9),
    );
    expect(r).toMatchObject({ status: 'absent', reason: 'ốm', markedBy: 'b', connected: false });
  });

  it('is present remotely while connected, and falls back to the marks after leaving', () => {
    const marks = [{ status: 'absent' as const, reason: 'công tác', by: 'a', at: t(0) }];
    const open = resolveStatus(marks, [{ joinedAt: t(10), leftAt: null }], t(40));
    expect(open).toMatchObject({ status: 'present_remote', connected: true, remoteSeconds: 30 });
    const left = resolveStatus(marks, [{ joinedAt: t(10), leftAt: t(25) }], t(40));
    expect(left).toMatchObject({ status: 'absent', connected: false, remoteSeconds: 15 });
  });

  it('lets a later check-in in the room win over a video connection', () => {
    const r = resolveStatus(
      [{ status: 'present_in_room', reason: null, by: 'a', at: t(20) }],
      [{ joinedAt: t(10), leftAt: null }],
      t(30),
    );
    expect(r.status).toBe('present_in_room');
  });
});

describe('poll results', () => {
  it('counts every option, with shares of the ballots and the quorum', () => {
    const stored = computeResults(
      new Map([
        [0, 7],
        [2, 1],
      ]),
      3,
      10,
      12,
      DEFAULT_QUORUM_RULE,
    );
    expect(stored).toEqual({
      ballots: 8,
      eligible: 10,
      counts: [7, 0, 1],
      quorumRequired: 7,
      quorumMet: true,
    });
    const shown = presentResults(stored, ['Tán thành', 'Không tán thành', 'Không ý kiến']);
    expect(shown.options.map((o) => o.percent)).toEqual([87.5, 0, 12.5]);
    expect(shown.options[0]).toMatchObject({ label: 'Tán thành', count: 7 });
  });

  it('gives 0 % everywhere when nobody voted, and no quorum', () => {
    const stored = computeResults(new Map(), 2, 5, 5, DEFAULT_QUORUM_RULE);
    expect(presentResults(stored, ['a', 'b']).options.map((o) => o.percent)).toEqual([0, 0]);
    expect(stored.quorumMet).toBe(false);
  });
});
