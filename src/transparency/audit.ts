/**
 * The outside verifier behind `certmark audit {base}`: it trusts nothing of the server but the log key it saw
 * first. It checks the newest checkpoint's signature; that the tree it names extends the last checkpoint this
 * auditor saw (the server's consistency proof, and the entries themselves, which it hashes); and that every
 * public event behind each verification page is an entry of that tree (the server's inclusion proof). It names
 * the entry when anything fails. Its state (the key, the last checkpoint, the leaf hashes it verified) is kept
 * by the caller and only advanced when everything verified.
 */
import { canonicalJson } from '../domain/canonical-json';
import { parseEntry, type PublicFact } from './entry';
import { leafHash, rootHash, sourceOf, appendLeaves, verifyConsistency, verifyInclusion, type StoredNode } from './merkle';
import { logOrigin, openNote, parseCheckpoint, parseVkey } from './note';

export interface AuditState {
  version: 1;
  origin: string;
  vkey: string;
  checkpoint: { size: number; root: string; note: string; seenAt: string };
  /** base64 of the leaf hashes verified so far, 32 bytes each, in order. */
  leaves: string;
  /** The public facts of the entries verified so far (so a later audit reads only the new entries). */
  public: { index: number; fact: PublicFact }[];
}

export interface AuditProblem {
  /** The entry concerned, when one is. */
  index: number | null;
  what: string;
}

export interface AuditReport {
  ok: boolean;
  origin: string;
  size: number;
  previousSize: number | null;
  publicEventsChecked: number;
  servicesChecked: number;
  problems: AuditProblem[];
  /** The state to keep: the new one when everything verified, else the one given. */
  state: AuditState | null;
}

type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

class AuditFailure extends Error {
  constructor(
    readonly index: number | null,
    what: string,
  ) {
    super(what);
  }
}

async function get(fetcher: Fetch, url: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetcher(url, { headers: { Accept: 'application/json, text/plain' } });
  } catch (e) {
    throw new AuditFailure(null, `could not fetch ${url}: ${(e as Error).message}`);
  }
  if (res.status !== 200) throw new AuditFailure(null, `${url} answered ${res.status}`);
  return res;
}

const getJson = async <T>(f: Fetch, url: string) => (await (await get(f, url)).json()) as T;
const b64 = (s: string) => Buffer.from(s, 'base64');

async function fetchEntries(f: Fetch, base: string, start: number, end: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  while (start + out.length < end) {
    const from = start + out.length;
    const page = await getJson<{ entries: { index: number; entry: string }[] }>(f, `${base}/api/v1/log/entries?start=${from}&end=${end}`);
    if (!Array.isArray(page.entries) || page.entries.length === 0) throw new AuditFailure(from, `the log serves no entry #${from}`);
    for (const e of page.entries) {
      if (e.index !== start + out.length)
        throw new AuditFailure(start + out.length, `the log served entry #${e.index} where #${start + out.length} was asked for`);
      out.push(b64(e.entry));
    }
  }
  return out;
}

/** The tree over these leaf hashes, as stored nodes (the auditor keeps leaves only and recomputes). */
function treeOf(leaves: readonly Buffer[]) {
  const grown = appendLeaves(0, [], leaves);
  return { nodes: grown.nodes as StoredNode[], root: (size: number) => rootHash(size, sourceOf(grown.nodes)) };
}

function splitLeaves(text: string): Buffer[] {
  const all = b64(text);
  const out: Buffer[] = [];
  for (let i = 0; i + 32 <= all.length; i += 32) out.push(all.subarray(i, i + 32));
  return out;
}

/** Names the first entry whose leaf differs from the one seen before: the rewritten entry. */
async function firstRewritten(f: Fetch, base: string, seen: readonly Buffer[]): Promise<number | null> {
  const now = await fetchEntries(f, base, 0, seen.length).catch(() => null);
  if (!now) return null;
  for (let i = 0; i < seen.length; i++) if (!leafHash(now[i]!).equals(seen[i]!)) return i;
  return null;
}

/** The first new entry whose inclusion proof does not verify (asked for only once something failed). */
async function firstNotIncluded(f: Fetch, base: string, leaves: readonly Buffer[], from: number, size: number, root: Buffer): Promise<number | null> {
  for (let i = from; i < size; i++) {
    const proof = await getJson<{ hashes: string[] }>(f, `${base}/api/v1/log/proof/inclusion?index=${i}&size=${size}`).catch(() => null);
    if (!proof || !verifyInclusion(i, size, leaves[i]!, proof.hashes.map(b64), root)) return i;
  }
  return null;
}

/** What the page shows beside the facts an entry records (derivable or internal): not compared. */
const FACT_SKIP = new Set(['number', 'type', 'at']);

