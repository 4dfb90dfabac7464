import { isUtf8 } from 'node:buffer';

/**
 * Splits a stream of byte chunks into NDJSON lines without ever holding more than one line
 * beyond `maxLineBytes`: an over-long line is counted, not buffered. Each line is decoded into
 * a string of its own, so keeping a line never keeps its whole chunk alive. A line that is not
 * UTF-8 comes back as its bytes, not as text with U+FFFD in it.
 */
export type NdjsonLine =
  | { readonly line: number; readonly text: string }
  | { readonly line: number; readonly text?: undefined; readonly oversizeBytes: number }
  | { readonly line: number; readonly text?: undefined; readonly notUtf8: Buffer };

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;

// Only a line that starts with whitespace can be blank; trim() has the final word.
const mayBeBlank = (code: number): boolean => code <= 32 || code === 0xa0 || code === 0xfeff || code >= 0x1680;
const isBlank = (text: string): boolean => text.length === 0 || (mayBeBlank(text.charCodeAt(0)) && text.trim().length === 0);

export class NdjsonLineSplitter {
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private oversize = false;
  private endsWithReturn = false;
  private lineNumber = 0;

  constructor(private readonly maxLineBytes: number) {}

  /** The complete lines in `chunk` (blank lines skipped); the tail waits for the next chunk. */
  push(chunk: Buffer): NdjsonLine[] {
    const lines: NdjsonLine[] = [];
    let start = 0;
    // The lines wholly inside this chunk are checked for UTF-8 at once; only if that fails, one
    // by one. A newline is never inside a multi-byte sequence, so the split cannot cut one.
    const first = this.carryBytes === 0 && !this.oversize ? 0 : chunk.indexOf(NEWLINE) + 1;
    const last = chunk.lastIndexOf(NEWLINE);
    const wholeLinesAreUtf8 = last < first || isUtf8(chunk.subarray(first, last));
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      if (this.carryBytes === 0 && !this.oversize) this.finishLine(chunk, start, end, lines, wholeLinesAreUtf8);
      else {
        this.extend(chunk, start, end);
        this.finishCarried(lines);
      }
      start = end + 1;
    }
    if (start < chunk.length) this.extend(chunk, start, chunk.length);
    return lines;
  }

  /** The last line, if the input did not end with a newline. */
  end(): NdjsonLine[] {
    const lines: NdjsonLine[] = [];
    if (this.carryBytes > 0 || this.oversize) this.finishCarried(lines);
    return lines;
  }

  private extend(chunk: Buffer, start: number, end: number): void {
    if (end === start) return;
    this.carryBytes += end - start;
    this.endsWithReturn = chunk[end - 1] === CARRIAGE_RETURN;
    if (this.oversize) return;
    // One byte of room for a CR: the limit is on the content, not the line ending.
    if (this.carryBytes > this.maxLineBytes + 1) {
      this.oversize = true;
      this.carry = [];
    } else this.carry.push(Buffer.from(chunk.subarray(start, end)));
  }

  private finishCarried(lines: NdjsonLine[]): void {
    const joined = Buffer.concat(this.carry);
    const bytes = this.carryBytes - (this.endsWithReturn ? 1 : 0);
    const oversize = this.oversize;
    this.carry = [];
    this.carryBytes = 0;
    this.oversize = false;
    if (oversize) {
      this.lineNumber++;
      lines.push({ line: this.lineNumber, oversizeBytes: bytes });
    } else this.finishLine(joined, 0, joined.length, lines, false);
  }

  private finishLine(bytes: Buffer, start: number, end: number, lines: NdjsonLine[], knownUtf8: boolean): void {
    this.lineNumber++;
    if (end > start && bytes[end - 1] === CARRIAGE_RETURN) end--;
    if (end - start > this.maxLineBytes) {
      lines.push({ line: this.lineNumber, oversizeBytes: end - start });
      return;
    }
    if (!knownUtf8 && !isUtf8(bytes.subarray(start, end))) {
      lines.push({ line: this.lineNumber, notUtf8: Buffer.from(bytes.subarray(start, end)) });
      return;
    }
    let text = bytes.toString('utf8', start, end);
    // A byte order mark starts the file, not the event: some editors write one.
    if (this.lineNumber === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (!isBlank(text)) lines.push({ line: this.lineNumber, text });
  }
}
