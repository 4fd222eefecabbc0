import { NotFoundError } from '../../errors.js';

// What every repository shares that is not a query (the audited writes are programs: shared/audited.ts).

export function nowIso(): string {
  return new Date().toISOString();
}

export function mustFind<R>(row: R | undefined, label: string, id: number | string): R {
  if (row === undefined) throw new NotFoundError(label, id);
  return row;
}
