import type { FloorEntry, FloorState } from '../../../../server/contracts/speakers';

/** Where the caller stands on the floor: speaking, or waiting at `position` (1-based). */
export interface MyFloor {
  entry: FloorEntry;
  speaking: boolean;
  position: number;
}

/** The caller's own floor entry (as a person, not a site), or null when not on the floor. */
export function myFloorEntry(floor: FloorState | undefined, userId: string): MyFloor | null {
  if (!floor || !userId) return null;
  const mine = (e: FloorEntry): boolean => e.speaker.kind === 'user' && e.speaker.id === userId;
  const speaking = floor.speaking.find(mine);
  if (speaking) return { entry: speaking, speaking: true, position: 0 };
  const i = floor.queue.findIndex(mine);
  const entry = floor.queue[i];
  return entry ? { entry, speaking: false, position: i + 1 } : null;
}
