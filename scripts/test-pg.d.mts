// Types of scripts/test-pg.mjs, for test/pg.ts.
import type pg from 'pg';

export const LOCAL_POSTGRES: string;
export const PREFIX: string;
export function databaseUrl(serverUrl: string, name: string): string;
export function newRunId(now?: number): string;
export function templateName(runId: string): string;
export function runOf(name: string): { runId: string; startedAt: number } | undefined;
export function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T>;
export function findTestPostgres(env?: Record<string, string | undefined>): Promise<string | undefined>;
export function createTemplate(
  serverUrl: string,
  options?: { runId?: string; migrate?: (url: string) => Promise<void> },
): Promise<{ url: string; runId: string }>;
export function dropRun(serverUrl: string, runId: string): Promise<string[]>;
export function sweepOld(serverUrl: string, options?: { maxAge?: number; now?: number }): Promise<string[]>;
