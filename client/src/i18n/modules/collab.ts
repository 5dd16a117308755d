/** Strings of the shared co-editing pieces (client/src/collab/): link status, editor, presence. */
export const vi = {
  collab: {
    status: {
      connecting: 'Đang kết nối…',
      online: 'Đang cùng soạn thảo',
      offline: 'Ngoại tuyến — thay đổi được lưu trên máy và sẽ gửi khi có mạng',
      'read-only': 'Chỉ xem',
    },
    stopped: {
      forbidden: 'Bạn không có quyền mở tài liệu này. Hãy liên hệ thư ký cuộc họp.',
      unknownDocument: 'Tài liệu không tồn tại hoặc đã bị xóa. Hãy tải lại trang.',
      sessionExpired: 'Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại để tiếp tục soạn thảo.',
      tooBig: 'Thay đổi quá lớn nên không được lưu. Hãy chia nhỏ nội dung rồi thử lại.',
      badMessage: 'Kết nối gặp lỗi. Hãy tải lại trang; nếu vẫn lỗi, báo quản trị viên.',
    },
    editor: {
      toolbar: 'Định dạng văn bản',
      bold: 'Chữ đậm',
      italic: 'Chữ nghiêng',
      heading: 'Tiêu đề',
      bulletList: 'Danh sách dấu chấm',
      orderedList: 'Danh sách đánh số',
      undo: 'Hoàn tác',
      redo: 'Làm lại',
      readOnly: 'Chỉ xem, không sửa được',
    },
    presence: {
      label: 'Đang có mặt',
      you: '{name} (bạn)',
    },
  },
};

/** English strings; same keys as {@link vi}. */
export const en: typeof vi = {
  collab: {
    status: {
      connecting: 'Connecting…',
      online: 'Editing together',
      offline: 'Offline — changes are kept on this device and sent when the link returns',
      'read-only': 'Read only',
    },
    stopped: {
      forbidden: 'You may not open this document. Ask the meeting secretary for access.',
      unknownDocument: 'This document does not exist or was deleted. Reload the page.',
      sessionExpired: 'Your session has expired. Log in again to keep editing.',
      tooBig: 'The change was too large to save. Split the content and try again.',
      badMessage: 'The connection failed. Reload the page; if it persists, tell the administrator.',
    },
    editor: {
      toolbar: 'Text formatting',
      bold: 'Bold',
      italic: 'Italic',
      heading: 'Heading',
      bulletList: 'Bulleted list',
      orderedList: 'Numbered list',
      undo: 'Undo',
      redo: 'Redo',
      readOnly: 'Read only, cannot be edited',
    },
    presence: {
      label: 'Here now',
      you: '{name} (you)',
    },
  },
};