/** Runs the audit. `numbers`: the verification pages to check (default: every service the registry lists). */
export async function audit(input: { base: string; fetch: Fetch; state: AuditState | null; numbers?: readonly string[]; now: Date }): Promise<AuditReport> {
  const base = input.base.replace(/\/+$/, '');
  const origin = logOrigin(base);
  const prior = input.state && input.state.origin === origin ? input.state : null;
  const report: AuditReport = {
    ok: false,
    origin,
    size: 0,
    previousSize: prior?.checkpoint.size ?? null,
    publicEventsChecked: 0,
    servicesChecked: 0,
    problems: [],
    state: input.state,
  };
  try {
    // 1. the key: the one seen before, else the one published now (trust on first use)
    const vkeyText = (await (await get(input.fetch, `${base}/.well-known/certmark/log-key`)).text()).trim();
    if (prior && prior.vkey !== vkeyText) throw new AuditFailure(null, `the log key changed: it was ${prior.vkey}, it is now ${vkeyText}`);
    const verifier = parseVkey(vkeyText);
    if (!verifier) throw new AuditFailure(null, 'the log key is not a well-formed C2SP vkey');
    // 2. the checkpoint and its signature
    const note = await (await get(input.fetch, `${base}/.well-known/certmark/checkpoint`)).text();
    const signed = openNote(note, verifier);
    if (!signed) throw new AuditFailure(null, 'the checkpoint’s signature does not verify with the log key');
    const cp = parseCheckpoint(signed);
    if (!cp) throw new AuditFailure(null, 'the checkpoint is not a well-formed tlog checkpoint');
    if (cp.origin !== origin) throw new AuditFailure(null, `the checkpoint names the log ${cp.origin}, not ${origin}`);
    report.size = cp.size;
    // 3. consistency with the checkpoint seen before
    const seen = prior ? splitLeaves(prior.leaves) : [];
    if (prior) {
      const oldRoot = b64(prior.checkpoint.root);
      const oldSize = prior.checkpoint.size;
      let consistent: boolean;
      if (cp.size < oldSize) consistent = false;
      else if (oldSize === 0) consistent = true;
      else {
        const proof = await getJson<{ hashes: string[] }>(input.fetch, `${base}/api/v1/log/proof/consistency?from=${oldSize}&to=${cp.size}`).catch(() => null);
        consistent = proof !== null && cp.size >= oldSize && verifyConsistency(oldSize, cp.size, proof.hashes.map(b64), oldRoot, cp.root);
      }
      if (!consistent) {
        const index = await firstRewritten(input.fetch, base, seen);
        throw new AuditFailure(
          index,
          `consistency failure: the checkpoint of ${cp.size} entries does not extend the checkpoint of ${oldSize} entries seen at ${prior.checkpoint.seenAt}` +
            (index === null ? '' : `; entry #${index} is not the entry seen before`),
        );
      }
    }
    // 4. the new entries, hashed: the tree they make must be the checkpoint's
    const fresh = await fetchEntries(input.fetch, base, seen.length, cp.size);
    const leaves = [...seen, ...fresh.map(leafHash)];
    const tree = treeOf(leaves);
    if (!tree.root(cp.size).equals(cp.root)) {
      const index = await firstNotIncluded(input.fetch, base, leaves, seen.length, cp.size, cp.root);
      throw new AuditFailure(
        index,
        `the entries served do not hash to the checkpoint’s root${index === null ? '' : `: entry #${index} is not the one the checkpoint signs`}`,
      );
    }
    // 5. every public event behind each verification page is an entry, proved included by the server
    const facts = new Map<string, { index: number; fact: PublicFact }>();
    const publicFacts = [...(prior?.public ?? [])];
    fresh.forEach((bytes, i) => {
      for (const fact of parseEntry(bytes)?.public ?? []) publicFacts.push({ index: seen.length + i, fact });
    });
    for (const p of publicFacts) facts.set(`${p.fact.number}|${p.fact.type}|${p.fact.at}`, p);
    const numbers = input.numbers && input.numbers.length > 0 ? input.numbers : await registryNumbers(input.fetch, base);
    for (const number of numbers) {
      const service = await getJson<{ history?: Record<string, unknown>[] }>(input.fetch, `${base}/api/v1/services/${encodeURIComponent(number)}`);
      report.servicesChecked++;
      for (const h of service.history ?? []) {
        if (h.type === 'expired') continue; // found, not recorded: no event
        const found = facts.get(`${number}|${h.type}|${h.at}`);
        if (!found) throw new AuditFailure(null, `${number}: the verification page shows ${h.type} at ${h.at}, which no log entry records`);
        // every fact the entry records that the page also shows must be the same
        for (const [k, fv] of Object.entries(found.fact)) {
          if (FACT_SKIP.has(k) || !(k in h)) continue;
          const v = h[k];
          if (canonicalJson(fv) !== canonicalJson(v))
            throw new AuditFailure(
              found.index,
              `${number}: entry #${found.index} says ${k} = ${canonicalJson(found.fact[k])}, the verification page ${canonicalJson(v)}`,
            );
        }
        const proof = await getJson<{ hashes: string[] }>(input.fetch, `${base}/api/v1/log/proof/inclusion?index=${found.index}&size=${cp.size}`);
        if (!verifyInclusion(found.index, cp.size, leaves[found.index]!, proof.hashes.map(b64), cp.root)) {
          throw new AuditFailure(found.index, `${number}: the inclusion proof of entry #${found.index} (${h.type} at ${h.at}) does not verify`);
        }
        report.publicEventsChecked++;
      }
    }
    report.ok = true;
    report.state = {
      version: 1,
      origin,
      vkey: vkeyText,
      checkpoint: { size: cp.size, root: cp.root.toString('base64'), note, seenAt: input.now.toISOString() },
      leaves: Buffer.concat(leaves).toString('base64'),
      public: publicFacts,
    };
  } catch (e) {
    if (!(e instanceof AuditFailure)) throw e;
    report.problems.push({ index: e.index, what: e.message });
  }
  return report;
}

async function registryNumbers(f: Fetch, base: string): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const q = new URLSearchParams({ status: 'all', limit: '100', ...(cursor ? { cursor } : {}) });
    const page: { items: { number: string }[]; next: string | null } = await getJson(f, `${base}/api/v1/services?${q}`);
    out.push(...page.items.map((i) => i.number));
    cursor = page.next;
    if (!cursor) break;
  }
  return out;
}
