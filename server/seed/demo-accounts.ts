import type { UserRole } from '../contracts/users';

/** The shared password of every demo account (documented in the README; change it in production). */
export const DEMO_PASSWORD = 'DienHong@2026';

/** A demo account: fictional people in real offices of the demo province. */
export interface DemoAccount {
  username: string;
  fullName: string;
  title: string;
  /** Unit code (see vinh-phuc.data.ts). */
  unitCode: string;
  roles: UserRole[];
  /** What the account is for, shown in the start banner and the README. */
  purpose: string;
}

/** Demo accounts created by the seed. */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  {
    username: 'admin',
    fullName: 'Quản trị hệ thống',
    title: 'Quản trị viên',
    unitCode: '26',
    roles: ['system_admin', 'member'],
    purpose: 'system administrator',
  },
  {
    username: 'chutich',
    fullName: 'Lê Minh Quân',
    title: 'Chủ tịch UBND tỉnh',
    unitCode: '26',
    roles: ['member'],
    purpose: 'chair (provincial leader)',
  },
  {
    username: 'thuky',
    fullName: 'Phạm Thu Hà',
    title: 'Chuyên viên Văn phòng UBND tỉnh',
    unitCode: '26-VP',
    roles: ['member'],
    purpose: 'meeting secretary',
  },
  {
    username: 'daibieu1',
    fullName: 'Nguyễn Văn An',
    title: 'Giám đốc Sở Tài chính',
    unitCode: '26-STC',
    roles: ['member'],
    purpose: 'delegate',
  },
  {
    username: 'daibieu2',
    fullName: 'Trần Thị Bình',
    title: 'Giám đốc Sở Kế hoạch và Đầu tư',
    unitCode: '26-SKHDT',
    roles: ['member'],
    purpose: 'delegate',
  },
  {
    username: 'daibieu3',
    fullName: 'Hoàng Đức Cường',
    title: 'Giám đốc Sở Nội vụ',
    unitCode: '26-SNV',
    roles: ['member'],
    purpose: 'delegate',
  },
  {
    username: 'diemcau.vinhyen',
    fullName: 'Vũ Quang Dũng',
    title: 'Chuyên viên Văn phòng HĐND và UBND thành phố Vĩnh Yên',
    unitCode: '243',
    roles: ['site_operator', 'member'],
    purpose: 'district site operator (TP. Vĩnh Yên)',
  },
  {
    username: 'diemcau.tamhop',
    fullName: 'Đỗ Thị Hạnh',
    title: 'Công chức Văn phòng - Thống kê xã Tam Hợp',
    unitCode: 'VP-249-11',
    roles: ['site_operator', 'member'],
    purpose: 'commune site operator (Xã Tam Hợp)',
  },
  {
    username: 'quantri.vinhyen',
    fullName: 'Bùi Văn Khoa',
    title: 'Quản trị hệ thống TP. Vĩnh Yên',
    unitCode: '243',
    roles: ['unit_admin', 'member'],
    purpose: 'unit administrator (TP. Vĩnh Yên)',
  },
];
