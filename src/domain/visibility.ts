// Part 1 / Part 2 business (Local Government Act 1972 s100A and Schedule 12A): exempt
// information may be withheld from the public; confidential information must be.

export const visibilities = ['public', 'exempt', 'confidential'] as const;
export type Visibility = (typeof visibilities)[number];

const rank: Record<Visibility, number> = { public: 0, exempt: 1, confidential: 2 };

/** The stricter of two visibilities: an action can tighten its item's, never loosen it. */
export function stricter(a: Visibility, b: Visibility): Visibility {
  return rank[a] >= rank[b] ? a : b;
}

export function isLooser(candidate: Visibility, than: Visibility): boolean {
  return rank[candidate] < rank[than];
}
