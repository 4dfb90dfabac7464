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
}

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
function nodeHash(node: TrieNode): number {
  const known = memo.get(node);
  if (known !== undefined) return known;
  let h = 0;
  if (node.entry !== undefined) h = entryHash(node.entry);
  else if (node.entries !== undefined) for (const entry of node.entries) h = (h + entryHash(entry)) | 0;
  else if (node.nodes !== undefined) for (const child of node.nodes) h = child === undefined ? h : (h + nodeHash(child)) | 0;
  memo.set(node, h);
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
