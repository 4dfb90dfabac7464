import { randomBytes } from 'node:crypto';

/** Format v1's limit on `proc`. */
const MAX_PROC_LENGTH = 200;
const SUFFIX_LENGTH = 9; // '@' and 8 hex chars

/**
 * A fresh `proc` for this process incarnation: the name and a random suffix, so a restarted
 * process never continues (and never collides with) the seqs of its previous life.
 */
export function incarnationId(name: string): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError(`incarnationId: the process name must be a non-empty string, got ${typeof name === 'string' ? 'an empty string' : typeof name}`);
  }
  if (name.length + SUFFIX_LENGTH > MAX_PROC_LENGTH) {
    throw new TypeError(`incarnationId: the process name must be at most ${MAX_PROC_LENGTH - SUFFIX_LENGTH} chars (format v1 limits proc to ${MAX_PROC_LENGTH} with the '@xxxxxxxx' suffix), got ${name.length}`);
  }
  return `${name}@${randomBytes(4).toString('hex')}`;
}
