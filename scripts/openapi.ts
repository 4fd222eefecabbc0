import { mkdirSync, writeFileSync } from 'node:fs';
import { buildApp } from '../src/app.js';
import { defaultConfig } from '../src/config.js';

// Writes openapi/openapi.json from the running schemas. A test fails when the committed
// file differs from what this would write.

export async function generateOpenApi(): Promise<string> {
  const app = await buildApp({ ...defaultConfig, databasePath: ':memory:', scheduler: false }, { logger: false });
  await app.ready();
  const document = `${JSON.stringify(app.swagger(), null, 2)}\n`;
  await app.close();
  return document;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync('openapi', { recursive: true });
  writeFileSync('openapi/openapi.json', await generateOpenApi());
  process.stdout.write('openapi/openapi.json\n');
}
