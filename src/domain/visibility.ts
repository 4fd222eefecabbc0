// Part 1 / Part 2 business (Local Government Act 1972 s100A and Schedule 12A): exempt
// information may be withheld from the public; confidential information must be.

export const visibilities = ['public', 'exempt', 'confidential'] as const;
export type Visibility = (typeof visibilities)[number];

/** Whoever reads: the visibilities they may see, and the committees if they are limited to some. */
export interface Reader {
  visibilities: readonly Visibility[];
  /**
   * The committees a key limited to a council may see (council-limit.ts); absent for an
   * unlimited key, which sees every committee. Records of other committees are as hidden.
   */
  committeeIds?: readonly number[];
}

/**
 * Whether the reader may see business at this visibility: the one visibility check. SQL that
 * applies the same check to rows is in db/visibility.ts.
 */
export function isVisibleTo(reader: Reader, visibility: Visibility): boolean {
  return reader.visibilities.includes(visibility);
}

/** Whether the reader may see the records of this committee: the one committee check. */
export function seesCommittee(reader: Reader, committeeId: number): boolean {
  return reader.committeeIds === undefined || reader.committeeIds.includes(committeeId);
}

const rank: Record<Visibility, number> = { public: 0, exempt: 1, confidential: 2 };

/** The stricter of two visibilities: an action can tighten its item's, never loosen it. */
export function stricter(a: Visibility, b: Visibility): Visibility {
  return rank[a] >= rank[b] ? a : b;
}

export function isLooser(candidate: Visibility, than: Visibility): boolean {
  return rank[candidate] < rank[than];
}

// An action's visibility is the stricter of its item's and its own. Its own records only a
// tightening of its own ('public' when it simply follows its item), so an admin declassifying
// the item takes the action with it unless the action was tightened, or carried Part 2 content
// from an item it was moved off.

/** The action's own visibility when created: the level asked for, kept only where stricter than its item's. */
export function ownVisibilityAtCreation(requested: Visibility | undefined, itemVisibility: Visibility | null): Visibility {
  if (requested === undefined) return 'public';
  return itemVisibility !== null && !isLooser(itemVisibility, requested) ? 'public' : requested;
}

export interface ActionVisibilityChange {
  /** The action's own visibility and its item's (null: no item) before the write. */
  own: Visibility;
  itemVisibility: Visibility | null;
  /** The item after the write (null: none), and whether the write moved the action to it. */
  nextItemVisibility: Visibility | null;
  moved: boolean;
  /** The level the write asks for, if it names one. */
  requested?: Visibility;
  /** Admins alone may declassify (make business less restricted). */
  mayDeclassify: boolean;
}

export type OwnVisibilityResult = { own: Visibility } | { refused: string };

/**
 * The action's own visibility after a write. No write lowers what the action effectively is —
 * what was written about it while it was Part 2 (its detail, updates, history) stays Part 2 —
 * except an admin's explicit declassification. So a move carries the action's effective level
 * with it, and a level asked for below the effective one is refused unless an admin asks.
 */
export function ownVisibilityAfter(change: ActionVisibilityChange): OwnVisibilityResult {
  const { own, requested, nextItemVisibility } = change;
  const effective = stricter(own, change.itemVisibility ?? 'public');
  const floor = nextItemVisibility ?? 'public';
  const base = change.moved ? effective : own;
  if (requested === undefined) return { own: base };
  if (isLooser(requested, floor)) return { refused: `cannot be looser than its item's (${floor})` };
  if (isLooser(requested, effective) && !change.mayDeclassify) {
    return { refused: `cannot be loosened from ${effective}: only an admin key may declassify` };
  }
  if (isLooser(floor, requested)) return { own: requested };
  // Asked for exactly its item's level: declassified by an admin, it follows its item from now
  // on; otherwise nothing changes (a client sending back what it read drops no tightening).
  return { own: isLooser(requested, effective) ? 'public' : base };
}
