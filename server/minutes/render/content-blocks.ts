import type { MinutesNode } from '../../contracts/minutes';

/** A piece of text with one set of marks; a hard break is a run whose text is "\n". */
export interface TextRun {
  text: string;
  bold: boolean;
  italic: boolean;
  underline: boolean;
  strike: boolean;
}

/** A block of the paged layout (PDF, DOCX): the ProseMirror tree flattened. */
export type LayoutBlock =
  | { kind: 'heading'; level: number; runs: TextRun[] }
  | {
      kind: 'paragraph';
      runs: TextRun[];
      /** List nesting depth (0 outside lists). */
      depth: number;
      /** "1.", "-" or "+" on the first paragraph of a list item. */
      label?: string;
      quote: boolean;
      preformatted: boolean;
    }
  | { kind: 'rule' };

/** Thrown when the content is not a StarterKit document the renderers can lay out. */
export class MinutesContentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MinutesContentError';
  }
}

const MAX_DEPTH = 40;

function runsOf(nodes: MinutesNode[] | undefined, path: string): TextRun[] {
  const runs: TextRun[] = [];
  for (const [i, n] of (nodes ?? []).entries()) {
    if (n.type === 'hardBreak') {
      runs.push({ text: '\n', bold: false, italic: false, underline: false, strike: false });
    } else if (n.type === 'text') {
      const marks = new Set((n.marks ?? []).map((m) => m.type));
      const value = (n.text ?? '').normalize('NFC');
      if (value === '') continue;
      runs.push({
        text: value,
        bold: marks.has('bold'),
        italic: marks.has('italic'),
        underline: marks.has('underline'),
        strike: marks.has('strike'),
      });
    } else {
      throw new MinutesContentError(`${path}.content[${String(i)}]: "${n.type}" is not inline`);
    }
  }
  return runs;
}

function numberAttr(node: MinutesNode, key: string, fallback: number): number {
  const v = node.attrs?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : fallback;
}

interface Context {
  depth: number;
  quote: boolean;
  label?: string;
}

function walk(nodes: MinutesNode[], ctx: Context, path: string, out: LayoutBlock[]): void {
  if (ctx.depth > MAX_DEPTH) throw new MinutesContentError(`${path}: lists nested too deeply`);
  let label = ctx.label;
  for (const [i, node] of nodes.entries()) {
    const here = `${path}.content[${String(i)}]`;
    const paragraphBlock = (runs: TextRun[], preformatted: boolean): void => {
      out.push({
        kind: 'paragraph',
        runs,
        depth: ctx.depth,
        label,
        quote: ctx.quote,
        preformatted,
      });
      label = undefined;
    };
    switch (node.type) {
      case 'paragraph':
        paragraphBlock(runsOf(node.content, here), false);
        break;
      case 'codeBlock':
        paragraphBlock(runsOf(node.content, here), true);
        break;
      case 'heading':
        out.push({
          kind: 'heading',
          level: Math.min(6, Math.max(1, numberAttr(node, 'level', 2))),
          runs: runsOf(node.content, here),
        });
        break;
      case 'horizontalRule':
        out.push({ kind: 'rule' });
        break;
      case 'blockquote':
        walk(node.content ?? [], { ...ctx, quote: true, label }, here, out);
        label = undefined;
        break;
      case 'bulletList':
      case 'orderedList': {
        const start = numberAttr(node, 'start', 1);
        for (const [j, item] of (node.content ?? []).entries()) {
          if (item.type !== 'listItem') {
            throw new MinutesContentError(
              `${here}.content[${String(j)}]: a list holds list items, not "${item.type}"`,
            );
          }
          const itemLabel =
            node.type === 'orderedList' ? `${String(start + j)}.` : ctx.depth % 2 === 0 ? '-' : '+';
          walk(
            item.content ?? [],
            { depth: ctx.depth + 1, quote: ctx.quote, label: itemLabel },
            `${here}.content[${String(j)}]`,
            out,
          );
        }
        break;
      }
      default:
        throw new MinutesContentError(`${here}: "${node.type}" cannot appear here`);
    }
  }
}

/**
 * Flattens the ProseMirror document into layout blocks (text NFC). Throws MinutesContentError
 * when the tree is not a StarterKit document (inline nodes at block level, stray list items).
 */
export function toLayoutBlocks(content: MinutesNode): LayoutBlock[] {
  if (content.type !== 'doc') throw new MinutesContentError('content: the root must be "doc"');
  const out: LayoutBlock[] = [];
  walk(content.content ?? [], { depth: 0, quote: false }, 'content', out);
  return out;
}

/** The plain text of a document's runs (for tests and search). */
export function plainText(blocks: LayoutBlock[]): string {
  return blocks
    .map((b) =>
      b.kind === 'rule'
        ? ''
        : `${b.kind === 'paragraph' && b.label ? `${b.label} ` : ''}${b.runs.map((r) => r.text).join('')}`,
    )
    .join('\n');
}
