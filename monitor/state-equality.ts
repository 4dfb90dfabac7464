import { Map as ImmutableMap, hash, is, isOrdered, isRecord } from 'immutable';

// Explanations that merge usually share most of their state: they come from one snapshot by the
// same events in another order. Comparing Immutable maps through their trie nodes, shared nodes
// equal by identity, costs the size of the difference instead of the size of the state. Hashes
// (for many explanations at once) are memoized per node, so each node is hashed once. Anything
// else goes to Immutable's own `hash` and `is`, which agree with these on every value.

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

const ABSENT = Symbol('absent');

/**
 * Whether two states are equal (`is`), at the cost of their difference: maps compare only the
 * entries under trie nodes they do not share, so no hash of either is needed.
 */
export function sameState(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return is(a, b);
  if (isRecord(a) && isRecord(b) && Object.getPrototypeOf(a) === Object.getPrototypeOf(b)) {
    const left = a.toObject();
    const right = b.toObject() as Record<string, unknown>;
    for (const field in left) if (!sameState(left[field], right[field])) return false;
    return true;
  }
  if (isPlainMap(a) && isPlainMap(b)) {
    if (a.size !== b.size) return false;
    for (const key of differingKeys(a, b)) {
      const [x, y] = [a.get(key, ABSENT), b.get(key, ABSENT)];
      if (x === ABSENT || y === ABSENT ? x !== y : !sameState(x, y)) return false;
    }
    return true;
  }
  return is(a, b);
}

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
