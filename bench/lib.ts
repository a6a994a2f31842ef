/**
 * What every benchmark shares: a certmark server in a child process (embedded database in a temp folder, or a
 * PostgreSQL schema), the ceiling (a bare node:http server in a child process sending the same bytes and
 * headers), a load run with autocannon, and one printed line per measurement.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';

export const ROOT = resolve(import.meta.dirname, '..');
export const ADMIN_TOKEN = `bench-admin-${randomBytes(12).toString('hex')}`;
export const KEY_SECRET = `bench-key-secret-${randomBytes(16).toString('hex')}`;

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

/** The Node flags of `npm start` (package.json): a young generation of at most 8 MB per half (issue 17, idle memory). */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=8'];

export interface Running {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function waitReady(url: string, child: ChildProcess, output: () => string, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the process exited (${child.exitCode}) before it was ready:\n${output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready after ${timeoutMs} ms:\n${output()}`);
}

function stopper(child: ChildProcess, cleanup: () => Promise<void> = async () => {}) {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await cleanup();
  };
}

export interface CertmarkOptions {
  /** PostgreSQL URL; the embedded database in a temp folder when absent. */
  databaseUrl?: string;
  /** Seed the demo services (and their demo tokens). */
  demo?: boolean;
  env?: Record<string, string>;
  /** Use this DATA_DIR (kept on stop, so a restart finds the same embedded database); a temp folder when absent. */
  dataDir?: string;
  /** How long the start may take before it counts as failed (90 s; a test beside a full suite on 2 cores needs more). */
  readyTimeoutMs?: number;
}

export interface CertmarkProcess extends Running {
  adminToken: string;
  /** The last 8 kB the process wrote to stdout and stderr. */
  output(): string;
  /** A staff API call as the bootstrap admin. */
  admin(method: string, path: string, body?: unknown): Promise<Response>;
}

/** What `npm start` runs: src/server.ts bundled by `npm run build:server`. */
const SERVER_BUNDLE = 'dist/server/server.js';
let building: Promise<void> | null = null;
/** Builds the server bundle as `npm start` does (its `prestart`), once per process. */
function builtServer(): Promise<void> {
  if (process.env.CERTMARK_SERVER_BUILT === '1') return Promise.resolve(); // the tests' global setup built it
  building ??= new Promise<void>((resolve, reject) => {
    const npm = spawn('npm', ['run', '--silent', 'build:server'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    npm.on('error', reject);
    npm.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build:server exited with ${code}`))));
  });
  return building;
}

