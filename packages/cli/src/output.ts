/** Where the CLI writes (process.stdout/stderr, or a buffer in tests). */
export interface Output {
  write(text: string): unknown;
  /** True on a terminal: progress lines are redrawn in place. */
  readonly isTTY?: boolean;
}
