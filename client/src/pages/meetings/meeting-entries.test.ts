import { describe, expect, it } from 'vitest';
import { meetingEntries } from './meeting-entries';

describe('meetingEntries', () => {
  it('gives the chair the console first and the hall screen on a live meeting', () => {
    expect(meetingEntries({ state: 'live', myRoles: ['chair'] })).toEqual(['chair', 'hall']);
  });

  it('sends a delegate into the room and a site operator to the bridge', () => {
    expect(meetingEntries({ state: 'live', myRoles: ['delegate'] })).toEqual(['room']);
    expect(meetingEntries({ state: 'live', myRoles: ['site_operator'] })).toEqual(['bridge']);
  });

  it('gives the secretary the minutes first, then the room', () => {
    expect(meetingEntries({ state: 'live', myRoles: ['secretary'] })).toEqual(['minutes', 'room']);
  });

  it('gives a host administrator only the hall screen', () => {
    expect(meetingEntries({ state: 'live', myRoles: ['host_admin'] })).toEqual(['hall']);
  });

  it('offers the chair the console and a site operator the bridge (to check devices) before the start', () => {
    expect(meetingEntries({ state: 'scheduled', myRoles: ['chair'] })).toEqual(['chair']);
    expect(meetingEntries({ state: 'scheduled', myRoles: ['site_operator'] })).toEqual(['bridge']);
    expect(meetingEntries({ state: 'scheduled', myRoles: ['delegate'] })).toEqual([]);
  });

  it('leads everyone taking part to the minutes after the end, and nobody else', () => {
    expect(meetingEntries({ state: 'ended', myRoles: ['site_operator'] })).toEqual(['minutes']);
    expect(meetingEntries({ state: 'minutes_published', myRoles: ['chair'] })).toEqual(['minutes']);
    expect(meetingEntries({ state: 'ended', myRoles: [] })).toEqual([]);
  });

  it('offers nothing on a draft or cancelled meeting', () => {
    expect(meetingEntries({ state: 'draft', myRoles: ['chair'] })).toEqual([]);
    expect(meetingEntries({ state: 'cancelled', myRoles: ['delegate'] })).toEqual([]);
  });
});
