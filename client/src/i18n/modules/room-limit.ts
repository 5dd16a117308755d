/** Strings of the room-limit notice on the chair console. */
export const vi = {
  roomLimit: {
    refused:
      '{name} không vào được cầu truyền hình: phòng đã đủ {limit} kết nối đồng thời (giới hạn cấu hình CONFERENCE_MAX_PARTICIPANTS).',
    dismiss: 'Đóng',
  },
};

export const en: typeof vi = {
  roomLimit: {
    refused:
      '{name} could not join the video conference: the room already has {limit} simultaneous connections (configured limit CONFERENCE_MAX_PARTICIPANTS).',
    dismiss: 'Dismiss',
  },
};
