/** Strings of the meeting's recordings card (meeting page). */
export const vi = {
  recordings: {
    title: 'Bản ghi cuộc họp',
    empty: 'Chưa có bản ghi nào.',
    kind: 'Loại',
    video: 'Ghi hình (MP4)',
    audio: 'Ghi âm (WAV)',
    started: 'Bắt đầu',
    duration: 'Thời lượng',
    size: 'Dung lượng',
    fingerprint: 'Mã băm SHA-256',
    download: 'Tải về',
    downloadNamed: 'Tải về bản ghi lúc {time}',
    loadFailed: 'Không tải được danh sách bản ghi: {message}',
  },
};

export const en: typeof vi = {
  recordings: {
    title: 'Recordings of the meeting',
    empty: 'No recordings yet.',
    kind: 'Kind',
    video: 'Video (MP4)',
    audio: 'Audio (WAV)',
    started: 'Started',
    duration: 'Length',
    size: 'Size',
    fingerprint: 'SHA-256 fingerprint',
    download: 'Download',
    downloadNamed: 'Download the recording of {time}',
    loadFailed: 'The recordings could not be loaded: {message}',
  },
};
