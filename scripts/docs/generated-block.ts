// A block of a doc that is generated from its source and rewritten by `make docs`; the shape alone, so that
// the modules rendering blocks (figures.ts) and the one writing them (readme-blocks.ts) need not import
// each other.
export interface GeneratedBlock {
  /** The file holding the block, relative to the repository root (default README.md). */
  readonly file?: string;
  readonly start: string;
  readonly end: string;
  render(): string;
}
