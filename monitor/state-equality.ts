import { Map as ImmutableMap, hash, is, isOrdered, isRecord } from 'immutable';

// Explanations that merge usually share most of their state: they come from one snapshot by the
// same events in another order. Hashing and comparing Immutable maps through their trie nodes,
// with the hash of every node memoized and shared nodes equal by identity, makes that cost the
// size of the difference instead of the size of the state. Anything else goes to Immutable's own
// `hash` and `is`, which agree with these on every value.

interface TrieNode {
  readonly entries?: ReadonlyArray<readonly [unknown, unknown]>;
  readonly entry?: readonly [unknown, unknown];
  readonly nodes?: ReadonlyArray<TrieNode | undefined>;
  /** Which hash slots a compressed `nodes` holds: children pair up only when the bitmaps agree. */
  readonly bitmap?: number;
}

// Trie nodes (Immutable's internals, never seen by a spec) keep their hash on themselves: a
// WeakMap of millions of nodes made the collector trace every entry on each cycle. The spec's
// own values go to a WeakMap: a property on them would show in spreads and Object.keys.
const HASH = Symbol('stateHash');
type HashedNode = TrieNode & { [HASH]?: number };
const memo = new WeakMap<object, number>();

const mix = (a: number, b: number): number => (a ^ (b + 0x9e3779b9 + (a << 6) + (a >> 2))) | 0;

const isPlainMap = (value: unknown): value is ImmutableMap<unknown, unknown> => ImmutableMap.isMap(value) && !isOrdered(value);
const rootOf = (map: ImmutableMap<unknown, unknown>): TrieNode | undefined => (map as unknown as { _root?: TrieNode })._root;

/** A hash of a state: equal (by `is`) values hash equal. */
export function stateHash(value: unknown): number {
  if (value === null || typeof value !== 'object') return hash(value);
  const known = memo.get(value);
  if (known !== undefined) return known;
  let h: number;
  if (isRecord(value)) {
    h = 1;
    for (const field of Object.values(value.toObject())) h = (31 * h + stateHash(field)) | 0;
  } else if (isPlainMap(value)) {
    const root = rootOf(value);
    h = mix(root === undefined ? 0 : nodeHash(root), value.size);
  } else h = hash(value);
  memo.set(value, h);
  return h;
}

/** Sum of the entries' hashes: the same whatever shape the trie took. */
function nodeHash(node: HashedNode): number {
  const known = node[HASH];
  if (known !== undefined) return known;
  let h = 0;
  if (node.entry !== undefined) h = entryHash(node.entry);
  else if (node.entries !== undefined) for (const entry of node.entries) h = (h + entryHash(entry)) | 0;
  else if (node.nodes !== undefined) for (const child of node.nodes) h = child === undefined ? h : (h + nodeHash(child)) | 0;
  if (Object.isExtensible(node)) node[HASH] = h;
  return h;
}

const entryHash = ([key, value]: readonly [unknown, unknown]): number => mix(stateHash(value), hash(key));

/** Whether two states are equal (`is`), quickly when they share structure. */
export function sameState(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return is(a, b);
  if (stateHash(a) !== stateHash(b)) return false;
  if (isRecord(a) && isRecord(b) && Object.getPrototypeOf(a) === Object.getPrototypeOf(b)) {
    const left = a.toObject();
    const right = b.toObject() as Record<string, unknown>;
    return Object.entries(left).every(([field, value]) => sameState(value, right[field]));
  }
  if (isPlainMap(a) && isPlainMap(b)) {
    if (a.size !== b.size) return false;
    const [ra, rb] = [rootOf(a), rootOf(b)];
    if (ra !== undefined && rb !== undefined && sameNode(ra, rb)) return true;
  }
  return is(a, b);
}

/** True when the two nodes are equal; false means "not shown equal this way", not "different". */
function sameNode(a: TrieNode, b: TrieNode): boolean {
  if (a === b) return true;
  if (a.constructor !== b.constructor) return false;
  if (a.entry !== undefined) return b.entry !== undefined && sameEntry(a.entry, b.entry);
  if (a.entries !== undefined) {
    const other = b.entries;
    return other !== undefined && a.entries.length === other.length && a.entries.every((entry, i) => sameEntry(entry, other[i]!));
  }
  if (a.nodes !== undefined) {
    const other = b.nodes;
    if (other === undefined || a.nodes.length !== other.length) return false;
    for (let i = 0; i < a.nodes.length; i++) {
      const [x, y] = [a.nodes[i], other[i]];
      if (x === y) continue;
      if (x === undefined || y === undefined || !sameNode(x, y)) return false;
    }
    return true;
  }
  return false;
}

const sameEntry = (a: readonly [unknown, unknown], b: readonly [unknown, unknown]): boolean => is(a[0], b[0]) && sameState(a[1], b[1]);

/**
 * The keys whose entries may differ between two maps (a superset): the keys under trie nodes
 * that are not shared. Two explanations from one snapshot differ in a few entries of a large
 * map, so this costs the size of the difference.
 */
export function differingKeys(a: ImmutableMap<unknown, unknown>, b: ImmutableMap<unknown, unknown>): Set<unknown> {
  const keys = new Set<unknown>();
  const [ra, rb] = [rootOf(a), rootOf(b)];
  if (isPlainMap(a) && isPlainMap(b)) differing(ra, rb, keys);
  else for (const key of [...a.keys(), ...b.keys()]) keys.add(key);
  return keys;
}

function differing(a: TrieNode | undefined, b: TrieNode | undefined, keys: Set<unknown>): void {
  if (a === b) return;
  if (a !== undefined && b !== undefined && a.constructor === b.constructor && a.nodes !== undefined && b.nodes !== undefined && a.bitmap === b.bitmap && a.nodes.length === b.nodes.length) {
    for (let i = 0; i < a.nodes.length; i++) differing(a.nodes[i], b.nodes[i], keys);
    return;
  }
  allKeys(a, keys);
  allKeys(b, keys);
}

function allKeys(node: TrieNode | undefined, keys: Set<unknown>): void {
  if (node === undefined) return;
  if (node.entry !== undefined) keys.add(node.entry[0]);
  else if (node.entries !== undefined) for (const [key] of node.entries) keys.add(key);
  else if (node.nodes !== undefined) for (const child of node.nodes) allKeys(child, keys);
}
