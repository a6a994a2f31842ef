/**
 * A TCP proxy in front of PostgreSQL that can break the network on demand: reset every connection, refuse new
 * ones, freeze some or all of them (no byte either way, nothing closed: what a dead link or a stalled peer looks
 * like), or delay every byte. It reads the startup message of each client connection, so faults can target
 * connections by their `application_name` (a server's LISTEN connection is `certmark-listen`).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface ConnectionInfo {
  readonly id: number;
  /** From the startup message; null until it has arrived (or for a CancelRequest). */
  readonly applicationName: string | null;
  /** Every startup parameter (user, database, application_name, options, …). */
  readonly parameters: Readonly<Record<string, string>>;
  readonly open: boolean;
}

/** Which connections a freeze applies to: all, those with this application_name, or a predicate. */
export type ConnectionFilter = { applicationName?: string } | ((c: ConnectionInfo) => boolean);

export interface FaultProxy {
  readonly port: number;
  /** `url` (a postgres:// URL) pointed at the proxy instead of the database. */
  urlThrough(url: string): string;
  /** Every client connection accepted so far, open or closed. */
  connections(): ConnectionInfo[];
  /** Destroys every open connection with a TCP RST, both sides. */
  reset(): void;
  /** While on, a new connection is reset as soon as it is accepted. */
  refuse(on: boolean): void;
  /** Stops forwarding on matching connections, existing and new, without closing them. */
  freeze(filter?: ConnectionFilter): void;
  /** Forwards again whatever was held back by freeze(). */
  thaw(): void;
  /** Holds every chunk this long before forwarding it (0: none). */
  delay(ms: number): void;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

interface Chunk {
  bytes: Buffer;
  due: number;
}

interface Connection extends ConnectionInfo {
  applicationName: string | null;
  parameters: Record<string, string>;
  open: boolean;
  client: Socket;
  server: Socket;
  /** Parsed startup message (or a CancelRequest) seen: bytes now flow as they come. */
  started: boolean;
  pumps: Pump[];
}

/** One direction of one connection: a queue that holds chunks while frozen or delayed, in order. */
class Pump {
  private queue: Chunk[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly held: () => boolean,
  ) {}

  push(bytes: Buffer, delayMs: number): void {
    this.queue.push({ bytes, due: performance.now() + delayMs });
    this.run();
  }

  run(): void {
    if (this.to.destroyed) return;
    if (this.held()) {
      this.from.pause(); // let the kernel buffers fill: the peer sees a silent link
      return;
    }
    while (this.queue.length > 0) {
      const wait = this.queue[0]!.due - performance.now();
      if (wait > 0) {
        this.timer ??= setTimeout(() => {
          this.timer = null;
          this.run();
        }, wait);
        return;
      }
      this.to.write(this.queue.shift()!.bytes);
    }
    this.from.resume();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
  }
}

/** Parses `key\0value\0…\0` of a startup message body. */
function startupParameters(body: Buffer): Record<string, string> {
  const parts = body.toString('utf8').split('\0');
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length && parts[i] !== ''; i += 2) out[parts[i]!] = parts[i + 1]!;
  return out;
}

function matches(filter: ConnectionFilter | null, c: Connection): boolean {
  if (filter === null) return false;
  if (typeof filter === 'function') return c.started && filter(c);
  if (filter.applicationName === undefined) return true; // freeze(): everything, the startup included
  return c.started && c.applicationName === filter.applicationName;
}

/**
 * Starts a proxy on 127.0.0.1 (an ephemeral port) forwarding to `target` (default: the host and port of
 * TEST_DATABASE_URL, else 127.0.0.1:5432).
 */
export async function startFaultProxy(target?: { host: string; port: number }): Promise<FaultProxy> {
  const fromEnv = process.env.TEST_DATABASE_URL ? new URL(process.env.TEST_DATABASE_URL) : null;
  const upstream = target ?? { host: fromEnv?.hostname || '127.0.0.1', port: Number(fromEnv?.port || 5432) };
  const all: Connection[] = [];
  let refusing = false;
  let frozen: ConnectionFilter | null = null;
  let delayMs = 0;
  let nextId = 1;

  const destroy = (c: Connection, rst: boolean) => {
    c.open = false;
    for (const p of c.pumps) p.stop();
    for (const s of [c.client, c.server]) {
      if (s.destroyed) continue;
      if (rst && s.readyState === 'open') s.resetAndDestroy();
      else s.destroy();
    }
  };

  const accept = (client: Socket) => {
    if (refusing) {
      client.on('error', () => {});
      client.resetAndDestroy();
      return;
    }
    const server = connect(upstream.port, upstream.host);
    const c: Connection = { id: nextId++, applicationName: null, parameters: {}, open: true, client, server, started: false, pumps: [] };
    all.push(c);
    const held = () => matches(frozen, c);
    const up = new Pump(client, server, held);
    const down = new Pump(server, client, held);
    c.pumps = [up, down];
    client.setNoDelay(true);
    server.setNoDelay(true);
    for (const s of [client, server]) {
      s.on('error', () => destroy(c, true)); // a reset on one side is passed on as a reset
      s.on('close', () => destroy(c, false));
    }

    // Until the startup message is in, the client's bytes are gathered here and answered or forwarded whole.
    let head = Buffer.alloc(0);
    client.on('data', (bytes: Buffer) => {
      if (c.started) return up.push(bytes, delayMs);
      head = Buffer.concat([head, bytes]);
      while (!c.started && head.length >= 8) {
        const length = head.readInt32BE(0);
        const code = head.readInt32BE(4);
        if (length === 8 && (code === SSL_REQUEST || code === GSSENC_REQUEST)) {
          client.write('N'); // no encryption: the startup message follows in clear
          head = head.subarray(8);
          continue;
        }
        if (head.length < length) return;
        if (code === PROTOCOL_3) {
          c.parameters = startupParameters(head.subarray(8, length));
          c.applicationName = c.parameters.application_name ?? null;
        } else if (code !== CANCEL_REQUEST) {
          destroy(c, true); // not PostgreSQL
          return;
        }
        c.started = true;
        const rest = head;
        head = Buffer.alloc(0);
        up.push(rest, delayMs);
      }
    });
    server.on('data', (bytes: Buffer) => down.push(bytes, delayMs));
  };

  const listener: Server = createServer(accept);
  await new Promise<void>((ok, fail) => {
    listener.once('error', fail);
    listener.listen(0, '127.0.0.1', () => ok());
  });
  const port = (listener.address() as { port: number }).port;
  const live = () => all.filter((c) => c.open);
  const info = (c: Connection): ConnectionInfo => ({ id: c.id, applicationName: c.applicationName, parameters: { ...c.parameters }, open: c.open });

  return {
    port,
    urlThrough(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    connections: () => all.map(info),
    reset() {
      for (const c of live()) destroy(c, true);
    },
    refuse(on) {
      refusing = on;
    },
    freeze(filter = {}) {
      frozen = filter;
      for (const c of live()) for (const p of c.pumps) p.run();
    },
    thaw() {
      frozen = null;
      for (const c of live()) for (const p of c.pumps) p.run();
    },
    delay(ms) {
      delayMs = ms;
    },
    async close() {
      for (const c of live()) destroy(c, false);
      await new Promise<void>((ok) => listener.close(() => ok()));
    },
  };
}
