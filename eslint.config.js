import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import noUnusedProgram from './eslint-rules/no-unused-program.js';
import latin1Regex from './eslint-rules/latin1-regex.js';

const local = { rules: { ...noUnusedProgram.rules, 'latin1-regex': latin1Regex } };

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.tap/', '.test-build/', 'openapi/', 'migrations/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setImmediate: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-console': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Typed: a program (src/db/program.ts) made but never run is a write silently not made.
    files: ['src/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { local },
    rules: { 'local/no-unused-program': 'error' },
  },
  {
    // The server bundle's source stays Latin-1 (eslint-rules/latin1-regex.js).
    files: ['src/**/*.ts'],
    plugins: { local },
    rules: { 'local/latin1-regex': 'error' },
  },
  {
    files: ['scripts/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
);
