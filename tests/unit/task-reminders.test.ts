import { describe, expect, it } from 'vitest';
import { formatMessage } from '../../server/mail/smtp-client';
import { reminderDue, reminderText } from '../../server/tasks/task-reminders';

describe('reminderDue', () => {
  it('is due 7 days and 1 day before the deadline, and after it has passed', () => {
    expect(reminderDue('2027-01-31', '2027-01-24')).toBe('7d');
    expect(reminderDue('2027-01-31', '2027-01-25')).toBeNull();
    expect(reminderDue('2027-01-31', '2027-01-30')).toBe('1d');
    expect(reminderDue('2027-01-31', '2027-01-31')).toBeNull();
    expect(reminderDue('2027-01-31', '2027-02-01')).toBe('overdue');
  });

  it("follows a unit's own offsets, and stays quiet after the deadline when told to", () => {
    const rule = { daysBefore: [10, 3], overdue: false };
    expect(reminderDue('2027-01-31', '2027-01-21', rule)).toBe('10d');
    expect(reminderDue('2027-01-31', '2027-01-24', rule)).toBeNull();
    expect(reminderDue('2027-01-31', '2027-01-28', rule)).toBe('3d');
    expect(reminderDue('2027-01-31', '2027-01-30', rule)).toBeNull();
    expect(reminderDue('2027-01-31', '2027-02-01', rule)).toBeNull();
  });
});

describe('reminderText', () => {
  it('writes the deadline the Vietnamese way and links the task', () => {
    const text = reminderText(
      { title: 'Hoàn thiện Đề án', deadline: '2027-01-31', meetingTitle: 'Phiên họp tháng 12' },
      '1d',
      'http://127.0.0.1:8080/tasks/abc',
    );
    expect(text.subject).toBe('Nhắc hạn nhiệm vụ (còn 1 ngày): Hoàn thiện Đề án');
    expect(text.body).toContain('đến hạn hoàn thành vào ngày 31/01/2027');
    expect(text.body).toContain('http://127.0.0.1:8080/tasks/abc');
  });

  it('says how many days are left for any offset', () => {
    const text = reminderText(
      { title: 'Hoàn thiện Đề án', deadline: '2027-01-31', meetingTitle: 'Phiên họp tháng 12' },
      '10d',
      'http://127.0.0.1:8080/tasks/abc',
    );
    expect(text.subject).toBe('Nhắc hạn nhiệm vụ (còn 10 ngày): Hoàn thiện Đề án');
  });
});

describe('formatMessage', () => {
  const raw = formatMessage(
    {
      from: 'Diên Hồng <no-reply@dienhong.local>',
      to: ['Hoàng Đức Cường <snv@example.gov.vn>'],
      subject: 'Nhiệm vụ quá hạn',
      text: 'Kính gửi đơn vị chủ trì,\n.\nHết.',
    },
    new Date('2027-02-01T00:00:00Z'),
  );
  const [head = '', body = ''] = raw.split('\r\n\r\n');

  it('encodes Vietnamese headers as UTF-8 encoded-words', () => {
    const subject = /^Subject: =\?UTF-8\?B\?([^?]+)\?=$/m.exec(head)?.[1] ?? '';
    expect(Buffer.from(subject, 'base64').toString('utf8')).toBe('Nhiệm vụ quá hạn');
    expect(head).toMatch(/^To: =\?UTF-8\?B\?[^?]+\?= <snv@example\.gov\.vn>$/m);
  });

  it('sends the body as base64 UTF-8 in short lines (no bare dot line can end the DATA)', () => {
    expect(body.split('\r\n').every((l) => l.length <= 76 && !l.startsWith('.'))).toBe(true);
    expect(Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('utf8')).toBe(
      'Kính gửi đơn vị chủ trì,\n.\nHết.',
    );
  });
});
