import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../../src/db/lock';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const script = fileURLToPath(new URL('./lock-child.ts', import.meta.url));
const linux = process.platform === 'linux';

/** A process of its own that takes locks when told (test/db/lock-child.ts), so that they are taken concurrently. */
class Starter {
  readonly child: ChildProcess;
  private readonly lines: string[] = [];
  private readonly waiting: { resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  private readonly exited: Promise<void>;

  constructor() {
    this.child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: repo, stdio: ['pipe', 'pipe', 'inherit'] });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const w = this.waiting.shift();
      if (w) w.resolve(line);
      else this.lines.push(line);
    });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (status, signal) => {
        for (const w of this.waiting.splice(0)) w.reject(new Error(`starter ${this.child.pid} exited (${status ?? signal})`));
        resolve();
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  next(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** What came of `lock <dir>`: acquired (with the pid), locked or error (with the message). */
  async lock(dir: string): Promise<{ outcome: string; detail: string }> {
    this.child.stdin!.write(`lock ${dir}\n`);
    return this.answer(dir);
  }

  async answer(dir: string): Promise<{ outcome: string; detail: string }> {
    const [answered, outcome, detail] = (await this.next()).split('\t');
    expect(answered).toBe(dir);
    return { outcome: outcome!, detail: detail! };
  }

  /** Ends it the way a crash does: its lock stays behind. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<void> {
    this.child.stdin!.end();
    await this.exited;
  }
}

async function started(): Promise<Starter> {
  const s = new Starter();
  expect(await s.next()).toBe('ready');
  return s;
}

function startTimeOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

/** The owner of a process that has exited (and been reaped): its pid and start time, as its lock would hold. */
async function deadOwner(): Promise<{ pid: number; startTime: number | null }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  const owner = { pid: child.pid!, startTime: linux ? startTimeOf(child.pid!) : null };
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  return owner;
}

const dirs: string[] = [];
function newDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'certmark-lock-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const lockFile = (dir: string) => join(dir, 'certmark.lock');
const breakerFile = (dir: string) => join(dir, 'certmark.lock.break');
const owner = (dir: string) => JSON.parse(readFileSync(lockFile(dir), 'utf8')) as { pid: number; startTime: number | null };

/** A directory whose lock file holds content (with the given age, for content that does not read as an owner). */
function dirWithLock(content: string, ageMs = 0): string {
  const dir = newDir();
  writeFileSync(lockFile(dir), content);
  if (ageMs) {
    const then = new Date(Date.now() - ageMs);
    utimesSync(lockFile(dir), then, then);
  }
  return dir;
}

function lockError(fn: () => unknown): DataDirLockedError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataDirLockedError);
    return e as DataDirLockedError;
  }
  throw new Error('expected DataDirLockedError');
}

/** Locks taken in this process are released after each test. */
const releases: (() => void)[] = [];
function lock(dir: string): () => void {
  const release = lockDataDir(dir);
  releases.push(release);
  return release;
}
afterEach(() => {
  for (const release of releases.splice(0)) release();
});

describe('among processes starting at once over a stale lock, exactly one takes it over', () => {
  const starters: Starter[] = [];
  beforeAll(async () => {
    // Started once: each round is then a race of processes that are already running, ready to lock
    starters.push(...(await Promise.all(Array.from({ length: 20 }, started))));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(starters.map((s) => s.stop()));
  });

  /** All 20 try at once: one acquires and holds it, every other is refused with the winner's pid. */
  async function race(dir: string): Promise<void> {
    for (const s of starters) s.child.stdin!.write(`lock ${dir}\n`);
    const answers = await Promise.all(starters.map((s) => s.answer(dir)));
    const winners = answers.filter((a) => a.outcome === 'acquired');
    expect(winners, JSON.stringify(answers)).toHaveLength(1);
    const winner = Number(winners[0]!.detail);
    expect(owner(dir).pid).toBe(winner);
    for (const a of answers.filter((a) => a.outcome !== 'acquired')) {
      expect(a.outcome).toBe('locked');
      expect(a.detail).toContain(`in use by process ${winner};`);
    }
    // Nothing left behind: no breaker, no file being written
    expect(readdirSync(dir)).toEqual(['certmark.lock']);
  }

  it('a lock naming a process that has exited: ten rounds of 20', async () => {
    const dead = JSON.stringify(await deadOwner());
    for (let round = 0; round < 10; round++) await race(dirWithLock(dead));
  }, 60_000);

  it.runIf(linux)(
    'a lock naming a live process that started at another time (a reused pid): ten rounds of 20',
    async () => {
      const reused = JSON.stringify({ pid: process.ppid, startTime: startTimeOf(process.ppid) - 1, host: 'elsewhere' });
      for (let round = 0; round < 10; round++) await race(dirWithLock(reused));
    },
    60_000,
  );

  it('a lock file that does not read as an owner and is a minute old: ten rounds of 20', async () => {
    for (let round = 0; round < 10; round++) await race(dirWithLock(round % 2 ? '' : '{"pid":', 60_000));
  }, 60_000);
});

