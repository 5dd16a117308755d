import { searchKey } from './contracts/search-key';

export { searchKey };

/** A regular expression source matching `query` literally inside a {@link searchKey}ed field. */
export function searchPattern(query: string): string {
  return searchKey(query).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
