/** A history file that does not parse: names the file, the line and what was expected there. */
export class HistoryFormatError extends Error {
  constructor(
    readonly file: string,
    /** 1-based; 0 when the problem is not on one line. */
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${file}${line > 0 ? `:${line}` : ''}: ${problem}`);
    this.name = 'HistoryFormatError';
  }
}

/** Non-blank lines with their 1-based numbers (a trailing carriage return is dropped). */
export function* numberedLines(text: string): Generator<[line: number, text: string]> {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() !== '') yield [i + 1, line];
  }
}

/** Shows a line in an error message, cut short when long. */
export function quoteLine(line: string): string {
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 77)}...` : line);
}