describe('a lock held by a live process keeps others out', () => {
  it('refuses with DataDirLockedError naming the pid of the process that holds it, which keeps it', async () => {
    const dir = newDir();
    const holder = await started();
    try {
      expect(await holder.lock(dir)).toEqual({ outcome: 'acquired', detail: String(holder.pid) });
      const e = lockError(() => lockDataDir(dir));
      expect(e.message).toBe(
        `the embedded database in ${dir} is in use by process ${holder.pid}; stop it first, or set DATABASE_URL to share a PostgreSQL database between processes`,
      );
      expect(owner(dir).pid).toBe(holder.pid);
    } finally {
      await holder.stop();
    }
  }, 60_000);

  it('refuses a second lock taken in the same process', () => {
    const dir = newDir();
    lock(dir);
    expect(lockError(() => lockDataDir(dir)).message).toContain(`in use by process ${process.pid};`);
  });

  it('respects a bare pid of a live process (a lock written before start times were)', () => {
    const dir = dirWithLock(String(process.ppid));
    expect(lockError(() => lockDataDir(dir)).message).toContain(`in use by process ${process.ppid};`);
    expect(readFileSync(lockFile(dir), 'utf8')).toBe(String(process.ppid));
  });

  it.runIf(linux)('respects a live process whose start time matches', () => {
    const dir = dirWithLock(JSON.stringify({ pid: process.ppid, startTime: startTimeOf(process.ppid), host: 'elsewhere' }));
    expect(lockError(() => lockDataDir(dir)).message).toContain(`in use by process ${process.ppid} on elsewhere;`);
  });

  it('refuses a lock file that does not read as an owner while it is new (it may be being written)', () => {
    const dir = dirWithLock('');
    expect(lockError(() => lockDataDir(dir)).message).toContain('in use by another process;');
    expect(readFileSync(lockFile(dir), 'utf8')).toBe('');
  });
});

describe('a lock whose owner is gone is taken over', () => {
  it('the lock of a process killed while holding it', async () => {
    const dir = newDir();
    const holder = await started();
    expect((await holder.lock(dir)).outcome).toBe('acquired');
    await holder.kill();
    lock(dir);
    expect(owner(dir).pid).toBe(process.pid);
  }, 60_000);

  it('a lock naming a pid that no longer runs', async () => {
    const dir = dirWithLock(JSON.stringify(await deadOwner()));
    lock(dir);
    expect(owner(dir)).toMatchObject({ pid: process.pid });
  });

  it.runIf(linux)('a lock naming a live unrelated pid whose start time does not match', () => {
    const dir = dirWithLock(JSON.stringify({ pid: process.ppid, startTime: startTimeOf(process.ppid) + 1 }));
    lock(dir);
    expect(owner(dir)).toEqual({ pid: process.pid, startTime: startTimeOf(process.pid), host: expect.any(String) });
  });

  it('a lock naming our own pid that we did not write (PID 1 in a restarted container)', () => {
    const dir = dirWithLock(String(process.pid));
    lock(dir);
    expect(owner(dir).pid).toBe(process.pid);
  });

  it('a lock file that does not read as an owner, once it is a few seconds old', () => {
    const dir = dirWithLock('', 10_000);
    lock(dir);
    expect(owner(dir).pid).toBe(process.pid);
  });

  it('a stale lock behind a breaker left by a process that died while breaking it', async () => {
    const dead = await deadOwner();
    const dir = dirWithLock(JSON.stringify(dead));
    writeFileSync(breakerFile(dir), JSON.stringify(dead));
    lock(dir);
    expect(owner(dir).pid).toBe(process.pid);
    expect(existsSync(breakerFile(dir))).toBe(false);
  });
});

describe('release removes only our own lock', () => {
  it('removes the lock, which can then be taken again (and releasing twice does nothing more)', () => {
    const dir = newDir();
    const release = lockDataDir(dir);
    release();
    expect(existsSync(lockFile(dir))).toBe(false);
    const again = lock(dir);
    release();
    expect(owner(dir).pid).toBe(process.pid);
    again();
    expect(existsSync(lockFile(dir))).toBe(false);
  });

  it('leaves a lock that another process has taken since', () => {
    const dir = newDir();
    const release = lockDataDir(dir);
    const other = JSON.stringify({ pid: process.ppid, startTime: null });
    writeFileSync(lockFile(dir), other);
    release();
    expect(readFileSync(lockFile(dir), 'utf8')).toBe(other);
  });
});
