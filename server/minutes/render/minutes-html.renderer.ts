import type { MinutesDocumentMeta, MinutesNode } from '../../contracts/minutes';
import { MinutesContentError } from './content-blocks';
import { MOTTO, NATIONAL_TITLE, docTypeName, placeDateLine, recipientLines } from './nd30-layout';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and attribute values (and normalises it to NFC). */
export function escapeHtml(s: string): string {
  return s.normalize('NFC').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const MARK_TAGS: Partial<Record<string, string>> = {
  bold: 'strong',
  italic: 'em',
  underline: 'u',
  strike: 's',
  code: 'code',
};

function inlineHtml(n: MinutesNode): string {
  if (n.type === 'hardBreak') return '<br>';
  if (n.type !== 'text') throw new MinutesContentError(`"${n.type}" is not inline`);
  let html = escapeHtml(n.text ?? '');
  for (const m of n.marks ?? []) {
    const tag = MARK_TAGS[m.type];
    // SECURITY: links are rendered as their text: a published record loads and leads nowhere.
    if (tag) html = `<${tag}>${html}</${tag}>`;
  }
  return html;
}

function blockHtml(n: MinutesNode, depth: number): string {
  if (depth > 40) throw new MinutesContentError('content nested too deeply');
  const inner = (): string => (n.content ?? []).map((c) => blockHtml(c, depth + 1)).join('');
  const inline = (): string => (n.content ?? []).map(inlineHtml).join('');
  switch (n.type) {
    case 'paragraph':
      return `<p>${inline()}</p>`;
    case 'heading': {
      const raw = n.attrs?.level;
      const level = typeof raw === 'number' ? Math.min(5, Math.max(1, Math.trunc(raw))) + 1 : 3;
      return `<h${String(level)}>${inline()}</h${String(level)}>`;
    }
    case 'bulletList':
      return `<ul>${inner()}</ul>`;
    case 'orderedList': {
      const start = n.attrs?.start;
      const attr =
        typeof start === 'number' && start !== 1 ? ` start="${String(Math.trunc(start))}"` : '';
      return `<ol${attr}>${inner()}</ol>`;
    }
    case 'listItem':
      return `<li>${inner()}</li>`;
    case 'blockquote':
      return `<blockquote>${inner()}</blockquote>`;
    case 'horizontalRule':
      return '<hr>';
    case 'codeBlock':
      return `<pre>${inline()}</pre>`;
    default:
      throw new MinutesContentError(`"${n.type}" cannot appear at block level`);
  }
}

const STYLE = `
body{margin:0;background:#f3f3f3;color:#000}
.nd30{box-sizing:border-box;max-width:210mm;margin:0 auto;padding:20mm 15mm 20mm 30mm;background:#fff;font-family:"Times New Roman","Liberation Serif",Tinos,serif;font-size:14pt;line-height:1.3}
.hdr{width:100%;border-collapse:collapse}.hdr td{vertical-align:top;text-align:center;padding:0}
.hdr .l{width:40%}.hdr p{margin:0}.up{text-transform:none}
.parent{font-size:13pt}.issuer{font-size:13pt;font-weight:bold}.nation{font-size:13pt;font-weight:bold}
.motto{font-size:14pt;font-weight:bold}.num{font-size:13pt;margin-top:6pt!important}
.date{font-size:14pt;font-style:italic;margin-top:6pt!important}
.rule{display:block;margin:2pt auto 0;border:0;border-top:1px solid #000}
.type{font-size:14pt;font-weight:bold;text-align:center;margin:18pt 0 0}
.title{font-size:14pt;font-weight:bold;text-align:center;margin:0}
.content{margin-top:12pt;text-align:justify}.content p{margin:0 0 6pt;text-indent:1.27cm}
.content li p{text-indent:0}.content h2,.content h3,.content h4,.content h5,.content h6{font-size:14pt;margin:6pt 0;text-indent:1.27cm}
.sig{width:100%;border-collapse:collapse;margin-top:12pt}.sig td{vertical-align:top;text-align:center;width:50%}
.sig .who{font-weight:bold;margin:0}.sig .name{font-weight:bold;margin:72pt 0 0}
.to{margin-top:12pt;text-align:left;text-indent:0}.to .lbl{font-size:12pt;font-weight:bold;font-style:italic;margin:0}
.to p{font-size:11pt;margin:0}
`;

function signatureCell(s: MinutesDocumentMeta['signatures'][number] | undefined): string {
  if (!s) return '<td></td>';
  const who = [...s.authority, s.title].map((l) => `<p class="who">${escapeHtml(l)}</p>`).join('');
  return `<td>${who}<p class="name">${escapeHtml(s.name)}</p></td>`;
}

function recipientsHtml(meta: MinutesDocumentMeta): string {
  const lines = recipientLines(meta)
    .map((l) => `<p>${escapeHtml(l)}</p>`)
    .join('');
  return `<div class="to"><p class="lbl">Nơi nhận:</p>${lines}</div>`;
}

/**
 * Renders the document as one self-contained HTML page (inline style, no script, no external
 * resource; a CSP forbids loading any), every text escaped. Throws MinutesContentError on a
 * tree that is not a StarterKit document.
 */
export function renderMinutesHtml(content: MinutesNode, meta: MinutesDocumentMeta): string {
  if (content.type !== 'doc') throw new MinutesContentError('content: the root must be "doc"');
  const body = (content.content ?? []).map((n) => blockHtml(n, 0)).join('\n');
  const placeDate = placeDateLine(meta);
  const sigs = meta.signatures;
  // One signer: recipients on the left, signature on the right (ND30); two: side by side.
  const signatureRow =
    sigs.length === 1
      ? `<tr><td style="text-align:left">${recipientsHtml(meta)}</td>${signatureCell(sigs[0])}</tr>`
      : `<tr>${signatureCell(sigs[0])}${signatureCell(sigs[1])}</tr>`;
  const trailer = sigs.length === 1 ? '' : recipientsHtml(meta);
  const type = docTypeName(meta);
  return `<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${type} ${meta.numberSymbol}: ${meta.title}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<article class="nd30">
<table class="hdr" role="presentation"><tr>
<td class="l">${meta.parentBody ? `<p class="parent">${escapeHtml(meta.parentBody)}</p>` : ''}<p class="issuer">${escapeHtml(meta.issuingBody)}</p><hr class="rule" style="width:35%"><p class="num">Số: ${escapeHtml(meta.numberSymbol)}</p></td>
<td><p class="nation">${NATIONAL_TITLE}</p><p class="motto">${MOTTO}</p><hr class="rule" style="width:62%">${placeDate ? `<p class="date">${escapeHtml(placeDate)}</p>` : ''}</td>
</tr></table>
<h1 class="type">${type}</h1>
<p class="title">${escapeHtml(meta.title)}</p>
<hr class="rule" style="width:30%">
<section class="content">
${body}
</section>
<table class="sig" role="presentation">${signatureRow}</table>
${trailer}
</article>
</body>
</html>
`;
}
