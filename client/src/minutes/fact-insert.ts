import type { Editor } from '@tiptap/core';
import { factOf } from '../../../collab/contracts/fact-sections';
import type { MinutesNode } from '../../../server/contracts/minutes';

/** Where the blocks of one fact section are in the editor (top-level ranges, in order). */
function sectionRanges(
  doc: {
    forEach(
      f: (node: { attrs: Record<string, unknown>; nodeSize: number }, offset: number) => void,
    ): void;
  },
  key: string,
): { from: number; to: number }[] {
  const ranges: { from: number; to: number }[] = [];
  doc.forEach((node, offset) => {
    if (factOf({ type: 'block', attrs: node.attrs }) === key) {
      ranges.push({ from: offset, to: offset + node.nodeSize });
    }
  });
  return ranges;
}

/**
 * Puts a live fact into the draft as ordinary, editable text: where the draft already holds that
 * fact's section, the section is replaced in place (never a second copy); otherwise at the cursor.
 */
export function placeFact(editor: Editor, content: MinutesNode[]): void {
  const first = content[0];
  const key = first ? factOf(first) : null;
  const ranges = key ? sectionRanges(editor.state.doc, key) : [];
  const at = ranges[0]?.from;
  if (at === undefined) {
    editor.chain().focus().insertContent(content).run();
  } else {
    editor
      .chain()
      .focus()
      .command(({ tr }) => {
        for (const r of [...ranges].reverse()) tr.delete(r.from, r.to);
        return true;
      })
      .insertContentAt(at, content)
      .run();
  }
}
