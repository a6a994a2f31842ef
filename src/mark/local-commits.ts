/**
 * On PostgreSQL a NOTIFY reaches this process's own LISTEN connection a moment after the commit, so a request
 * made right after a local revocation could still find the old state cached. This Kysely plugin sees our own
 * `pg_notify('certmark_changes', serviceId)` as it is sent inside the transaction, and holds that service's cache
 * entries (read through, never kept) until the NOTIFY itself arrives, or a few seconds pass should the
 * transaction roll back. On PGlite the NOTIFY is delivered before the commit returns, so no plugin is needed.
 */
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { CHANGES_CHANNEL } from '../db/database';

/** Services whose cached answers may be stale for a moment: counted, and bounded in time. */
export class Holds {
  private held = new Map<string, { count: number; until: number }>();

  constructor(private readonly ttlMs = 5_000) {}

  hold(id: string): void {
    const h = this.held.get(id);
    this.held.set(id, { count: (h?.count ?? 0) + 1, until: performance.now() + this.ttlMs });
  }

  release(id: string): void {
    const h = this.held.get(id);
    if (!h) return;
    if (h.count <= 1) this.held.delete(id);
    else h.count--;
  }

  isHeld(id: string): boolean {
    if (this.held.size === 0) return false;
    const h = this.held.get(id);
    if (!h) return false;
    if (h.until < performance.now()) {
      this.held.delete(id);
      return false;
    }
    return true;
  }
}

interface RawNodeShape {
  kind: string;
  sqlFragments?: readonly string[];
  parameters?: readonly { kind: string; value?: unknown }[];
}

/** The service id announced by a `select pg_notify('certmark_changes', id)` query, or null. */
export function announcedService(node: RootOperationNode): string | null {
  const raw = node as unknown as RawNodeShape;
  if (raw.kind !== 'RawNode' || !raw.sqlFragments?.some((f) => f.includes('pg_notify('))) return null;
  const [channel, payload] = raw.parameters ?? [];
  if (channel?.kind !== 'ValueNode' || channel.value !== CHANGES_CHANNEL) return null;
  return payload?.kind === 'ValueNode' && typeof payload.value === 'string' ? payload.value : null;
}

export class LocalCommitWatch implements KyselyPlugin {
  constructor(private readonly onAnnounce: (serviceId: string) => void) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const id = announcedService(args.node);
    if (id !== null) this.onAnnounce(id);
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
