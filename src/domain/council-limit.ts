// One deployment for many councils (DESIGN.md): an API key or a webhook may be limited to the
// committees of one authority, or to a list of committees. A limited key reads and changes only
// those committees' records; everything else answers as hidden business does (404, absent).

/** What a key or webhook is limited to; undefined where it is not limited. */
export type CouncilLimit = { authority: string } | { committeeIds: number[] };

/** The limit as its two columns hold it (both null: unlimited). */
export function limitOfColumns(authority: string | null, committeeIds: string | null): CouncilLimit | undefined {
  if (authority !== null) return { authority };
  if (committeeIds !== null) return { committeeIds: committeeIds === '' ? [] : committeeIds.split(',').map(Number) };
  return undefined;
}

export function columnsOfLimit(limit: CouncilLimit | undefined): { limitAuthority: string | null; limitCommitteeIds: string | null } {
  if (limit === undefined) return { limitAuthority: null, limitCommitteeIds: null };
  if ('authority' in limit) return { limitAuthority: limit.authority, limitCommitteeIds: null };
  return { limitAuthority: null, limitCommitteeIds: [...new Set(limit.committeeIds)].sort((a, b) => a - b).join(',') };
}

/** The committee ids a limit covers now, given how to find an authority's committees. */
export function committeesOfLimit(limit: CouncilLimit, committeesOf: (authority: string) => readonly number[]): readonly number[] {
  return 'authority' in limit ? committeesOf(limit.authority) : limit.committeeIds;
}

/**
 * Whether `inner` gives no more than `outer` does, now and later: what a limited admin may grant
 * or manage. An authority's committees grow as committees are added, so a list of committees is
 * within an authority when every one of them is of it, but never the other way round.
 */
export function isWithinLimit(
  inner: CouncilLimit | undefined,
  outer: CouncilLimit | undefined,
  authorityOf: (committeeId: number) => string | null | undefined,
): boolean {
  if (outer === undefined) return true;
  if (inner === undefined) return false;
  if ('authority' in outer) {
    if ('authority' in inner) return inner.authority === outer.authority;
    return inner.committeeIds.every((id) => authorityOf(id) === outer.authority);
  }
  if ('authority' in inner) return false;
  return inner.committeeIds.every((id) => outer.committeeIds.includes(id));
}
