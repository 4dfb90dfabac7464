/**
 * Splits a stream of text chunks into NDJSON lines without ever holding more than one line
 * beyond `maxLineUnits`: an over-long line is counted, not buffered.
 */
export type NdjsonLine =
  | { readonly line: number; readonly text: string }
  | { readonly line: number; readonly text?: undefined; readonly oversizeUnits: number };

// Only a line that starts with whitespace can be blank; trim() has the final word.
const mayBeBlank = (code: number): boolean => code <= 32 || code === 0xa0 || code === 0xfeff || code >= 0x1680;
const isBlank = (text: string): boolean => text.length === 0 || (mayBeBlank(text.charCodeAt(0)) && text.trim().length === 0);

export class NdjsonLineSplitter {
  private carry = '';
  private carryOversize = 0;
  private lineNumber = 0;

  constructor(private readonly maxLineUnits: number) {}

  /** The complete lines in `chunk` (blank lines skipped); the tail waits for the next chunk. */
  push(chunk: string): NdjsonLine[] {
    const lines: NdjsonLine[] = [];
    let start = 0;
    for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', start)) {
      this.finishLine(chunk.slice(start, end), lines);
      start = end + 1;
    }
    this.extend(chunk.slice(start));
    return lines;
  }

  /** The last line, if the input did not end with a newline. */
  end(): NdjsonLine[] {
    const lines: NdjsonLine[] = [];
    if (this.carry.length > 0 || this.carryOversize > 0) this.finishLine('', lines);
    return lines;
  }

  private extend(part: string): void {
    if (this.carryOversize > 0) this.carryOversize += part.length;
    else if (this.carry.length + part.length > this.maxLineUnits) {
      this.carryOversize = this.carry.length + part.length;
      this.carry = '';
    } else this.carry += part;
  }

  private finishLine(tail: string, lines: NdjsonLine[]): void {
    this.lineNumber++;
    if (this.carryOversize > 0 || this.carry.length + tail.length > this.maxLineUnits) {
      lines.push({ line: this.lineNumber, oversizeUnits: this.carryOversize + this.carry.length + tail.length });
    } else {
      let text = this.carry.length > 0 ? this.carry + tail : tail;
      if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
      if (!isBlank(text)) lines.push({ line: this.lineNumber, text });
    }
    this.carry = '';
    this.carryOversize = 0;
  }
}
