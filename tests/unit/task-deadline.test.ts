import { describe, expect, it } from 'vitest';
import { daysBetween, proposeDeadline, vietnamDay } from '../../server/contracts/task-deadline';

describe('proposeDeadline on sentences of notices of conclusions', () => {
  const cases: [string, string, string][] = [
    [
      'Giao Sở Tài chính chủ trì, phối hợp với Sở Kế hoạch và Đầu tư rà soát, tham mưu UBND tỉnh phân bổ vốn đầu tư công năm 2027, hoàn thành trước ngày 31/01/2027.',
      '2027-01-31',
      'trước ngày 31/01/2027',
    ],
    [
      'Sở Nội vụ khẩn trương hoàn thiện Đề án sắp xếp đơn vị hành chính cấp xã, báo cáo UBND tỉnh chậm nhất ngày 15 tháng 3 năm 2027.',
      '2027-03-15',
      'chậm nhất ngày 15 tháng 3 năm 2027',
    ],
    [
      'UBND thành phố Vĩnh Yên hoàn thành giải phóng mặt bằng dự án đường vành đai 3 trong tháng 02/2027.',
      '2027-02-28',
      'tháng 02/2027',
    ],
    [
      'Giao Văn phòng UBND tỉnh tổng hợp, báo cáo kết quả thực hiện trước 30/6/2027.',
      '2027-06-30',
      'trước 30/6/2027',
    ],
    [
      'Sở Kế hoạch và Đầu tư trình UBND tỉnh kế hoạch đầu tư công trung hạn trong quý I/2027.',
      '2027-03-31',
      'quý I/2027',
    ],
    [
      'Các sở, ngành hoàn thành việc số hóa hồ sơ thủ tục hành chính trong năm 2027.',
      '2027-12-31',
      'trong năm 2027',
    ],
    [
      'Sở Tài chính báo cáo UBND tỉnh trong tháng 2 năm 2028 (năm nhuận).',
      '2028-02-29',
      'tháng 2 năm 2028',
    ],
  ];
  for (const [sentence, day, phrase] of cases) {
    it(`reads ${day} from "${phrase}"`, () => {
      expect(proposeDeadline(sentence)).toEqual({ day, phrase });
    });
  }

  it('takes the first deadline when a sentence names two', () => {
    const s =
      'Báo cáo sơ bộ trước ngày 15/01/2027; báo cáo chính thức chậm nhất ngày 28 tháng 02 năm 2027.';
    expect(proposeDeadline(s)?.day).toBe('2027-01-15');
  });

  it('reads text typed in decomposed Unicode (NFD) the same', () => {
    const s = 'hoàn thành trước ngày 31/01/2027'.normalize('NFD');
    expect(proposeDeadline(s)?.day).toBe('2027-01-31');
  });

  it('proposes nothing for an impossible date', () => {
    expect(proposeDeadline('Hoàn thành trước ngày 31/02/2027.')).toBeNull();
  });

  it('proposes nothing for a sentence without a deadline', () => {
    expect(
      proposeDeadline('UBND tỉnh đánh giá cao sự chủ động của các sở, ngành trong năm qua.'),
    ).toBeNull();
  });

  it('does not read a document number as a date', () => {
    expect(proposeDeadline('Thực hiện theo Quyết định số 12/2026/QĐ-UBND.')).toBeNull();
  });
});

describe('days in Asia/Ho_Chi_Minh', () => {
  it('is already the next day at 17:00 UTC', () => {
    expect(vietnamDay(new Date('2027-01-31T16:59:59Z'))).toBe('2027-01-31');
    expect(vietnamDay(new Date('2027-01-31T17:00:00Z'))).toBe('2027-02-01');
  });

  it('counts whole days between two days', () => {
    expect(daysBetween('2027-01-24', '2027-01-31')).toBe(7);
    expect(daysBetween('2027-02-01', '2027-01-31')).toBe(-1);
  });
});
