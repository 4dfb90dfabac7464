import { isUtf8 } from 'node:buffer';
import { decodeEvent, overSizeLimit } from './decode-event.ts';
import { DEFAULT_LIMITS, type FormatLimits } from './format-limits.ts';
import type { DecodedItem, MalformedDiagnostic, Origin } from './trace-items.ts';

/**
 * The offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629: no
 * overlong forms, no surrogates, nothing past U+10FFFF), or -1 if there is none.
 */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // Length of the sequence and the range its second byte must fall in.
    const [length, low, high] = b >= 0xc2 && b <= 0xdf ? [2, 0x80, 0xbf]
      : b === 0xe0 ? [3, 0xa0, 0xbf] : b === 0xed ? [3, 0x80, 0x9f] : b >= 0xe1 && b <= 0xef ? [3, 0x80, 0xbf]
        : b === 0xf0 ? [4, 0x90, 0xbf] : b === 0xf4 ? [4, 0x80, 0x8f] : b >= 0xf1 && b <= 0xf3 ? [4, 0x80, 0xbf] : [0, 0, 0];
    if (length === 0 || i + length > bytes.length) return i;
    if (bytes[i + 1]! < low || bytes[i + 1]! > high) return i;
    for (let k = 2; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += length;
  }
  return -1;
}

/** The rejection of a record that is not UTF-8 text, naming the first bad byte. */
export function notUtf8(origin: Origin, bytes: Uint8Array): MalformedDiagnostic {
  const at = Math.max(0, invalidUtf8Offset(bytes));
  const byte = bytes[at] === undefined ? 'the end of the record' : `0x${bytes[at]!.toString(16).padStart(2, '0')}`;
  return {
    type: 'diagnostic', kind: 'malformed', origin, field: '(event)',
    expected: 'UTF-8 text', got: `bytes that are not UTF-8 (${byte} at byte ${at} of ${bytes.length})`,
  };
}

/**
 * Decodes one record given as bytes (a message value): over the size limit or not UTF-8 is
 * malformed, never replaced by U+FFFD (two different ids would then read as the same).
 */
export function decodeRecordBytes(bytes: Uint8Array, origin: Origin, limits: FormatLimits = DEFAULT_LIMITS): DecodedItem {
  if (bytes.length > limits.maxEventBytes) return overSizeLimit(origin, limits, bytes.length);
  if (!isUtf8(bytes)) return notUtf8(origin, bytes);
  return decodeEvent(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'), origin, limits);
}