/** certmark's own Node server (src/server.ts, bundled as `npm start` runs it) in a child process on an ephemeral port. */
export async function startCertmark(options: CertmarkOptions = {}): Promise<CertmarkProcess> {
  const port = await freePort();
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'certmark-bench-')));
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: url,
    DATA_DIR: dataDir,
    CERTMARK_ADMIN_TOKEN: ADMIN_TOKEN,
    CERTMARK_KEY_SECRET: KEY_SECRET,
    CERTMARK_DEMO: options.demo === false ? '0' : '1',
    LOG_LEVEL: 'warn',
    // one admin revokes at once, as the tests and benches that revoke through a server expect (Art. 17 four eyes
    // is the default on PostgreSQL; test/admin/revocation-approval.test.ts covers it)
    CERTMARK_REVOCATION_APPROVALS: '1',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...options.env,
  };
  if (!options.databaseUrl) delete env.DATABASE_URL;
  // node itself (not npm), so the child's pid is the server's and its CPU time can be read; the bundle and the
  // flags `npm start` runs (package.json), built once per bench run
  await builtServer();
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, join(ROOT, SERVER_BUNDLE)], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  await waitReady(`${url}/readyz`, child, () => output, options.readyTimeoutMs);
  return {
    url,
    child,
    adminToken: ADMIN_TOKEN,
    output: () => output,
    admin: (method, path, body) =>
      fetch(`${url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    stop: stopper(child, () => (options.dataDir ? Promise.resolve() : rm(dataDir, { recursive: true, force: true }))),
  };
}

let shared: Promise<CertmarkProcess> | null = null;

/** One demo-seeded certmark for every benchmark of a run (bench/index.ts stops it at the end). */
export function sharedCertmark(): Promise<CertmarkProcess> {
  // the settings a user gets: LOG_LEVEL=info, one line per request
  shared ??= startCertmark({ demo: true, env: { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info' } });
  return shared;
}

export async function stopShared(): Promise<void> {
  if (shared) await (await shared).stop();
  shared = null;
}

const CEILING = `
const http = require('node:http');
const fs = require('node:fs');
const [file, headersJson, port] = process.argv.slice(1);
const body = fs.readFileSync(file);
const headers = { ...JSON.parse(headersJson), 'content-length': String(body.length) };
http.createServer((req, res) => { res.writeHead(200, headers); res.end(body); }).listen(Number(port), '127.0.0.1');
`;

/** The ceiling for Node here: a bare node:http server in its own process answering every request with these bytes. */
export async function startCeiling(bytes: Uint8Array, headers: Record<string, string>): Promise<Running> {
  const dir = await mkdtemp(join(tmpdir(), 'certmark-ceiling-'));
  const file = join(dir, 'body');
  await writeFile(file, bytes);
  const port = await freePort();
  const child = spawn(process.execPath, ['-e', CEILING, file, JSON.stringify(headers), String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const url = `http://127.0.0.1:${port}/`;
  await waitReady(url, child, () => output, 10_000);
  return { url, child, stop: stopper(child, () => rm(dir, { recursive: true, force: true })) };
}

/** The headers of an answer worth copying to the ceiling (what the client would receive). */
export function servedHeaders(r: Response): Record<string, string> {
  const skip = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'x-request-id']);
  const out: Record<string, string> = {};
  r.headers.forEach((v, k) => {
    if (!skip.has(k)) out[k] = v;
  });
  return out;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** Server CPU time (user + system) per answered request, in microseconds, when the server's pid was given. */
  cpuMicrosPerRequest: number | null;
}

const TICK_MICROS = 10_000; // USER_HZ is 100 on Linux

/** A process's name and its user + system CPU time so far in microseconds (/proc/{pid}/stat); null when it is gone. */
async function processStat(pid: number | string): Promise<{ name: string; micros: number } | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11], fields[12]: utime and stime in clock ticks
    return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), micros: (Number(fields[11]) + Number(fields[12])) * TICK_MICROS };
  } catch {
    return null;
  }
}

