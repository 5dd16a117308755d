/** Strings about signatures shown next to published minutes. */
export const vi = {
  signing: {
    testCertificate: 'chứng thư thử nghiệm',
  },
};

export const en: typeof vi = {
  signing: {
    testCertificate: 'test certificate',
  },
};
