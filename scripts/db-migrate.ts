import { migrationsApplied } from '../src/db/sqlite/client.js';
import { openServices, run } from './cli.js';

// Opening the database applies any pending migrations (drizzle-kit output in migrations/).
await run('db:migrate', 'npm run db:migrate', () => {
  const { db } = openServices();
  const ok = migrationsApplied(db);
  db.$client.close();
  if (!ok) throw new Error('migrations did not apply');
  process.stdout.write('migrations applied\n');
});