/** The process and its descendants (a cluster's primary and workers), by /proc/{pid}/task/{pid}/children. */
export async function processTree(pid: number): Promise<number[]> {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      const children = await readFile(`/proc/${out[i]}/task/${out[i]}/children`, 'utf8');
      out.push(...children.split(' ').filter(Boolean).map(Number));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * user + system CPU time so far of a process and its descendants (WEB_CONCURRENCY: the primary and its workers),
 * in microseconds (Linux /proc; null elsewhere).
 */
export async function cpuMicros(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  let total = 0;
  for (const p of await processTree(pid)) {
    const stat = await processStat(p);
    if (stat !== null) total += stat.micros;
    else if (p === pid) return null;
  }
  return total;
}

/** CPU time so far, in microseconds: the whole machine's busy time (all cores), PostgreSQL's processes, this process. */
export interface MachineCpu {
  busy: number;
  postgres: number;
  self: number;
  cores: number;
}

/** Linux /proc only (null elsewhere): what a run costs the machine, not only certmark. */
export async function machineCpu(): Promise<MachineCpu | null> {
  try {
    // cpu user nice system idle iowait irq softirq steal: busy is all but idle and iowait
    const f = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const busy = (f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!) * TICK_MICROS;
    let postgres = 0;
    for (const pid of (await readdir('/proc')).filter((d) => /^\d+$/.test(d))) {
      const stat = await processStat(pid);
      if (stat?.name === 'postgres') postgres += stat.micros;
    }
    const me = process.cpuUsage();
    return { busy, postgres, self: me.user + me.system, cores: availableParallelism() };
  } catch {
    return null;
  }
}

/** Resident memory of one process in MB (VmRSS), null off Linux. */
export async function rssMb(pid: number): Promise<number | null> {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * autocannon against one URL: a short warm-up, then the measured run. With the server's pid, also its CPU time
 * per request: on a machine shared with other work, that figure moves much less than requests per second.
 */
export async function load(
  url: string,
  options: { connections?: number; seconds?: number; warmupSeconds?: number; headers?: Record<string, string>; pid?: number } = {},
): Promise<LoadResult> {
  const connections = options.connections ?? 64;
  const headers = options.headers ?? {};
  if ((options.warmupSeconds ?? 1) > 0) await autocannon({ url, connections, duration: options.warmupSeconds ?? 1, headers });
  const cpuBefore = await cpuMicros(options.pid);
  const r = await autocannon({ url, connections, duration: options.seconds ?? 4, headers });
  const cpuAfter = await cpuMicros(options.pid);
  const answered = r.requests.total;
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    cpuMicrosPerRequest: cpuBefore !== null && cpuAfter !== null && answered > 0 ? (cpuAfter - cpuBefore) / answered : null,
  };
}

export interface ReportRow {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  /** requests/s as a share of the ceiling's. */
  ratio: number | null;
  cpuMicrosPerRequest: number | null;
  /** The ceiling's CPU per request over ours: the share of the ceiling's throughput our code allows per core. */
  cpuRatio: number | null;
  note?: string;
}

export const rows: ReportRow[] = [];

/** Prints one measurement (and its ratio to the ceiling) and keeps it for the closing table. */
export function report(name: string, result: LoadResult, ceiling?: LoadResult | null, note?: string): ReportRow {
  const cpu = result.cpuMicrosPerRequest;
  const cpuRatio = ceiling?.cpuMicrosPerRequest && cpu ? ceiling.cpuMicrosPerRequest / cpu : null;
  const row: ReportRow = {
    name,
    rps: Math.round(result.rps),
    p50: result.p50,
    p99: result.p99,
    ratio: ceiling ? result.rps / ceiling.rps : null,
    cpuMicrosPerRequest: cpu,
    cpuRatio,
    note,
  };
  const problems = result.errors || result.non2xx ? `  (errors ${result.errors}, non-2xx ${result.non2xx})` : '';
  const pct = (x: number | null) => (x === null ? '' : `${(x * 100).toFixed(0).padStart(3)} %`);
  process.stdout.write(
    `${name.padEnd(40)} ${String(row.rps).padStart(7)} req/s  p50 ${String(row.p50).padStart(3)} ms  p99 ${String(row.p99).padStart(4)} ms` +
      `${row.ratio === null ? '' : `  ${pct(row.ratio)} of ceiling`}` +
      `${cpu === null ? '' : `  cpu ${cpu.toFixed(0).padStart(4)} µs/req`}${cpuRatio === null ? '' : ` (${pct(cpuRatio)})`}${note ? `  ${note}` : ''}${problems}\n`,
  );
  rows.push(row);
  return row;
}

/** A line that is not a load result (a delay, a count). */
export function note(line: string): void {
  process.stdout.write(`${line}\n`);
}

const better = (a: LoadResult, b: LoadResult) => (b.rps > a.rps ? b : a);

/**
 * Measures `url` (served by the process `pid`) against the ceiling sending the very bytes and headers `url`
 * answers with. The two alternate `rounds` times and the best round of each counts, so that a burst of other
 * work on the machine does not land on one side only.
 */
export async function againstCeiling(
  name: string,
  url: string,
  options: { headers?: Record<string, string>; pid?: number; seconds?: number; rounds?: number } = {},
): Promise<ReportRow> {
  const headers = options.headers ?? {};
  const sample = await fetch(url, { headers });
  if (!sample.ok) throw new Error(`${name}: ${url} answered ${sample.status}`);
  const bytes = new Uint8Array(await sample.arrayBuffer());
  const ceiling = await startCeiling(bytes, servedHeaders(sample));
  try {
    let top: LoadResult | null = null;
    let ours: LoadResult | null = null;
    for (let i = 0; i < (options.rounds ?? 2); i++) {
      const c = await load(ceiling.url, { seconds: options.seconds, headers, pid: ceiling.child.pid });
      const o = await load(url, { seconds: options.seconds, headers, pid: options.pid });
      top = top ? better(top, c) : c;
      ours = ours ? better(ours, o) : o;
    }
    report(`${name} (ceiling)`, top!);
    return report(name, ours!, top);
  } finally {
    await ceiling.stop();
  }
}
