import type { TestApp } from '../helper.js';

// The business the security tests probe: one committee whose July meeting took a public, an
// exempt and a confidential item, each with a resolution, a declaration, actions and progress
// updates, all overdue at the September meeting and flagged there by a scan. Every record's
// text carries a marker naming its level, so a leak shows up as a string in a response body.

export type Level = 'public' | 'exempt' | 'confidential';
export const levels: readonly Level[] = ['public', 'exempt', 'confidential'];

/** Searching a body for one of these finds any record of that level. */
export const LEVEL_MARKER: Record<Level, string> = {
  public: 'PUBLIC-MARKER-p4k',
  exempt: 'EXEMPT-MARKER-7f3',
  confidential: 'CONFIDENTIAL-MARKER-9q2',
};

/** The day of the scan: the September meeting's agenda despatch day (22 August) has passed. */
export const AS_OF = '2024-08-23';

export interface SeededRecord {
  id: number;
  level: Level;
  /** Unique to the record; every text field of the record contains it. */
  marker: string;
}

export interface Seed {
  committeeId: number;
  personId: number;
  meetings: { raisedAt: number; next: number; later: number };
  records: Record<RecordKey, SeededRecord>;
  /** Ids of records of each kind, to fill path parameters. */
  ids: { [K in Kind]: Record<Level, number> };
  /** Actions by key, including those tightened on the public item. */
  actions: Record<ActionKey, SeededRecord>;
  flagCount: number;
  /** A (disabled) webhook, for the admin's webhook reads to have one to show. */
  webhookId: number;
  /** Stored import drafts (issue 15): one of public minutes, one holding an exempt item. */
  drafts: { public: number; exempt: number };
}

export type Kind = 'item' | 'resolution' | 'declaration';
export type ActionKey = 'public' | 'exempt' | 'confidential' | 'tightenedExempt' | 'tightenedConfidential';
export type RecordKey = `${Kind}.${Level}` | `action.${ActionKey}` | `update.${ActionKey}`;

/**
 * A council of its own (the many-councils leak matrix, councils.test.ts): its committee is of
 * `authority`, and every marker and its webhook's URL also carry `tag`, so that a response
 * showing any of its records to another council's key shows the tag.
 */
export interface Council {
  authority: string;
  tag: string;
}

