/** Strings saying, for each visibility of a meeting, who sees it and who reads its minutes. */
export const vi = {
  visibilityHelp: {
    public:
      'Mọi người đã đăng nhập thấy cuộc họp. Biên bản khi ban hành được công bố công khai trên trang Tra cứu biên bản: ai cũng xem và kiểm tra được, không cần đăng nhập.',
    internal:
      'Chỉ cán bộ của đơn vị chủ trì và các đơn vị cấp dưới, cùng người được mời, thấy cuộc họp và đọc được biên bản. Biên bản không bao giờ được công bố công khai.',
    confidential:
      'Chỉ người được mời và người vận hành điểm cầu thấy cuộc họp và đọc được biên bản; người khác không biết cuộc họp này tồn tại. Biên bản không bao giờ được công bố công khai.',
  },
};

export const en: typeof vi = {
  visibilityHelp: {
    public:
      'Everyone logged in sees the meeting. Its minutes, once published, are public on the records page: anyone can read and verify them without logging in.',
    internal:
      'Only staff of the host unit and the units below it, and those invited, see the meeting and read its minutes. The minutes are never made public.',
    confidential:
      'Only those invited and the site operators see the meeting and read its minutes; nobody else learns that it exists. The minutes are never made public.',
  },
};
