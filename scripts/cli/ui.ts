// Terminal output: colour only on a TTY and only without NO_COLOR (https://no-color.org).
import { stripVTControlCharacters } from "node:util";

export const useColour = (stream: NodeJS.WriteStream = process.stdout): boolean =>
  stream.isTTY === true && (process.env.NO_COLOR ?? "") === "" && process.env.TERM !== "dumb";

const paint = (code: string) => (text: string) =>
  useColour(process.stdout) ? `\u001b[${code}m${text}\u001b[0m` : text;

export const bold = paint("1");
export const dim = paint("2");
export const green = paint("32");
export const red = paint("31");
export const cyan = paint("36");

export function say(line = ""): void {
  process.stdout.write(`${line}\n`);
}

export function error(line: string): void {
  process.stderr.write(`${useColour(process.stderr) ? `\u001b[31m${line}\u001b[0m` : line}\n`);
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** A plain-text table with aligned columns (ANSI colours do not count towards the width). */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, stripVTControlCharacters(cell).length);
    });
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          i === row.length - 1
            ? cell
            : cell + " ".repeat((widths[i] ?? 0) - stripVTControlCharacters(cell).length),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
