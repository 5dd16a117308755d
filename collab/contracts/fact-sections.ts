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
  text?: string;
  content?: FactBlock[];
}

// The attribute holds `<key>@<fingerprint>`: the fingerprint is that of the text the server
// built, so that a rebuild can tell a section nobody touched from one the secretary edited.

function attribute(block: FactBlock): { key: string; fingerprint: string | null } | null {
  const v = block.attrs?.[FACT_ATTRIBUTE];
  if (typeof v !== 'string' || v === '') return null;
  const at = v.lastIndexOf('@');
  return at < 0
    ? { key: v, fingerprint: null }
    : { key: v.slice(0, at), fingerprint: v.slice(at + 1) };
}

/** The fact section a block belongs to, or null. */
export function factOf(block: FactBlock): string | null {
  return attribute(block)?.key ?? null;
}

function textOf(block: FactBlock): string {
  return (block.text ?? '') + (block.content ?? []).map(textOf).join('');
}

/** FNV-1a (32 bits, hex) of the text of some blocks: their fingerprint. */
function fingerprint(blocks: readonly FactBlock[]): string {
  let h = 0x811c9dc5;
  for (const ch of blocks.map(textOf).join('\n')) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Marks every block of a fragment as part of section `key` (with the text's fingerprint). */
export function markFact<T extends FactBlock>(key: string, blocks: T[]): T[] {
  const value = `${key}@${fingerprint(blocks)}`;
  return blocks.map((b) => ({ ...b, attrs: { ...(b.attrs ?? {}), [FACT_ATTRIBUTE]: value } }));
}

/** Whether a section's blocks still hold exactly the text the server built. */
export function isUntouched(blocks: readonly FactBlock[]): boolean {
  const first = blocks[0] ? attribute(blocks[0]) : null;
  if (!first || first.fingerprint === null) return false;
  return first.fingerprint === fingerprint(blocks);
}

/**
 * Puts fresh fact sections into a document's top-level blocks. Each section of `fresh` (blocks
 * grouped by their fact key, in order) replaces every block of that key in `blocks`, at the
 * place of the first one; a section the document lacks goes right after the section placed
 * before it (for the first one, at the end). Blocks without a key in `fresh` are ignored;
 * blocks of other keys and the secretary's own text stay as they are. With `keepEdited`, a
 * section whose text someone changed is left as it is.
 */
export function replaceFactSections<T extends FactBlock>(
  blocks: readonly T[],
  fresh: readonly T[],
  options: { keepEdited?: boolean } = {},
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
  const isOf = (s: Slot, key: string): boolean => 'block' in s && factOf(s.block) === key;
  let previous: string | null = null;
  for (const section of sections) {
    const existing = slots.flatMap((s) =>
      'block' in s && factOf(s.block) === section.key ? [s.block] : [],
    );
    const first = slots.findIndex((s) => isOf(s, section.key));
    const placed: Slot = {
      key: section.key,
      blocks:
        options.keepEdited && existing.length > 0 && !isUntouched(existing)
          ? existing
          : section.blocks,
    };
    if (first >= 0) {
      const rest = slots.filter((s, i) => i === first || !isOf(s, section.key));
      slots.splice(0, slots.length, ...rest);
      slots[slots.findIndex((s) => isOf(s, section.key))] = placed;
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
