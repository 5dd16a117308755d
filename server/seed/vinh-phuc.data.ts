/**
 * Demo administrative data: Vĩnh Phúc province as it was organised before the July 2025 reform
 * (9 district-level units, communes below them). District codes are the General Statistics
 * Office codes (province 26). Commune names are real names of communes, wards and townships
 * of the province as the authors know them; their codes are local demo codes (`VP-<district>-NN`),
 * not official ones. Entries marked `sample: true` are invented to complete the demo set.
 * Check against the official list before relying on any of it.
 */

/** One district-level unit and the communes below it. */
export interface DistrictSeed {
  code: string;
  name: string;
  shortName: string;
  communes: string[];
}

/** The provincial People's Committee (the host of the demo meetings). */
export const PROVINCE = {
  code: '26',
  name: 'Ủy ban nhân dân tỉnh Vĩnh Phúc',
  shortName: 'UBND tỉnh Vĩnh Phúc',
} as const;

/** Departments and offices under the provincial People's Committee. */
export const DEPARTMENTS: { code: string; name: string; shortName: string }[] = [
  { code: '26-VP', name: 'Văn phòng Ủy ban nhân dân tỉnh', shortName: 'Văn phòng UBND tỉnh' },
  { code: '26-SNV', name: 'Sở Nội vụ', shortName: 'Sở Nội vụ' },
  { code: '26-STC', name: 'Sở Tài chính', shortName: 'Sở Tài chính' },
  { code: '26-SKHDT', name: 'Sở Kế hoạch và Đầu tư', shortName: 'Sở KH&ĐT' },
  { code: '26-STP', name: 'Sở Tư pháp', shortName: 'Sở Tư pháp' },
  { code: '26-STTTT', name: 'Sở Thông tin và Truyền thông', shortName: 'Sở TT&TT' },
  { code: '26-SGDDT', name: 'Sở Giáo dục và Đào tạo', shortName: 'Sở GD&ĐT' },
  { code: '26-SYT', name: 'Sở Y tế', shortName: 'Sở Y tế' },
];

