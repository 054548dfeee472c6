/** Where commands write: lines to standard output and standard error. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** Raw text without a newline (progress lines); optional. */
  write?(text: string): void;
  /** Whether standard error is a terminal (progress bars redraw in place). */
  readonly tty?: boolean;
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full usage text. */
  readonly usage: string;
  run(args: string[], io: CliIO): Promise<number> | number;
}
