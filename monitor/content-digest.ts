/**
 * A 53-bit digest of a JSON value in which object key order does not matter (entries are combined
 * by addition), so the same content re-encoded by another tool still counts as a duplicate.
 */
let lane1 = 0;
let lane2 = 0;
const numberBits = new Float64Array(1);
const numberWords = new Uint32Array(numberBits.buffer);

function feed(word: number): void {
  lane1 = Math.imul(lane1 ^ word, 0x9e3779b1);
  lane1 ^= lane1 >>> 15;
  lane2 = Math.imul(lane2 ^ word, 0x85ebca77);
  lane2 ^= lane2 >>> 13;
}

function feedString(text: string): void {
  feed(text.length);
  for (let i = 0; i < text.length; i++) feed(text.charCodeAt(i));
}

function feedValue(value: unknown): void {
  switch (typeof value) {
    case 'string':
      feed(1);
      feedString(value);
      return;
    case 'number':
      numberBits[0] = value + 0; // -0 and 0 are the same JSON number
      feed(2);
      feed(numberWords[0]!);
      feed(numberWords[1]!);
      return;
    case 'boolean':
      feed(value ? 3 : 4);
      return;
    case 'object':
      if (value === null) feed(5);
      else if (Array.isArray(value)) {
        feed(6);
        feed(value.length);
        for (const item of value) feedValue(item);
      } else feedObject(value as Record<string, unknown>);
      return;
    default:
      feed(0);
  }
}

function feedObject(object: Record<string, unknown>): void {
  const outer1 = lane1;
  const outer2 = lane2;
  let sum1 = 0;
  let sum2 = 0;
  let count = 0;
  for (const key in object) {
    lane1 = 0x243f6a88;
    lane2 = 0x85a308d3;
    feedString(key);
    feedValue(object[key]);
    sum1 = (sum1 + lane1) | 0;
    sum2 = (sum2 + lane2) | 0;
    count++;
  }
  lane1 = outer1;
  lane2 = outer2;
  feed(7);
  feed(count);
  feed(sum1);
  feed(sum2);
}

export function contentDigest(value: unknown): number {
  lane1 = 0x811c9dc5;
  lane2 = 0x01000193;
  feedValue(value);
  return (lane1 >>> 0) * 0x200000 + (lane2 >>> 11);
}

/** Whether two JSON values have the same content (object key order does not matter): the exact test behind a digest match. */
export function sameContent(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return typeof a === 'number' && typeof b === 'number' && a + 0 === b + 0;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameContent(item, b[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((key) => Object.hasOwn(right, key) && sameContent(left[key], right[key]));
}
