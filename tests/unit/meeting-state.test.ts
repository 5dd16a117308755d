import { describe, expect, it } from 'vitest';
import { allowedTransitions, meetingStates } from '../../server/contracts/meetings';
import type { MeetingState } from '../../server/contracts/meetings';
import { AppError } from '../../server/errors';
import {
  acceptsDocuments,
  invalidTransition,
  isEditable,
  transitionProblem,
} from '../../server/meetings/meeting-state';
import { must } from '../support/must';

describe('meeting lifecycle', () => {
  it('follows draft → scheduled → live → ended → minutes_published, cancelled from draft or scheduled', () => {
    const legal: [MeetingState, MeetingState][] = [
      ['draft', 'scheduled'],
      ['draft', 'cancelled'],
      ['scheduled', 'live'],
      ['scheduled', 'cancelled'],
      ['live', 'ended'],
      ['ended', 'minutes_published'],
    ];
    for (const from of meetingStates) {
      for (const to of meetingStates) {
        const allowed = legal.some(([a, b]) => a === from && b === to);
        expect(transitionProblem(from, to) === null, `${from} → ${to}`).toBe(allowed);
      }
    }
  });

  it('leaves every state at most once (no cycles), which the transition guard relies on', () => {
    const seen = new Set<MeetingState>();
    const visit = (state: MeetingState, path: MeetingState[]): void => {
      expect(path).not.toContain(state);
      seen.add(state);
      for (const next of allowedTransitions(state)) visit(next, [...path, state]);
    };
    visit('draft', []);
    expect(seen).toEqual(new Set(meetingStates));
  });

  it('describes an illegal move with the current state and the allowed ones', () => {
    const problem = transitionProblem('live', 'scheduled');
    expect(problem).toEqual({ current: 'live', requested: 'scheduled', allowed: ['ended'] });
    const err = invalidTransition(must(problem));
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(409);
    expect(err.code).toBe('invalid_transition');
    expect(err.message).toContain('live');
    expect(err.message).toContain('ended');
    expect(err.details).toEqual(problem);
  });

  it('says a final state allows nothing', () => {
    const err = invalidTransition(must(transitionProblem('cancelled', 'live')));
    expect(err.message).toContain('none (it is final)');
  });

  it('keeps details editable until the meeting ends and documents until the minutes are published', () => {
    expect(meetingStates.filter(isEditable)).toEqual(['draft', 'scheduled', 'live']);
    expect(meetingStates.filter(acceptsDocuments)).toEqual(['draft', 'scheduled', 'live', 'ended']);
  });
});
