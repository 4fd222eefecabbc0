import { defineConfig } from 'drizzle-kit';

// PostgreSQL's migrations (issue 18): `npm run db:generate:pg`. SQLite's are drizzle.config.ts's.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/pg/schema.ts',
  out: './migrations/pg',
  casing: 'snake_case',
});
