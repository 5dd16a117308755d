import type { LiveSnapshot } from '../../../server/contracts/live';

export { applyLiveEvent } from '../../../server/contracts/live-apply';
export type { LiveFollowUp } from '../../../server/contracts/live-apply';

/** What a live screen shows: the snapshot, kept current by applying live events. */
export type LiveState = LiveSnapshot;
