import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** PGlite is one process only: a lock file in DATA_DIR keeps a second process out with a clear error. */
export class DataDirLockedError extends Error {}

/** What a lock (or breaker) file holds: the process, and when it started, so that a reused pid is not taken for it. */
interface Owner {
  pid: number;
  startTime: number | null;
  host?: string;
}

/** A lock file that does not read as an owner is taken for one being written until it is this old. */
const UNREADABLE_GRACE_MS = 5_000;
/** How long a start waits for another process that is breaking a stale lock. */
const WAIT_MS = 3_000;
/** certmark.lock.break, .break.break…: each breaks the one before it when its owner died while breaking. */
const MAX_BREAKERS = 4;

type Seen = { text: string; ino: number; mtimeMs: number; owner: Owner | null };

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

/** Field 22 of /proc/<pid>/stat (start time, clock ticks since boot) and whether the process is a zombie; null off Linux. */
function procStat(pid: number): { startTime: number; zombie: boolean } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) is in parentheses and may hold spaces and ')': field 3 on follows the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTime = Number(fields[19]);
    return Number.isSafeInteger(startTime) ? { startTime, zombie: fields[0] === 'Z' } : null;
  } catch {
    return null;
  }
}

const me: Owner = { pid: process.pid, startTime: procStat(process.pid)?.startTime ?? null, host: hostname() };
const mine = JSON.stringify(me);

function parseOwner(text: string): Owner | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v === 'number') v = { pid: v, startTime: null }; // a bare pid, as written before start times
  if (typeof v !== 'object' || v === null) return null;
  const { pid, startTime, host } = v as Record<string, unknown>;
  // pid 0 and negative pids would make kill() probe process groups
  if (!Number.isSafeInteger(pid) || (pid as number) <= 0) return null;
  if (startTime !== null && startTime !== undefined && !Number.isSafeInteger(startTime)) return null;
  return { pid: pid as number, startTime: (startTime as number | null | undefined) ?? null, ...(typeof host === 'string' ? { host } : {}) };
}

/** The file's content and identity, read from one open file so that they belong together; null if there is none. */
function read(path: string): Seen | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if (code(e) === 'ENOENT') return null;
    throw e;
  }
  try {
    const { ino, mtimeMs } = fstatSync(fd);
    const text = readFileSync(fd, 'utf8');
    return { text, ino, mtimeMs, owner: parseOwner(text) };
  } finally {
    closeSync(fd);
  }
}

/**
 * The owner still runs: its pid is alive and, where both start times are known, it is the same process (a pid
 * is reused after a crash, in containers nearly always). The host is only shown: a container is given another
 * name each time it is made, and a lock it left must not keep its successor out.
 */
function alive(seen: Seen, owner: Owner): boolean {
  // Our own pid in a lock we did not write is a former process (PID 1 in a restarted container)
  if (owner.pid === process.pid) return seen.text === mine;
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    if (code(e) !== 'EPERM') return false; // EPERM: it runs, as another user
  }
  const now = procStat(owner.pid);
  if (now?.zombie) return false; // exited, only not yet reaped by its parent
  return owner.startTime === null || now === null || now.startTime === owner.startTime;
}

function verdict(seen: Seen): 'live' | 'stale' | 'unsure' {
  if (seen.owner) return alive(seen, seen.owner) ? 'live' : 'stale';
  // Written by an older version (open, then write) or cut short by a crash: give a writer time to finish
  return Date.now() - seen.mtimeMs > UNREADABLE_GRACE_MS ? 'stale' : 'unsure';
}

/**
 * Creates path holding text, or returns false when it exists. The text goes to a file of our own first and is
 * linked into place (link fails if the name exists, atomically): the file never appears empty or half written.
 */
function create(path: string, text: string): boolean {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, text, { flag: 'wx', mode: 0o600 });
  try {
    linkSync(temp, path);
    return true;
  } catch (e) {
    if (code(e) === 'EEXIST') return false;
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(code(e) ?? '')) throw e;
  } finally {
    rmSync(temp, { force: true });
  }
  // No hard links on this file system: an exclusive create, which may be seen empty for a moment (see verdict)
  try {
    writeFileSync(path, text, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (e) {
    if (code(e) === 'EEXIST') return false;
    throw e;
  }
}

function removeIfMine(path: string): void {
  if (read(path)?.text === mine) rmSync(path, { force: true });
}

/**
 * Removes the stale file at path, if it is still the one seen. Checking and unlinking are two steps, so only one
 * process at a time may take them: the one that creates `${path}.break`. If its owner died while breaking, that
 * file is broken the same way (by `${path}.break.break`).
 * Returns null to look again at once, or the breaker of another process that is in the way.
 */
function breakStale(path: string, seen: Seen, depth: number): Seen | null {
  const breaker = `${path}.break`;
  if (!create(breaker, mine)) {
    const other = read(breaker);
    if (!other) return null; // it has just finished
    if (verdict(other) !== 'stale' || depth >= MAX_BREAKERS) return other;
    return breakStale(breaker, other, depth + 1);
  }
  try {
    // Nobody else may unlink path now and its owner is gone: if it is the same file, it stays so until we unlink it
    const now = read(path);
    if (now && now.ino === seen.ino && now.text === seen.text && verdict(now) === 'stale') unlinkSync(path);
  } finally {
    removeIfMine(breaker);
  }
  return null;
}

function lockedError(dir: string, holder: Owner | null): DataDirLockedError {
  const who = holder ? `process ${holder.pid}${holder.host && holder.host !== me.host ? ` on ${holder.host}` : ''}` : 'another process';
  return new DataDirLockedError(
    `the embedded database in ${dir} is in use by ${who}; stop it first, or set DATABASE_URL to share a PostgreSQL database between processes`,
  );
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Takes DATA_DIR for this process, or throws DataDirLockedError naming the process that has it. A lock left by a
 * process that is gone is taken over; among processes starting at once over it, exactly one gets it.
 * Returns the release, which removes the lock only while it is still ours.
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'certmark.lock');
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (create(path, mine)) {
      let held = true;
      // Once only: a second call must not remove a lock this process has taken again since
      return () => {
        if (held) removeIfMine(path);
        held = false;
      };
    }
    const seen = read(path);
    if (!seen) continue; // released meanwhile
    const state = verdict(seen);
    if (state === 'live') throw lockedError(dir, seen.owner);
    if (state === 'unsure') throw lockedError(dir, null);
    const breaker = breakStale(path, seen, 0);
    if (!breaker) continue;
    // Another process is taking the stale lock over: it is about to hold it, or to give up if a third was faster
    if (Date.now() > deadline) throw lockedError(dir, breaker.owner);
    pause(10);
  }
}
