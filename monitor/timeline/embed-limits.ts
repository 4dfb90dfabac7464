/** How much of untrusted content a page embeds: enough to read, bounded so a huge value cannot bloat or stall it. */
export interface EmbedLimits {
  /** Longest string kept whole; longer ones are cut with a visible marker. */
  readonly maxString: number;
}

export const DEFAULT_MAX_STRING = 200;
const MAX_ITEMS = 50;
const MAX_DEPTH = 6;

/** Cuts long strings, long arrays, wide objects and deep nesting, each with a marker that says so; counts the cuts. */
export class ContentCutter {
  cuts = 0;

  constructor(private readonly limits: EmbedLimits) {}

  /** `longer`: for text of our own that quotes the trace (an alert's reason), allowed that many times the limit. */
  text(value: string, longer = 1): string {
    const limit = this.limits.maxString * longer;
    if (value.length <= limit) return value;
    this.cuts++;
    return `${value.slice(0, limit)}…[cut: ${value.length.toLocaleString('en-US')} chars]`;
  }

  value(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.text(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth >= MAX_DEPTH) {
      this.cuts++;
      return '…[cut: nested too deep]';
    }
    if (Array.isArray(value)) {
      const kept = value.slice(0, MAX_ITEMS).map((item: unknown) => this.value(item, depth + 1));
      if (value.length > MAX_ITEMS) {
        this.cuts++;
        kept.push(`…[cut: ${value.length - MAX_ITEMS} more items]`);
      }
      return kept;
    }
    const entries = Object.entries(value);
    const kept: Record<string, unknown> = {};
    for (const [key, item] of entries.slice(0, MAX_ITEMS)) {
      Object.defineProperty(kept, this.text(key), { value: this.value(item, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    if (entries.length > MAX_ITEMS) {
      this.cuts++;
      kept['…'] = `[cut: ${entries.length - MAX_ITEMS} more keys]`;
    }
    return kept;
  }
}
