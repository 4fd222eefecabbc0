import { Type } from 'typebox';

export const Slug = Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' });
export const Email = Type.String({ format: 'email', maxLength: 254 });
