import type { FloorEntry } from '../contracts/speakers';

/**
 * What happens outside the record when the floor moves: the media layer turns a speaker's
 * (or a site's) microphone on when granted and off when ended. Passed in by the composition
 * root; a hook that fails is logged and the record stands.
 */
export interface FloorHooks {
  onGranted(meetingId: string, entry: FloorEntry): Promise<void>;
  onEnded(meetingId: string, entry: FloorEntry): Promise<void>;
}

/** Hooks that do nothing (no media layer wired in). */
export const noFloorHooks: FloorHooks = {
  onGranted: () => Promise.resolve(),
  onEnded: () => Promise.resolve(),
};
