import { describe, expect, it } from 'vitest';
import { canonicalJson, linkHash, verifyLinks } from '../../server/audit/audit-chain';
import type { AuditLink, StoredLink } from '../../server/audit/audit-chain';
import { AUDIT_GENESIS_HASH } from '../../server/contracts/audit';
import { must } from '../support/must';

function chain(n: number): StoredLink[] {
  const links: StoredLink[] = [];
  let prev = AUDIT_GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const link: AuditLink = {
      meetingId: 'a'.repeat(24),
      seq,
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
      actor: { kind: 'user', id: 'b'.repeat(24), name: 'Phạm Thu Hà' },
      action: 'meeting.transition',
      target: { kind: 'meeting', id: 'a'.repeat(24) },
      before: canonicalJson({ state: 'draft' }),
      after: canonicalJson({ state: 'scheduled', n: seq }),
      prevHash: prev,
    };
    const hash = linkHash(link);
    links.push({ ...link, hash });
    prev = hash;
  }
  return links;
}

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: null }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"x":null,"y":1}]},"b":1}',
    );
  });

  it('writes dates as ISO strings and non-finite numbers as null', () => {
    expect(canonicalJson({ at: new Date(0), n: Number.NaN })).toBe(
      '{"at":"1970-01-01T00:00:00.000Z","n":null}',
    );
  });

  it('gives the same text for the same value built in any key order', () => {
    expect(canonicalJson({ x: 1, y: 'ế' })).toBe(canonicalJson({ y: 'ế', x: 1 }));
  });
});

describe('hash chain', () => {
  it('verifies an intact chain and reports its head', () => {
    const links = chain(5);
    const result = verifyLinks(links);
    expect(result).toEqual({ ok: true, entries: 5, head: must(links[4]).hash, firstBroken: null });
    expect(verifyLinks([])).toEqual({ ok: true, entries: 0, head: '', firstBroken: null });
  });

  it('names a modified entry', () => {
    const links = chain(5);
    links[2] = { ...must(links[2]), after: canonicalJson({ state: 'cancelled' }) };
    const result = verifyLinks(links);
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toMatchObject({ seq: 3, reason: 'hash_mismatch' });
  });

  it('names the link after an entry that was modified and re-hashed', () => {
    const links = chain(5);
    const forged = { ...must(links[1]), action: 'meeting.updated' };
    const { hash: _old, ...content } = forged;
    links[1] = { ...forged, hash: linkHash(content) };
    expect(verifyLinks(links).firstBroken).toMatchObject({ seq: 3, reason: 'prev_hash_mismatch' });
  });

  it('names a deleted entry', () => {
    const links = chain(5);
    links.splice(3, 1);
    expect(verifyLinks(links).firstBroken).toMatchObject({ seq: 4, reason: 'missing_entry' });
  });

  it('hashes the previous hash into each entry', () => {
    const [first] = chain(1);
    const { hash, ...content } = must(first);
    expect(linkHash({ ...content, prevHash: 'f'.repeat(64) })).not.toBe(hash);
  });
});
