/**
 * Caret and avatar colours. Each is dark enough for white text (WCAG AA, 4.5:1) so a caret label
 * and an avatar stay readable, and distinct enough to tell a handful of co-editors apart.
 */
export const COLLAB_COLOURS = [
  '#1d4ed8',
  '#b91c1c',
  '#047857',
  '#7c3aed',
  '#b45309',
  '#0e7490',
  '#be185d',
  '#4d7c0f',
  '#9333ea',
  '#c2410c',
  '#0f766e',
  '#6d28d9',
] as const;

/**
 * A stable colour for a user: the same id always gets the same colour, on every device and in
 * every document, so co-editors learn who is who.
 */
export function colourFor(userId: string): string {
  let h = 2166136261;
  for (let i = 0; i < userId.length; i++) {
    h ^= userId.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return COLLAB_COLOURS[(h >>> 0) % COLLAB_COLOURS.length] ?? COLLAB_COLOURS[0];
}

/** Initials for an avatar: the first letter of the last two words of a Vietnamese full name. */
export function initialsOf(fullName: string): string {
  const words = fullName.normalize('NFC').trim().split(/\s+/).filter(Boolean);
  const picked = words.length > 1 ? words.slice(-2) : words;
  return picked
    .map((w) => w.charAt(0).toLocaleUpperCase('vi'))
    .join('')
    .slice(0, 2);
}
