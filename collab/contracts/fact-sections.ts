// Fact sections of the minutes: the blocks the server builds from the record (attendance, the
// speakers of an item, a poll's result) carry a `fact` attribute naming their section, so that
// inserting or rebuilding a fact replaces its section instead of adding a second one. The
// attribute is part of the schema of the editor and of the collab server (one Tiptap global
// attribute, declared here as plain data so that both build it the same way).

/** The node attribute that names the fact section a block belongs to. */
export const FACT_ATTRIBUTE = 'fact';

/** Block types that may carry the attribute (the top-level blocks the inserts produce). */
export const FACT_NODE_TYPES = ['paragraph', 'heading', 'bulletList', 'orderedList'] as const;

/** The key of the attendance section. */
export const ATTENDANCE_FACT = 'attendance';
/** The key of the speakers of an agenda item (`null`: outside any item). */
export const speakersFact = (agendaItemId: string | null): string =>
  `speakers:${agendaItemId ?? 'none'}`;
/** The key of a poll's result. */
export const pollFact = (pollId: string): string => `poll:${pollId}`;

/**
 * The Tiptap global attribute (pass to `Extension.create({ addGlobalAttributes })`). The
 * attribute is not kept when a block is split: text the secretary types after a fact is hers.
 */
export const factGlobalAttributes = [
  {
    types: [...FACT_NODE_TYPES],
    attributes: {
      [FACT_ATTRIBUTE]: {
        default: null,
        keepOnSplit: false,
        parseHTML: (el: { getAttribute(name: string): string | null }) =>
          el.getAttribute('data-fact'),
        renderHTML: (attrs: Record<string, unknown>) =>
          typeof attrs[FACT_ATTRIBUTE] === 'string' ? { 'data-fact': attrs[FACT_ATTRIBUTE] } : {},
      },
    },
  },
];

/** A ProseMirror JSON block, as far as fact sections care. */
export interface FactBlock {
  type: string;
  attrs?: Record<string, unknown>;
}

/** The fact section a block belongs to, or null. */
export function factOf(block: FactBlock): string | null {
  const v = block.attrs?.[FACT_ATTRIBUTE];
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Marks every block of a fragment as part of section `key`. */
export function markFact<T extends FactBlock>(key: string, blocks: T[]): T[] {
  return blocks.map((b) => ({ ...b, attrs: { ...(b.attrs ?? {}), [FACT_ATTRIBUTE]: key } }));
}

/**
 * Puts fresh fact sections into a document's top-level blocks. Each section of `fresh` (blocks
 * grouped by their fact key, in order) replaces every block of that key in `blocks`, at the
 * place of the first one; a section the document lacks goes right after the section placed
 * before it (or, for the first, after `anchor` when given, else at the end). Blocks without a
 * key in `fresh` are ignored; blocks of other keys and the secretary's own text stay as they are.
 */
export function replaceFactSections<T extends FactBlock>(
  blocks: readonly T[],
  fresh: readonly T[],
): T[] {
  const sections: { key: string; blocks: T[] }[] = [];
  for (const b of fresh) {
    const key = factOf(b);
    if (key === null) continue;
    const last = sections[sections.length - 1];
    if (last?.key === key) last.blocks.push(b);
    else sections.push({ key, blocks: [b] });
  }
  // Work on a list of slots: each slot is an original block or a placed section.
  type Slot = { block: T } | { key: string; blocks: T[] };
  const slots: Slot[] = blocks.map((block) => ({ block }));
  let previous: string | null = null;
  for (const section of sections) {
    const first = slots.findIndex((s) => 'block' in s && factOf(s.block) === section.key);
    const rest = slots.filter(
      (s, i) => i === first || !('block' in s) || factOf(s.block) !== section.key,
    );
    slots.splice(0, slots.length, ...rest);
    const placed: Slot = { key: section.key, blocks: section.blocks };
    if (first >= 0) {
      const at = slots.findIndex((s) => 'block' in s && factOf(s.block) === section.key);
      slots[at] = placed;
    } else {
      const prev: string | null = previous;
      const after = prev === null ? -1 : slots.findIndex((s) => 'key' in s && s.key === prev);
      if (after >= 0) slots.splice(after + 1, 0, placed);
      else slots.push(placed);
    }
    previous = section.key;
  }
  return slots.flatMap((s) => ('block' in s ? [s.block] : s.blocks));
}