async function post(api: TestApp, url: string, payload: unknown): Promise<{ id: number } & Record<string, unknown>> {
  const res = await api.request({ method: 'POST', url, payload: payload as Record<string, unknown> });
  if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`seed POST ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function seedBusiness(api: TestApp, council?: Council): Promise<Seed> {
  const marker = (level: Level, name: string) => `${LEVEL_MARKER[level]}-${council ? `${council.tag}-` : ''}${name}`;
  const committee = await post(api, '/v1/committees', {
    name: `${council ? `${council.tag} ` : ''}Children and Young People Scrutiny Committee`,
    kind: 'scrutiny',
    ...(council ? { authority: council.authority } : {}),
  });
  const person = await post(api, '/v1/people', { name: 'Councillor Ada Lovelace', kind: 'councillor' });
  const meeting = (startsAt: string) => post(api, `/v1/committees/${committee.id}/meetings`, { startsAt, venue: 'Town Hall' });
  const raisedAt = (await meeting('2024-07-15T18:30:00+01:00')).id;
  const next = (await meeting('2024-09-02T18:30:00+01:00')).id;
  const later = (await meeting('2024-10-14T18:30:00+01:00')).id;

  const records = {} as Record<RecordKey, SeededRecord>;
  const ids = { item: {}, resolution: {}, declaration: {} } as Seed['ids'];
  // Confidential business (LGA 1972 s100A(3)) names no Schedule 12A paragraph.
  const paragraph: Record<Level, number | null> = { public: null, exempt: 3, confidential: null };

  for (const level of levels) {
    const item = await post(api, `/v1/meetings/${raisedAt}/items`, {
      number: String(levels.indexOf(level) + 1),
      title: `Item ${marker(level, 'item')}`,
      minutes: `Minutes ${marker(level, 'item')}-minutes`,
      visibility: level,
      exemptParagraph: paragraph[level],
    });
    const resolution = await post(api, `/v1/items/${item.id}/resolutions`, {
      number: '1', kind: 'request', text: `Resolved ${marker(level, 'resolution')}`,
    });
    const declaration = await post(api, `/v1/items/${item.id}/declarations`, {
      personId: person.id, kind: 'other_registrable', detail: `Declared ${marker(level, 'declaration')}`,
    });
    records[`item.${level}`] = { id: item.id, level, marker: marker(level, 'item') };
    records[`resolution.${level}`] = { id: resolution.id, level, marker: marker(level, 'resolution') };
    records[`declaration.${level}`] = { id: declaration.id, level, marker: marker(level, 'declaration') };
    ids.item[level] = item.id;
    ids.resolution[level] = resolution.id;
    ids.declaration[level] = declaration.id;
  }

  // The public item's actions include two tightened on their own: exempt and confidential.
  const plan: [ActionKey, Level, Level | undefined][] = [
    ['public', 'public', undefined],
    ['tightenedExempt', 'public', 'exempt'],
    ['tightenedConfidential', 'public', 'confidential'],
    ['exempt', 'exempt', undefined],
    ['confidential', 'confidential', undefined],
  ];
  const actions = {} as Seed['actions'];
  for (const [key, itemLevel, tightened] of plan) {
    const level = tightened ?? itemLevel;
    const name = `action-${key}`;
    // No due given: due at the next meeting (2 September), whose agenda goes out on 22 August.
    const action = await post(api, '/v1/actions', {
      meetingId: raisedAt,
      itemId: ids.item[itemLevel],
      resolutionId: ids.resolution[itemLevel],
      kind: 'information',
      reference: `Ref ${marker(level, name)}`,
      title: `Action ${marker(level, name)}`,
      detail: `Detail ${marker(level, name)}-detail`,
      ownerText: `Owner ${marker(level, name)}-owner`,
      // Owned by the seed's person too, so that the person's calendar lists them.
      ownerId: person.id,
      requestedById: person.id,
      ...(tightened ? { visibility: tightened } : {}),
    });
    if (action.visibility !== level) throw new Error(`seed: action ${key} is ${String(action.visibility)}, not ${level}`);
    actions[key] = { id: action.id, level, marker: marker(level, name) };
    records[`action.${key}`] = actions[key];
    const update = await post(api, `/v1/actions/${action.id}/updates`, {
      text: `Progress ${marker(level, `update-${key}`)}`, rag: 'amber', authorId: person.id,
    });
    records[`update.${key}`] = { id: update.id, level, marker: marker(level, `update-${key}`) };
  }

  const scan = await api.request({
    method: 'POST', url: '/v1/scans/overdue', payload: { asOf: AS_OF, ...(council ? { committeeId: committee.id } : {}) },
  });
  if (scan.statusCode !== 200) throw new Error(`seed scan: ${scan.statusCode} ${scan.body}`);
  const flagged = (scan.json().meetings as { overdue: unknown[] }[]).reduce((n, m) => n + m.overdue.length, 0);
  if (flagged !== plan.length) throw new Error(`seed scan flagged ${flagged} actions, expected ${plan.length}`);

  const webhook = await post(api, '/v1/webhooks', {
    url: `https://receiver.example.gov.uk/hooks${council ? `/${council.tag}` : ''}`, events: ['action.created'], scopes: ['read'], enabled: false,
    ...(council ? { limit: { authority: council.authority } } : {}),
  });

  // Stored import drafts: minutes saved for review, whose text carries the markers.
  const draftOf = async (items: [string, string][]) => {
    const text = `SCRUTINY COMMITTEE\n\nAt a meeting of this Committee held on Monday, 12th October, 2026 6.30 p.m.\n\n${items
      .map(([title, minutes], i) => `${i + 1} ${title}\n\n${minutes}\n`).join('\n')}`;
    const saved = await post(api, '/v1/imports/minutes', { text, committeeId: committee.id, save: true });
    return (saved.saved as { id: number }).id;
  };
  const drafts = {
    public: await draftOf([[`LIBRARIES ${marker('public', 'draft')}`, `Members requested a report on ${marker('public', 'draft')}-minutes.`]]),
    exempt: await draftOf([
      [`LIBRARIES ${marker('public', 'draft2')}`, 'There were no questions.'],
      [`LAND AT MILL LANE ${marker('exempt', 'draft')}`, `This item involved exempt information as defined in paragraph 3 of Part 1 of Schedule 12A. Members asked for a note on ${marker('exempt', 'draft')}-valuation.`],
    ]),
  };

  return {
    drafts,
    committeeId: committee.id,
    personId: person.id,
    meetings: { raisedAt, next, later },
    records,
    ids,
    actions,
    flagCount: flagged,
    webhookId: webhook.id,
  };
}
