/**
 * Strings of the live meeting screens (meeting room, chair console, bridge view). The member's
 * and the chair's parts live in `./room/`; the bridge view's stay here.
 */
import * as chairConsole from './room/console';
import * as seat from './room/seat';

export const vi = {
  room: {
    title: 'Phòng họp',
    loading: 'Đang tải phòng họp…',
    connection: {
      connecting: 'Đang nối máy chủ',
      live: 'Cập nhật trực tiếp',
      offline: 'Mất kết nối máy chủ',
      offlineHint:
        'Mất kết nối với máy chủ. Ứng dụng đang tự kết nối lại và sẽ cập nhật những gì đã bỏ lỡ.',
    },
    state: {
      draft: 'Dự thảo',
      scheduled: 'Đã lên lịch',
      live: 'Đang họp',
      ended: 'Đã kết thúc',
      minutes_published: 'Đã ban hành biên bản',
      cancelled: 'Đã hủy',
    },
    links: {
      chair: 'Bảng điều khiển chủ trì',
      bridge: 'Điểm cầu truyền hình',
      room: 'Phòng họp',
      hall: 'Màn hình hội trường',
    },
    ...seat.vi,
    ...chairConsole.vi,
    bridge: {
      title: 'Điểm cầu truyền hình',
      hallTitle: 'Màn hình hội trường',
      endedHint: 'Điểm cầu đã rời cầu truyền hình (đã rời, bị mời ra hoặc cầu đã kết thúc).',
      joinAgain: 'Vào lại cầu',
      status: {
        idle: 'Chưa tham gia',
        connecting: 'Đang kết nối',
        connected: 'Đã kết nối',
        reconnecting: 'Đang nối lại',
        rejoining: 'Đang tham gia lại',
        ended: 'Đã rời cầu',
        unavailable: 'Không có cầu',
        failed: 'Lỗi kết nối',
      },
      unavailable:
        'Cầu truyền hình chưa mở cho bạn (cuộc họp chưa bắt đầu hoặc bạn không có quyền).',
      proposeAudioOnly:
        'Đường truyền kém kéo dài. Chuyển sang chỉ âm thanh để giữ được tiếng rõ ràng?',
      switchAudioOnly: 'Chỉ âm thanh',
      audioBlocked: 'Trình duyệt đang chặn âm thanh.',
      enableAudio: 'Bật âm thanh',
      programme: 'Hình chính',
      spotlight: 'đã ghim',
      recordingVideo: 'Đang ghi hình',
      recordingAudio: 'Đang ghi âm',
      waiting: 'Đang chờ hình từ điểm cầu chính…',
      preview: 'Hình của điểm cầu mình',
      noPreview: 'Chưa có camera',
      quality: 'Chất lượng đường truyền',
      onAir: 'Đang phát lên cầu',
      devices: 'Thiết bị',
      microphone: 'Micrô',
      camera: 'Camera',
      audioOnly: 'Chỉ âm thanh',
      participants: 'Các điểm cầu khác',
    },
  },
};

/** English strings; the same keys as {@link vi}. */
export const en: typeof vi = {
  room: {
    title: 'Meeting room',
    loading: 'Loading the meeting room…',
    connection: {
      connecting: 'Reaching the server',
      live: 'Live updates',
      offline: 'Server unreachable',
      offlineHint:
        'Lost the connection to the server. The app is reconnecting and will catch up on what was missed.',
    },
    state: {
      draft: 'Draft',
      scheduled: 'Scheduled',
      live: 'In session',
      ended: 'Ended',
      minutes_published: 'Minutes published',
      cancelled: 'Cancelled',
    },
    links: {
      chair: 'Chair console',
      bridge: 'Video bridge',
      room: 'Meeting room',
      hall: 'Hall screen',
    },
    ...seat.en,
    ...chairConsole.en,
    bridge: {
      title: 'Video bridge',
      hallTitle: 'Hall screen',
      endedHint: 'This site has left the video bridge (it left, was removed, or the bridge ended).',
      joinAgain: 'Join again',
      status: {
        idle: 'Not joined',
        connecting: 'Connecting',
        connected: 'Connected',
        reconnecting: 'Reconnecting',
        rejoining: 'Rejoining',
        ended: 'Left the bridge',
        unavailable: 'No bridge',
        failed: 'Connection failed',
      },
      unavailable:
        'The video bridge is not open to you (the meeting has not started, or you may not join).',
      proposeAudioOnly:
        'The link has been poor for a while. Switch to audio only to keep clear sound?',
      switchAudioOnly: 'Audio only',
      audioBlocked: 'The browser is holding back the sound.',
      enableAudio: 'Turn sound on',
      programme: 'Programme',
      spotlight: 'spotlighted',
      recordingVideo: 'Recording video',
      recordingAudio: 'Recording audio',
      waiting: 'Waiting for the main site…',
      preview: 'Your own camera',
      noPreview: 'No camera',
      quality: 'Link quality',
      onAir: 'On air',
      devices: 'Devices',
      microphone: 'Microphone',
      camera: 'Camera',
      audioOnly: 'Audio only',
      participants: 'Other sites',
    },
  },
};
