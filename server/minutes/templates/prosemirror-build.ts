import type { MinutesMark, MinutesNode } from '../../contracts/minutes';

// Small builders for ProseMirror JSON in the StarterKit schema. Text is NFC and never empty
// (ProseMirror rejects empty text nodes).

type Inline = MinutesNode | string;

/** A text node (NFC) with the given marks. */
export function text(value: string, ...marks: MinutesMark['type'][]): MinutesNode {
  const node: MinutesNode = { type: 'text', text: value.normalize('NFC') };
  if (marks.length > 0) node.marks = marks.map((type) => ({ type }));
  return node;
}

/** Bold text. */
export const bold = (value: string): MinutesNode => text(value, 'bold');
/** Italic text. */
export const italic = (value: string): MinutesNode => text(value, 'italic');

function inlines(parts: Inline[]): MinutesNode[] {
  return parts
    .map((p) => (typeof p === 'string' ? text(p) : p))
    .filter((n) => n.type !== 'text' || (n.text ?? '') !== '');
}

/** A paragraph of text nodes (strings become plain text). */
export function paragraph(...parts: Inline[]): MinutesNode {
  const content = inlines(parts);
  return content.length > 0 ? { type: 'paragraph', content } : { type: 'paragraph' };
}

/** A heading of level 1 to 3. */
export function heading(level: 1 | 2 | 3, ...parts: Inline[]): MinutesNode {
  return { type: 'heading', attrs: { level }, content: inlines(parts) };
}

/** "Label: value" with the label in bold. */
export function labelled(label: string, ...value: Inline[]): MinutesNode {
  return paragraph(bold(`${label}: `), ...value);
}

function listItems(items: MinutesNode[][]): MinutesNode[] {
  return items.map((blocks) => ({ type: 'listItem', content: blocks }));
}

/** A bullet list; each item is a list of block nodes (usually one paragraph). */
export function bulletList(items: MinutesNode[][]): MinutesNode {
  return { type: 'bulletList', content: listItems(items) };
}

/** An ordered list starting at `start`. */
export function orderedList(items: MinutesNode[][], start = 1): MinutesNode {
  return { type: 'orderedList', attrs: { start }, content: listItems(items) };
}

/** A whole document. */
export function doc(blocks: MinutesNode[]): MinutesNode {
  return { type: 'doc', content: blocks.length > 0 ? blocks : [paragraph()] };
}

/** "Nguyễn Văn A, Giám đốc Sở Tài chính" (position only when known). */
export function personLine(p: { name: string; position?: string }): string {
  return p.position ? `${p.name}, ${p.position}` : p.name;
}
