import { describe, expect, it } from 'vitest';
import { MinutesContentError } from '../../server/minutes/render/content-blocks';
import { renderMinutesHtml } from '../../server/minutes/render/minutes-html.renderer';
import { buildMinutesTemplate } from '../../server/minutes/templates/minutes.template';
import { buildNoticeTemplate } from '../../server/minutes/templates/notice.template';
import { ATTENDEE_NAMES, buildMeetingFacts } from '../support/minutes-fixtures';

describe('renderMinutesHtml', () => {
  it('renders the ND30 header, title, content, signatures and recipients', () => {
    const { content, meta } = buildMinutesTemplate(buildMeetingFacts());
    const html = renderMinutesHtml(content, meta);
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(html).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(html).toContain('Số: 12/BB-UBND');
    expect(html).toContain('<h1 class="type">BIÊN BẢN</h1>');
    expect(html).toContain(ATTENDEE_NAMES.absent);
    expect(html).toContain('THƯ KÝ');
    expect(html).toContain('- Lưu: VT, TH.');
    // The minutes form has no place-and-date line; the notice has one.
    expect(html).not.toContain('Vĩnh Phúc, ngày');
    const notice = buildNoticeTemplate(buildMeetingFacts());
    expect(renderMinutesHtml(notice.content, notice.meta)).toContain(
      'Vĩnh Phúc, ngày 23 tháng 11 năm 2026',
    );
  });

  it('escapes text and loads nothing from elsewhere', () => {
    const { meta } = buildMinutesTemplate(buildMeetingFacts());
    const content = {
      type: 'doc' as const,
      content: [
        {
          type: 'paragraph' as const,
          content: [
            { type: 'text' as const, text: '<script>alert(1)</script> & "x"' },
            {
              type: 'text' as const,
              text: 'liên kết',
              marks: [{ type: 'link' as const, attrs: { href: 'https://example.org/x.png' } }],
            },
          ],
        },
      ],
    };
    const html = renderMinutesHtml(content, { ...meta, title: '<img src=x onerror=alert(1)>' });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;');
    expect(html).not.toMatch(/<[^>]*\s(src|href|onerror)=/);
    expect(html).not.toContain('url(');
    expect(html).not.toContain('example.org');
    expect(html).toContain("default-src 'none'");
  });

  it('refuses a node the editor schema does not have', () => {
    const { meta } = buildMinutesTemplate(buildMeetingFacts());
    const bad = { type: 'doc', content: [{ type: 'image' }] } as unknown as Parameters<
      typeof renderMinutesHtml
    >[0];
    expect(() => renderMinutesHtml(bad, meta)).toThrow(MinutesContentError);
  });
});
