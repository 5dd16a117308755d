import { describe, expect, it } from 'vitest';
import { findCycles } from '../../infra/lint/import-cycles';

describe('findCycles', () => {
  it('finds a cycle and ignores acyclic chains', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
      ['e', []],
    ]);
    expect(findCycles(graph)).toEqual([['a', 'b', 'c']]);
  });

  it('reports a file importing itself', () => {
    expect(findCycles(new Map([['x', ['x']]]))).toEqual([['x']]);
  });
});
