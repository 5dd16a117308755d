/** Strings of the ways into a meeting's live screens (meetings list, meeting page, home page). */
export const vi = {
  entries: {
    label: 'Vào màn hình của cuộc họp “{title}”',
    chair: 'Điều hành',
    room: 'Vào phòng họp',
    bridge: 'Vào cầu truyền hình',
    hall: 'Màn hình hội trường',
    minutes: 'Biên bản',
    home: {
      live: 'Đang diễn ra',
      noneLive: 'Hiện không có cuộc họp nào đang diễn ra.',
      allMeetings: 'Xem tất cả',
      notInvited: 'Bạn không tham dự cuộc họp này.',
    },
  },
};

export const en: typeof vi = {
  entries: {
    label: 'Screens of the meeting “{title}”',
    chair: 'Run the meeting',
    room: 'Enter the meeting room',
    bridge: 'Join the video bridge',
    hall: 'Hall screen',
    minutes: 'Minutes',
    home: {
      live: 'Live now',
      noneLive: 'No meeting is live right now.',
      allMeetings: 'See all',
      notInvited: 'You do not take part in this meeting.',
    },
  },
};
