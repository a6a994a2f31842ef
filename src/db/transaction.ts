/**
 * Transactions with after-commit hooks, and a guard against the outer connection inside a transaction.
 *
 * - `inTransaction(db, fn)`: one transaction, or the caller's when there is one already (a domain operation
 *   composed of others is still one transaction).
 * - `onCommit(tx, hook)`: runs the hook once the outermost transaction has committed (never on rollback):
 *   the seam for side effects such as dropping this process's caches or sending notices.
 * - `notifyOnCommit(tx, channel, payload)`: NOTIFY in the transaction (heard by every process on PostgreSQL),
 *   and the same to this process's own listeners right after the commit, before the caller answers.
 * - A query on the outer `db` while a transaction of the same database is open in the same async context throws
 *   (on PGlite, one connection, it would wait for ever; on PostgreSQL it would read around the transaction or
 *   wait on its locks). Modelled on atproto ozone's LeakyTxPlugin.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type DatabaseConnection, type Dialect, type Driver, type Kysely, type Transaction, type TransactionSettings } from 'kysely';
import type { DB } from './schema';

type Db = Kysely<DB>;
type Tx = Transaction<DB>;

interface TxState {
  owner: object | null;
  hooks: (() => void)[];
}

const open = new WeakMap<object, TxState>();
const scope = new AsyncLocalStorage<TxState>();
/**
 * The guard's identity of each database, kept by its dialect adapter: made once per database, and shared by
 * every Kysely made from it (withPlugin) and by its transactions.
 */
const owners = new WeakMap<object, object>();
const ownerOf = (db: Db): object | null => owners.get(db.getExecutor().adapter) ?? null;
const localListeners = new WeakMap<object, Set<(channel: string, payload: string) => void>>();

export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Tx);
  const state: TxState = { owner: ownerOf(db), hooks: [] };
  const result = await db.transaction().execute((tx) => {
    open.set(tx, state);
    return scope.run(state, () => fn(tx));
  });
  for (const hook of state.hooks) {
    try {
      hook();
    } catch {
      // a hook must not undo what has committed; hooks catch and report their own failures
    }
  }
  return result;
}

export function onCommit(tx: Tx, hook: () => void): void {
  const state = open.get(tx);
  if (!state) throw new Error('onCommit needs a transaction made by inTransaction');
  state.hooks.push(hook);
}

export async function notifyOnCommit(tx: Tx, channel: string, payload: string): Promise<void> {
  await sql`select pg_notify(${channel}, ${payload})`.execute(tx);
  const state = open.get(tx);
  const owner = state?.owner;
  if (owner) onCommit(tx, () => localListeners.get(owner)?.forEach((l) => l(channel, payload)));
}

/** Hears this process's own committed notifications at once (the NOTIFY itself arrives a moment later). */
export function onLocalCommit(db: Db, listener: (channel: string, payload: string) => void): () => void {
  const owner = ownerOf(db);
  if (!owner) return () => {};
  let set = localListeners.get(owner);
  if (!set) localListeners.set(owner, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

/**
 * A dialect whose driver refuses a connection for the outer `db` while that database's transaction is open here.
 * Kysely queues a one-connection database (PGlite) before the driver is asked, where the guard could not see a
 * leak before it deadlocked: this dialect says it has many connections and queues them itself, after the guard.
 */
export function guardedDialect(inner: Dialect, owner: object): Dialect {
  const oneConnection = inner.createAdapter().supportsMultipleConnections === false;
  return {
    createAdapter: () => Object.create(inner.createAdapter(), { supportsMultipleConnections: { value: true } }),
    createIntrospector: (db: Kysely<any>) => inner.createIntrospector(db),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createDriver: (): Driver => {
      const driver = inner.createDriver();
      let queue: Promise<void> = Promise.resolve();
      let unlock: (() => void) | null = null;
      return {
        init: () => driver.init(),
        acquireConnection: async () => {
          if (scope.getStore()?.owner === owner) {
            throw new Error('a query on the outer database connection inside a transaction: pass the transaction (tx) down instead');
          }
          if (oneConnection) {
            const previous = queue;
            let release!: () => void;
            queue = new Promise((resolve) => (release = resolve));
            await previous;
            unlock = release;
          }
          return driver.acquireConnection();
        },
        beginTransaction: (c: DatabaseConnection, settings: TransactionSettings) => driver.beginTransaction(c, settings),
        commitTransaction: (c: DatabaseConnection) => driver.commitTransaction(c),
        rollbackTransaction: (c: DatabaseConnection) => driver.rollbackTransaction(c),
        releaseConnection: async (c: DatabaseConnection) => {
          try {
            await driver.releaseConnection(c);
          } finally {
            const release = unlock;
            unlock = null;
            release?.();
          }
        },
        destroy: () => driver.destroy(),
        ...(driver.savepoint ? { savepoint: driver.savepoint.bind(driver) } : {}),
        ...(driver.rollbackToSavepoint ? { rollbackToSavepoint: driver.rollbackToSavepoint.bind(driver) } : {}),
        ...(driver.releaseSavepoint ? { releaseSavepoint: driver.releaseSavepoint.bind(driver) } : {}),
      };
    },
  };
}

/** Marks a Kysely root as the database guarded by `owner` (the same object given to guardedDialect). */
export function registerGuarded(db: Db, owner: object): Db {
  owners.set(db.getExecutor().adapter, owner);
  return db;
}
