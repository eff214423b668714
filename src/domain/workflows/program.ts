import type { Step } from './definition';

/**
 * Where a run is in its definition. A run stores only the id of the step it runs next (ids are unique across the
 * whole tree), so the successor of a step is found by walking the tree: the next sibling, or else the successor
 * of the branch step that holds its list.
 */

interface Located {
  step: Step;
  /** The list holding the step, the index in it, and the branch step that holds the list (null at the top). */
  list: Step[];
  index: number;
  parent: Located | null;
}

function locate(steps: Step[], id: string, parent: Located | null = null): Located | null {
  for (const [index, step] of steps.entries()) {
    const here: Located = { step, list: steps, index, parent };
    if (step.id === id) return here;
    if (step.type !== 'branch') continue;
    for (const list of [...step.branches.map((b) => b.steps), step.else ?? []]) {
      const found = locate(list, id, here);
      if (found) return found;
    }
  }
  return null;
}

export function findStep(steps: Step[], id: string): Step | null {
  return locate(steps, id)?.step ?? null;
}

/** The step to run after `id` finished (for a branch: after its chosen list ran out); null = the run is done. */
export function successorOf(steps: Step[], id: string): string | null {
  let at = locate(steps, id);
  while (at) {
    const next = at.list[at.index + 1];
    if (next) return next.id;
    at = at.parent;
  }
  return null;
}

/** Which list a branch step chose: a branch index, `else`, or none (straight to the branch step's successor). */
export type BranchChoice = number | 'else' | null;

/** The first step of a branch's chosen list, or the branch step's successor when that list is empty or none matched. */
export function entryOf(steps: Step[], branch: Step & { type: 'branch' }, choice: BranchChoice): string | null {
  const list = choice === null ? [] : choice === 'else' ? (branch.else ?? []) : (branch.branches[choice]?.steps ?? []);
  return list[0]?.id ?? successorOf(steps, branch.id);
}
