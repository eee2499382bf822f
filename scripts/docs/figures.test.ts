// What counts as a hand-typed figure in prose, and what does not: code, generated blocks, and lines marked as
// an upstream default or one of the project's settings.
import { describe, expect, it } from "vitest";
import { handTypedFigures, settingFiles } from "./figures.ts";

describe("handTypedFigures", () => {
  it.each([
    ["a time in prose", "The first run took 4 min here.", ["4 min ‹ The first run took 4 min here. ›"]],
    ["a memory figure", "It stays under 512 MiB.", ["512 MiB ‹ It stays under 512 MiB. ›"]],
    ["inline code", "Run `sleep 5s` first.", []],
    ["a fenced block", "```console\n$ make up\ntook 40 s\n```", []],
    ["an upstream default", "gRPC refuses over 4 MiB <!-- external: grpc-go's default -->", []],
    ["a project setting", "Batches hold 6 MiB <!-- setting: manifests/remote/config.yaml -->", []],
    ["a generated block", "<!-- x:start -->\nIt took 21.3 s.\n<!-- x:end -->", []],
  ] as const)("%s", (_name, markdown, figures) => {
    expect(handTypedFigures(markdown)).toEqual(figures);
  });

  it("names the files of the setting markers", () => {
    expect(settingFiles("a 6 MiB <!-- setting: manifests/a.yaml --> b <!-- setting: c.ts -->")).toEqual([
      "manifests/a.yaml",
      "c.ts",
    ]);
  });
});
