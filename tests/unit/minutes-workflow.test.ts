import { describe, expect, it } from 'vitest';
import type { MeetingState } from '../../server/contracts/meetings';
import { minutesStatuses } from '../../server/contracts/minutes';
import {
  MINUTES_TRANSITIONS,
  minutesAbilities,
  minutesRoles,
  nextStatus,
  refusal,
} from '../../server/minutes/minutes.workflow';
import type { MinutesActor, MinutesRole } from '../../server/minutes/minutes.workflow';

const actor = (roles: MinutesRole[], meetingState: MeetingState = 'ended'): MinutesActor => ({
  roles: new Set(roles),
  meetingState,
});
const secretary = actor(['secretary']);
const chair = actor(['chair']);

describe('the minutes workflow table', () => {
  it('lets only the secretary submit, and only once the frame exists', () => {
    expect(minutesAbilities(secretary, 'drafting', true)).toMatchObject({
      edit: true,
      submit: true,
    });
    expect(minutesAbilities(secretary, 'drafting', false).submit).toBe(false);
    expect(minutesAbilities(chair, 'drafting', true)).toMatchObject({ edit: true, submit: false });
  });

  it('lets the chair alone approve or return a submitted text', () => {
    expect(minutesAbilities(chair, 'submitted', true).review).toBe(true);
    expect(minutesAbilities(secretary, 'submitted', true).review).toBe(false);
    expect(nextStatus('submitted', 'approve')).toBe('approved');
    expect(nextStatus('submitted', 'return')).toBe('drafting');
  });

  it('publishes an approved text only once the meeting is over', () => {
    expect(minutesAbilities(secretary, 'approved', true).publish).toBe(true);
    expect(minutesAbilities(chair, 'approved', true).publish).toBe(true);
    expect(minutesAbilities(actor(['secretary'], 'live'), 'approved', true).publish).toBe(false);
  });

  it('never edits a published text; the secretary starts a correction', () => {
    expect(minutesAbilities(secretary, 'published', true)).toMatchObject({
      edit: false,
      correct: true,
    });
    expect(nextStatus('published', 'correct')).toBe('drafting');
  });

  it('gives nobody else any action', () => {
    for (const status of minutesStatuses) {
      expect(Object.values(minutesAbilities(actor([]), status, true)).some(Boolean)).toBe(false);
      expect(Object.values(minutesAbilities(null, status, true)).some(Boolean)).toBe(false);
    }
  });

  it('lets one person who both chairs and keeps the minutes take every step', () => {
    const both = actor([...minutesRoles('u1', { chairId: 'u1', secretaryId: 'u1' })]);
    expect(minutesAbilities(both, 'drafting', true).submit).toBe(true);
    expect(minutesAbilities(both, 'submitted', true).review).toBe(true);
    expect(minutesAbilities(both, 'approved', true).publish).toBe(true);
    expect(minutesAbilities(both, 'published', true).correct).toBe(true);
  });

  it('lets the chair keep the minutes of a meeting without a secretary', () => {
    expect([...minutesRoles('u1', { chairId: 'u1', secretaryId: null })].sort()).toEqual([
      'chair',
      'secretary',
    ]);
    expect([...minutesRoles('u2', { chairId: 'u1', secretaryId: 'u2' })]).toEqual(['secretary']);
    expect([...minutesRoles('u3', { chairId: 'u1', secretaryId: 'u2' })]).toEqual([]);
  });

  it('refuses by role before state, and names the state needed', () => {
    expect(refusal(chair, 'drafting', 'submit')).toMatchObject({ kind: 'role' });
    expect(refusal(secretary, 'approved', 'submit')).toEqual({
      kind: 'state',
      message:
        'The text is approved; submit needs it to be drafting (and the meeting live or over).',
    });
    expect(refusal(secretary, 'drafting', 'submit')).toBeNull();
  });

  it('leads every step to a status of the workflow', () => {
    for (const steps of Object.values(MINUTES_TRANSITIONS)) {
      for (const step of Object.values(steps)) expect(minutesStatuses).toContain(step.to);
    }
  });
});
