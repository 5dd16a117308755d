/** Strings of the bridge on the live screens: the hub on air, microphones, the end of a meeting. */
export const vi = {
  bridge: {
    prejoin: {
      title: 'Chuẩn bị vào điểm cầu',
      site: 'Điểm cầu: {name}',
      hint: 'Chọn micrô, camera và loa; nói thử để thấy thanh mức âm chuyển động, xem hình camera và phát âm thanh thử. Xong thì bấm «Vào điểm cầu».',
      waitingHint:
        'Cuộc họp chưa bắt đầu. Kiểm tra thiết bị trong lúc chờ; bấm «Sẵn sàng» thì điểm cầu tự vào cầu khi cuộc họp bắt đầu.',
      join: 'Vào điểm cầu',
      ready: 'Sẵn sàng, vào khi cuộc họp bắt đầu',
    },
    hub: {
      title: 'Điểm cầu chính (hội trường)',
      onAir: 'Đang phát lên cầu',
      offAir: 'Chưa phát lên cầu',
      hint: 'Các điểm cầu chỉ thấy và nghe hội trường khi điểm cầu chính được phát lên cầu.',
      fromHere: 'Camera và micrô của máy này đang phát lên cầu với tư cách điểm cầu chính.',
      putOnAir: 'Phát hình điểm cầu chính',
      elsewhere: 'Điểm cầu chính đang được phát từ một máy khác.',
      takeOver: 'Phát từ máy này',
      takeOffAir: 'Dừng phát',
    },
    mic: {
      on: 'Đang bật micrô',
      muted: 'Đã tắt micrô',
      off: 'Không phát tiếng',
      mute: 'Tắt micrô',
      unmute: 'Bật micrô',
      title: 'Micrô',
      askUnmute: 'Đề nghị bật micrô',
      askUnmuteOf: 'Đề nghị điểm cầu {name} bật micrô',
      asked: 'Chủ trì đề nghị bạn bật micrô.',
      later: 'Để sau',
    },
    over: {
      title: 'Cuộc họp đã kết thúc',
      chairHint: 'Các điều khiển trực tiếp đã đóng; thư ký hoàn thiện biên bản.',
      bridgeHint: 'Cầu truyền hình đã đóng; camera và micrô của máy này đã tắt.',
    },
    floor: {
      othersWaiting: '{name} đang chờ',
    },
    operators: {
      none: 'Chưa có người vận hành',
      edit: 'Sửa',
      editOf: 'Sửa người vận hành điểm cầu {name}',
      pick: 'Chọn người vận hành',
      pickOf: 'Người vận hành điểm cầu {name}',
    },
    poll: {
      none: 'Không có biểu quyết nào.',
    },
  },
};

/** English strings; the same keys as {@link vi}. */
export const en: typeof vi = {
  bridge: {
    prejoin: {
      title: 'Get ready to join the bridge',
      site: 'Site: {name}',
      hint: 'Choose the microphone, camera and speaker; say something to see the level bar move, look at the camera picture and play a test sound. Then press “Join the bridge”.',
      waitingHint:
        'The meeting has not started. Check your devices while you wait; press “Ready” and the site joins the bridge when the meeting starts.',
      join: 'Join the bridge',
      ready: 'Ready: join when the meeting starts',
    },
    hub: {
      title: 'Hub (main hall)',
      onAir: 'On air',
      offAir: 'Not on air',
      hint: 'Sites see and hear the hall only while the hub is on air.',
      fromHere: "This device's camera and microphone are on air as the hub.",
      putOnAir: 'Put the hub on air',
      elsewhere: 'The hub is on air from another device.',
      takeOver: 'Put it on air from here',
      takeOffAir: 'Take off air',
    },
    mic: {
      on: 'Microphone on',
      muted: 'Muted',
      off: 'Not speaking',
      mute: 'Mute',
      unmute: 'Unmute',
      title: 'Microphone',
      askUnmute: 'Ask to unmute',
      askUnmuteOf: 'Ask site {name} to unmute',
      asked: 'The chair asks you to turn your microphone on.',
      later: 'Not now',
    },
    over: {
      title: 'The meeting has ended',
      chairHint: 'The live controls are closed; the secretary completes the minutes.',
      bridgeHint: "The video bridge is closed; this device's camera and microphone are off.",
    },
    floor: {
      othersWaiting: '{name} is waiting',
    },
    operators: {
      none: 'No operator yet',
      edit: 'Change',
      editOf: 'Change the operators of site {name}',
      pick: 'Choose the operators',
      pickOf: 'Operators of site {name}',
    },
    poll: {
      none: 'No polls.',
    },
  },
};
