import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { renderMinutesDocx } from '../../server/minutes/render/minutes-docx.renderer';
import { renderMinutesHtml } from '../../server/minutes/render/minutes-html.renderer';
import { renderMinutesPdf } from '../../server/minutes/render/minutes-pdf.renderer';
import { buildMinutesTemplate } from '../../server/minutes/templates/minutes.template';
import { buildNoticeTemplate } from '../../server/minutes/templates/notice.template';
import { ATTENDEE_NAMES, buildMeetingFacts } from '../support/minutes-fixtures';
import { pdfinfo, pdftotext } from '../support/poppler';

const dir = join(inject('stack').tmpDir, `minutes-formats-${String(process.pid)}`);
const { content, meta } = buildMinutesTemplate(buildMeetingFacts());
let pdf: Buffer;
let docx: Buffer;
let html: string;
const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  [pdf, docx] = await Promise.all([
    renderMinutesPdf(content, meta),
    renderMinutesDocx(content, meta),
  ]);
  html = renderMinutesHtml(content, meta);
  writeFileSync(join(dir, 'minutes.pdf'), pdf);
  writeFileSync(join(dir, 'minutes.docx'), docx);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const names = Object.values(ATTENDEE_NAMES).filter((n) => n !== ATTENDEE_NAMES.vinhYen);

describe('the three formats from the same content', () => {
  it('PDF: pdftotext returns the Quốc hiệu, Tiêu ngữ and attendees’ names, in NFC', () => {
    const text = pdftotext(join(dir, 'minutes.pdf'));
    expect(text.normalize('NFC')).toBe(text);
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).toContain('Độc lập - Tự do - Hạnh phúc');
    // The issuing body wraps in its column.
    expect(text.replace(/\s+/g, ' ')).toContain('ỦY BAN NHÂN DÂN TỈNH VĨNH PHÚC');
    expect(text).toContain('Số: 12/BB-UBND');
    expect(text).toContain('BIÊN BẢN');
    for (const name of names) expect(text).toContain(name);
    expect(text).toContain('Nơi nhận:');
  });

  it('PDF: A4, Liberation Serif embedded as subsets, fixed creation date', () => {
    const info = pdfinfo(join(dir, 'minutes.pdf'));
    expect(info['Page size']).toMatch(/^595\.2\d? x 841\.8\d? pts \(A4\)/);
    const fonts = execFileSync('pdffonts', [join(dir, 'minutes.pdf')], { encoding: 'utf8' });
    const rows = fonts
      .split('\n')
      .slice(2)
      .filter((l) => l.trim() !== '');
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const row of rows) expect(row).toMatch(/^[A-Z]{6}\+LiberationSerif\S*\s.*\byes yes yes\b/);
    expect(info.CreationDate).toContain('2026');
  });

  it('DOCX: a valid zip whose document.xml holds the text in Times New Roman, A4', () => {
    const file = join(dir, 'minutes.docx');
    execFileSync('unzip', ['-tq', file]);
    const xml = execFileSync('unzip', ['-p', file, 'word/document.xml'], { encoding: 'utf8' });
    expect(xml).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(xml).toContain('Độc lập - Tự do - Hạnh phúc');
    for (const name of names) expect(xml).toContain(name);
    expect(xml).toContain('w:w="11906"');
    expect(xml).toContain('w:h="16838"');
    const styles = execFileSync('unzip', ['-p', file, 'word/styles.xml'], { encoding: 'utf8' });
    expect(styles).toContain('Times New Roman');
  });

  it('HTML: the same words', () => {
    for (const name of names) expect(html).toContain(name);
    expect(html).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
  });

  it('renders reproducibly: same input, same bytes in every format', async () => {
    const [pdf2, docx2] = await Promise.all([
      renderMinutesPdf(content, meta),
      renderMinutesDocx(content, meta),
    ]);
    expect(sha(pdf2)).toBe(sha(pdf));
    expect(sha(docx2)).toBe(sha(docx));
    expect(sha(renderMinutesHtml(content, meta))).toBe(sha(html));
  });

  it('the notice of conclusions prints its place and date', async () => {
    const notice = buildNoticeTemplate(buildMeetingFacts());
    const file = join(dir, 'notice.pdf');
    writeFileSync(file, await renderMinutesPdf(notice.content, notice.meta));
    const text = pdftotext(file);
    expect(text).toContain('THÔNG BÁO');
    expect(text).toContain('Vĩnh Phúc, ngày 23 tháng 11 năm 2026');
    expect(text).toContain('Số: 12/TB-UBND');
  });
});
