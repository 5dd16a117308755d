/** Strings of the meeting room's alerts, ballots and poll outcomes. */
export const vi = {
  roomAlerts: {
    dismiss: 'Đã rõ',
    poll: {
      opened: 'Biểu quyết đang mở: mời bạn bỏ phiếu',
      confirmTitle: 'Xác nhận bỏ phiếu',
      confirm: 'Bạn chọn “{choice}”. Xác nhận bỏ phiếu?',
      final: 'Sau khi gửi, phiếu không sửa được.',
      confirmButton: 'Bỏ phiếu',
      yourChoice: 'Bạn đã chọn: {choice}.',
      votedSecret: 'Bạn đã bỏ phiếu kín; không ai biết bạn chọn gì.',
      changeHint: 'Bạn có thể đổi lựa chọn khi biểu quyết còn mở.',
    },
    floor: {
      granted: 'Chủ trì mời bạn phát biểu.',
    },
    outcome: {
      passed: 'Thông qua',
      notPassed: 'Không thông qua',
      detail: '{approvals}/{base} thành viên tán thành; cần {rule} ({required}/{base}).',
      noQuorum: 'Số phiếu chưa đủ {required} để biểu quyết có giá trị.',
      half: 'quá nửa',
      atLeast: 'ít nhất {n}/{d}',
      moreThan: 'trên {n}/{d}',
      ballots: '{n}/{eligible} người được bỏ phiếu đã bỏ phiếu.',
    },
    voters: {
      title: 'Ai chọn gì (biểu quyết công khai)',
      name: 'Đại biểu',
      choice: 'Lựa chọn',
      none: 'Chưa có phiếu nào.',
    },
  },
};

export const en: typeof vi = {
  roomAlerts: {
    dismiss: 'Got it',
    poll: {
      opened: 'A vote is open: please cast your ballot',
      confirmTitle: 'Confirm your vote',
      confirm: 'You chose “{choice}”. Cast this ballot?',
      final: 'Once cast, the ballot cannot be changed.',
      confirmButton: 'Cast ballot',
      yourChoice: 'You chose: {choice}.',
      votedSecret: 'You cast a secret ballot; nobody knows your choice.',
      changeHint: 'You may change your choice while the vote is open.',
    },
    floor: {
      granted: 'The chair gives you the floor.',
    },
    outcome: {
      passed: 'Carried',
      notPassed: 'Not carried',
      detail: '{approvals} of {base} members in favour; needs {rule} ({required} of {base}).',
      noQuorum: 'Fewer than the {required} ballots needed for a valid vote.',
      half: 'more than half',
      atLeast: 'at least {n}/{d}',
      moreThan: 'more than {n}/{d}',
      ballots: '{n} of {eligible} eligible voters cast a ballot.',
    },
    voters: {
      title: 'Who chose what (named vote)',
      name: 'Member',
      choice: 'Choice',
      none: 'No ballots yet.',
    },
  },
};
