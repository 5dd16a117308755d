/** The suffix the demo signing certificates carry in their common name (server/minutes/signing). */
const TEST_SUFFIX = /\s*\(chứng thư thử nghiệm\)\s*$/u;

/**
 * A signer's name for people, in the UI language: the demo certificates' Vietnamese
 * "(chứng thư thử nghiệm)" suffix becomes `testLabel` (e.g. "test certificate"), set apart from
 * what follows it.
 */
export function signerName(commonName: string, testLabel: string): string {
  const name = commonName.normalize('NFC');
  return TEST_SUFFIX.test(name) ? `${name.replace(TEST_SUFFIX, '')} (${testLabel})` : name;
}
