/** Strings of the meeting chat (meeting room, chair console, bridge view). */
export const vi = {
  chat: {
    title: 'Trao đổi',
    empty: 'Chưa có tin nhắn.',
    to: {
      everyone: 'Mọi người',
      chair: 'Riêng chủ trì và thư ký',
    },
    toLabel: 'Gửi tới',
    privateTag: 'Riêng',
    placeholder: 'Nhập tin nhắn…',
    messageLabel: 'Tin nhắn',
    send: 'Gửi',
    hide: 'Ẩn',
    hidden: 'Tin nhắn đã bị chủ trì ẩn.',
    hiddenTag: 'Đã ẩn',
    insert: 'Đưa vào biên bản',
    inserted: 'Đã đưa vào biên bản',
    readOnly: 'Chỉ người tham dự gửi được tin nhắn khi cuộc họp đang diễn ra.',
    refused: {
      empty: 'Tin nhắn trống: hãy nhập nội dung rồi gửi.',
      tooLong: 'Tin nhắn dài quá {max} ký tự: hãy rút gọn rồi gửi lại.',
      flood: 'Bạn gửi quá nhanh (tối đa 5 tin trong 10 giây). Hãy đợi {seconds} giây rồi gửi lại.',
      notLive: 'Cuộc họp chưa diễn ra hoặc đã kết thúc: không gửi được tin nhắn.',
    },
    count: '{n}/{max}',
  },
};

export const en: typeof vi = {
  chat: {
    title: 'Chat',
    empty: 'No messages yet.',
    to: {
      everyone: 'Everyone',
      chair: 'Privately to the chair and secretary',
    },
    toLabel: 'Send to',
    privateTag: 'Private',
    placeholder: 'Type a message…',
    messageLabel: 'Message',
    send: 'Send',
    hide: 'Hide',
    hidden: 'The chair hid this message.',
    hiddenTag: 'Hidden',
    insert: 'Insert into minutes',
    inserted: 'In the minutes',
    readOnly: 'Only those taking part can write, while the meeting is live.',
    refused: {
      empty: 'The message is empty: type something, then send.',
      tooLong: 'The message is longer than {max} characters: shorten it and send again.',
      flood:
        'You are sending too fast (at most 5 messages in 10 seconds). Wait {seconds} s and send again.',
      notLive: 'The meeting is not live: messages cannot be sent.',
    },
    count: '{n}/{max}',
  },
};
