import { ref } from 'vue';
import type { UnitTreeNode } from '../../../server/contracts/units';
import { searchKey } from '../../../server/contracts/search-key';
import { unitsApi } from '../api/admin';

/** A unit as a tree-select option. */
export interface UnitOption {
  value: string;
  label: string;
  children: UnitOption[];
}

function toOption(node: UnitTreeNode): UnitOption {
  return {
    value: node.id,
    label: node.shortName ?? node.name,
    children: node.children.map(toOption),
  };
}

/**
 * The filter of unit pickers: accent-insensitive, like the server's searches ("tam hop" finds
 * "Xã Tam Hợp"). Give it to `ElTreeSelect`'s `filter-node-method`.
 */
export function filterUnitOption(query: string, option: { label?: string }): boolean {
  return searchKey(option.label ?? '').includes(searchKey(query));
}

/** Loads the unit tree once per component, for trees and unit pickers. */
export function useUnitTree() {
  const tree = ref<UnitTreeNode[]>([]);
  const options = ref<UnitOption[]>([]);
  const loading = ref(false);

  async function load(includeInactive = false): Promise<void> {
    loading.value = true;
    try {
      tree.value = await unitsApi.tree(includeInactive);
      options.value = tree.value.map(toOption);
    } finally {
      loading.value = false;
    }
  }

  /** Finds a node by id anywhere in the loaded tree. */
  function find(id: string, nodes: UnitTreeNode[] = tree.value): UnitTreeNode | undefined {
    for (const n of nodes) {
      if (n.id === id) return n;
      const hit = find(id, n.children);
      if (hit) return hit;
    }
    return undefined;
  }

  return { tree, options, loading, load, find };
}
