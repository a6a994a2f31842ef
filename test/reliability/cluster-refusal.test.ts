import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../bench/lib';
import { loadConfig } from '../../src/config';

/** Issue 17: the embedded database serves one process; WEB_CONCURRENCY > 1 without DATABASE_URL refuses to start. */
describe('WEB_CONCURRENCY on the embedded database', () => {
  it('is parsed with the other settings: 1 by default, more with PostgreSQL', () => {
    expect(loadConfig({}).webConcurrency).toBe(1);
    expect(loadConfig({ WEB_CONCURRENCY: '1' }).webConcurrency).toBe(1);
    expect(loadConfig({ WEB_CONCURRENCY: '4', DATABASE_URL: 'postgres://db/x' }).webConcurrency).toBe(4);
    expect(() => loadConfig({ WEB_CONCURRENCY: '0', DATABASE_URL: 'postgres://db/x' })).toThrow(/WEB_CONCURRENCY/);
    expect(() => loadConfig({ WEB_CONCURRENCY: '2' })).toThrow(/^WEB_CONCURRENCY=2 needs DATABASE_URL/);
  });

  it('the server refuses WEB_CONCURRENCY=2 without DATABASE_URL: one line naming both, exit code 2, nothing opened', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'certmark-cluster-refusal-'));
    try {
      const env: Record<string, string> = { ...(process.env as Record<string, string>), WEB_CONCURRENCY: '2', DATA_DIR: dataDir, PORT: '0' };
      delete env.DATABASE_URL;
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      expect(code).toBe(2);
      expect(stdout).toBe('');
      const lines = stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^certmark: WEB_CONCURRENCY=2 needs DATABASE_URL: /);
      // refused before the embedded database was created
      expect(await readdir(dataDir)).toEqual([]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