/** The 9 district-level units with their communes, wards and townships. */
export const DISTRICTS: DistrictSeed[] = [
  {
    code: '243',
    name: 'Ủy ban nhân dân thành phố Vĩnh Yên',
    shortName: 'TP. Vĩnh Yên',
    communes: [
      'Phường Tích Sơn',
      'Phường Liên Bảo',
      'Phường Hội Hợp',
      'Phường Đống Đa',
      'Phường Ngô Quyền',
      'Phường Đồng Tâm',
      'Phường Khai Quang',
      'Xã Định Trung',
      'Xã Thanh Trù',
    ],
  },
  {
    code: '244',
    name: 'Ủy ban nhân dân thành phố Phúc Yên',
    shortName: 'TP. Phúc Yên',
    communes: [
      'Phường Trưng Trắc',
      'Phường Hùng Vương',
      'Phường Trưng Nhị',
      'Phường Phúc Thắng',
      'Phường Xuân Hoà',
      'Phường Đồng Xuân',
      'Phường Tiền Châu',
      'Phường Nam Viêm',
      'Xã Ngọc Thanh',
      'Xã Cao Minh',
    ],
  },
  {
    code: '246',
    name: 'Ủy ban nhân dân huyện Lập Thạch',
    shortName: 'H. Lập Thạch',
    communes: [
      'Thị trấn Lập Thạch',
      'Thị trấn Hoa Sơn',
      'Xã Quang Sơn',
      'Xã Ngọc Mỹ',
      'Xã Hợp Lý',
      'Xã Bắc Bình',
      'Xã Thái Hòa',
      'Xã Liễn Sơn',
      'Xã Xuân Hòa',
      'Xã Vân Trục',
      'Xã Liên Hòa',
      'Xã Tử Du',
      'Xã Bàn Giản',
      'Xã Xuân Lôi',
      'Xã Đồng Ích',
      'Xã Tiên Lữ',
      'Xã Văn Quán',
      'Xã Đình Chu',
      'Xã Triệu Đề',
      'Xã Sơn Đông',
    ],
  },
  {
    code: '247',
    name: 'Ủy ban nhân dân huyện Tam Dương',
    shortName: 'H. Tam Dương',
    communes: [
      'Thị trấn Hợp Hòa',
      'Xã Hoàng Hoa',
      'Xã Đồng Tĩnh',
      'Xã Kim Long',
      'Xã Hướng Đạo',
      'Xã Đạo Tú',
      'Xã An Hòa',
      'Xã Thanh Vân',
      'Xã Duy Phiên',
      'Xã Hoàng Đan',
      'Xã Hoàng Lâu',
      'Xã Hợp Thịnh',
      'Xã Vân Hội',
    ],
  },
  {
    code: '248',
    name: 'Ủy ban nhân dân huyện Tam Đảo',
    shortName: 'H. Tam Đảo',
    communes: [
      'Thị trấn Tam Đảo',
      'Thị trấn Hợp Châu',
      'Xã Đại Đình',
      'Xã Tam Quan',
      'Xã Hồ Sơn',
      'Xã Minh Quang',
      'Xã Đạo Trù',
      'Xã Yên Dương',
      'Xã Bồ Lý',
    ],
  },
  {
    code: '249',
    name: 'Ủy ban nhân dân huyện Bình Xuyên',
    shortName: 'H. Bình Xuyên',
    communes: [
      'Thị trấn Hương Canh',
      'Thị trấn Gia Khánh',
      'Thị trấn Thanh Lãng',
      'Thị trấn Đạo Đức',
      'Xã Phú Xuân',
      'Xã Sơn Lôi',
      'Xã Bá Hiến',
      'Xã Trung Mỹ',
      'Xã Thiện Kế',
      'Xã Hương Sơn',
      'Xã Tam Hợp',
      'Xã Quất Lưu',
      'Xã Tân Phong',
    ],
  },
  {
    code: '251',
    name: 'Ủy ban nhân dân huyện Yên Lạc',
    shortName: 'H. Yên Lạc',
    communes: [
      'Thị trấn Yên Lạc',
      'Xã Đồng Cương',
      'Xã Đồng Văn',
      'Xã Bình Định',
      'Xã Trung Nguyên',
      'Xã Tề Lỗ',
      'Xã Tam Hồng',
      'Xã Yên Đồng',
      'Xã Văn Tiến',
      'Xã Nguyệt Đức',
      'Xã Yên Phương',
      'Xã Hồng Phương',
      'Xã Trung Kiên',
      'Xã Liên Châu',
      'Xã Đại Tự',
      'Xã Hồng Châu',
      'Xã Trung Hà',
    ],
  },
  {
    code: '252',
    name: 'Ủy ban nhân dân huyện Vĩnh Tường',
    shortName: 'H. Vĩnh Tường',
    communes: [
      'Thị trấn Vĩnh Tường',
      'Thị trấn Thổ Tang',
      'Thị trấn Tứ Trưng',
      'Xã Kim Xá',
      'Xã Yên Bình',
      'Xã Chấn Hưng',
      'Xã Nghĩa Hưng',
      'Xã Yên Lập',
      'Xã Việt Xuân',
      'Xã Bồ Sao',
      'Xã Đại Đồng',
      'Xã Tân Tiến',
      'Xã Lũng Hoà',
      'Xã Cao Đại',
      'Xã Vĩnh Sơn',
      'Xã Bình Dương',
      'Xã Tân Phú',
      'Xã Thượng Trưng',
      'Xã Vũ Di',
      'Xã Lý Nhân',
      'Xã Tuân Chính',
      'Xã Vĩnh Thịnh',
      'Xã Ngũ Kiên',
      'Xã An Tường',
      'Xã Vĩnh Ninh',
      'Xã Phú Đa',
      'Xã Vĩnh Phú',
    ],
  },
  {
    code: '253',
    name: 'Ủy ban nhân dân huyện Sông Lô',
    shortName: 'H. Sông Lô',
    communes: [
      'Thị trấn Tam Sơn',
      'Xã Quang Yên',
      'Xã Lãng Công',
      'Xã Hải Lựu',
      'Xã Đôn Nhân',
      'Xã Phương Khoan',
      'Xã Nhân Đạo',
      'Xã Đồng Quế',
      'Xã Nhạo Sơn',
      'Xã Như Thụy',
      'Xã Yên Thạch',
      'Xã Đồng Thịnh',
      'Xã Tứ Yên',
      'Xã Đức Bác',
      'Xã Cao Phong',
      'Xã Tân Lập',
      'Xã Bạch Lưu',
    ],
  },
];

/** How many commune-level units the demo province has. */
export const COMMUNE_COUNT = 137;

/**
 * Invented communes that complete the demo set to {@link COMMUNE_COUNT}; their names say so.
 * They are attached to the district with the fewest communes.
 */
export function sampleCommuneNames(missing: number): string[] {
  return Array.from({ length: missing }, (_, i) => `Xã Mẫu ${i + 1} (dữ liệu mẫu)`);
}
