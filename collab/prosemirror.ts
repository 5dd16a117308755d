import { Extension, getSchema } from '@tiptap/core';
import type { JSONContent } from '@tiptap/core';
import { Node } from '@tiptap/pm/model';
import type { Schema } from '@tiptap/pm/model';
import StarterKit from '@tiptap/starter-kit';
import { updateYFragment, yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import type * as Y from 'yjs';
import { FACT_ATTRIBUTE, factGlobalAttributes } from './contracts/fact-sections';

// Conversion between a Tiptap document in a Y.XmlFragment and ProseMirror JSON uses
// @tiptap/y-tiptap (Tiptap's fork of y-prosemirror, the same code the editor's Collaboration
// extension runs), with a schema built by @tiptap/core's getSchema. Reading and writing through
// the editor's own binding keeps the server's view identical to what clients render.

let cached: Schema | undefined;

/** The `fact` attribute of the minutes' fact sections (the editor adds the same extension). */
export const FactSections = Extension.create({
  name: 'factSections',
  addGlobalAttributes: () => factGlobalAttributes,
});

/** The schema of StarterKit (with the fact sections), the default for server-side reads and writes. */
export function defaultProseMirrorSchema(): Schema {
  cached ??= getSchema([StarterKit, FactSections]);
  return cached;
}

/**
 * The fragment's content as a ProseMirror node.
 * @throws when the content does not fit the schema (a node type the schema lacks).
 */
export function fragmentToNode(fragment: Y.XmlFragment, schema: Schema): Node {
  return yXmlFragmentToProseMirrorRootNode(fragment, schema);
}

/** Drops the `fact` attribute where it is unset, so that plain blocks read as they always did. */
function withoutUnsetFacts(node: JSONContent): JSONContent {
  const out: JSONContent = { ...node };
  if (out.attrs && FACT_ATTRIBUTE in out.attrs && out.attrs[FACT_ATTRIBUTE] === null) {
    const { [FACT_ATTRIBUTE]: _unset, ...rest } = out.attrs;
    if (Object.keys(rest).length > 0) out.attrs = rest;
    else delete out.attrs;
  }
  if (out.content) out.content = out.content.map(withoutUnsetFacts);
  return out;
}

/** A node as ProseMirror JSON, without unset `fact` attributes. */
export function nodeToJSON(node: Node): JSONContent {
  return withoutUnsetFacts(node.toJSON() as JSONContent);
}

/** The fragment's content as ProseMirror JSON (`{ type: 'doc', content: [...] }`). */
export function fragmentToJSON(fragment: Y.XmlFragment, schema: Schema): JSONContent {
  return nodeToJSON(fragmentToNode(fragment, schema));
}

/** Plain text of a ProseMirror node: blocks separated by a blank line, hard breaks as newlines. */
export function nodeToText(node: Node): string {
  return node.textBetween(0, node.content.size, '\n\n', (leaf) =>
    leaf.type.name === 'hardBreak' ? '\n' : '',
  );
}

/**
 * Makes the fragment hold the given ProseMirror JSON, changing only what differs (the editor
 * binding's own diff). Call inside a transaction of the fragment's Y.Doc.
 * @throws when the JSON does not fit the schema.
 */
export function writeJSONToFragment(
  doc: Y.Doc,
  fragment: Y.XmlFragment,
  json: JSONContent,
  schema: Schema,
): void {
  const node = Node.fromJSON(schema, json);
  node.check();
  updateYFragment(doc, fragment, node, { mapping: new Map(), isOMark: new Map() });
}
