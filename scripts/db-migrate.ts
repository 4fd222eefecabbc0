import { loadConfig } from '../src/config.js';
import { migratePg } from '../src/db/pg/migrate.js';
import { migrationsApplied, openDatabase } from '../src/db/sqlite/client.js';
import { run } from './cli.js';

// Opening the database applies any pending migrations (drizzle-kit output in migrations/sqlite/ or,
// with DATABASE_URL, migrations/pg/).
await run('db:migrate', 'npm run db:migrate', async () => {
  const config = loadConfig(process.env);
  if (config.databaseUrl) {
    await migratePg(config.databaseUrl);
  } else {
    const db = openDatabase({ path: config.databasePath, synchronous: config.databaseSynchronous });
    const ok = migrationsApplied(db);
    db.$client.close();
    if (!ok) throw new Error('migrations did not apply');
  }
  process.stdout.write('migrations applied\n');
});
