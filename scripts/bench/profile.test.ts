import { describe, expect, it } from "vitest";
import { categoryShares, parseSamples, profileRows, shares, textDelta } from "./profile.ts";

describe("profile", () => {
  it("reads perf script's call stacks, leaf first, one block per sample", () => {
    const script = "\n\t          cc3063\n\t          cc47e5\n\n\t  ffffffff8225a0d6\n\t          4a1b2c\n";
    expect(parseSamples(script)).toEqual([
      [0xcc3063n, 0xcc47e5n],
      [0xffffffff8225a0d6n, 0x4a1b2cn],
    ]);
  });

  it("counts a function flat when on top, cumulative once per sample wherever it is", () => {
    const result = shares([
      ["blowfish.encryptBlock", "bcrypt.CompareHashAndPassword", "grpc.handler"],
      ["flate.deflate", "grpc.handler"],
      ["blowfish.encryptBlock", "blowfish.encryptBlock", "grpc.handler"],
      ["[kernel]"],
    ]);
    expect(result[0]).toEqual({ name: "blowfish.encryptBlock", flat: 0.5, cum: 0.5 });
    expect(result.find((f) => f.name === "grpc.handler")).toEqual({
      name: "grpc.handler",
      flat: 0,
      cum: 0.75,
    });
  });

  it("sums categories by any frame on the stack", () => {
    const categories = categoryShares([
      ["golang.org/x/crypto/blowfish.encryptBlock", "golang.org/x/crypto/bcrypt.CompareHashAndPassword"],
      ["compress/flate.(*compressor).deflate"],
      ["[kernel]"],
      ["runtime.memmove"],
    ]);
    expect(Object.fromEntries(categories.map((c) => [c.name, c.share]))).toMatchObject({
      "basic auth (password hash)": 0.25,
      "compression (gzip, zstd)": 0.25,
      "kernel (network, files)": 0.25,
      TLS: 0,
    });
    expect(profileRows({ functions: shares([["a"], ["a"], ["b"], ["a"]]), categories }, 2)).toEqual([
      expect.stringContaining("basic auth (password hash) 25.0%"),
      "75.0% flat, 75.0% cum: a",
      "25.0% flat, 25.0% cum: b",
    ]);
  });

  it("finds the executable segment's address offset in an ELF file (this Node binary), and refuses a non-ELF one", () => {
    expect(textDelta(process.execPath)).toBeGreaterThanOrEqual(0n);
    expect(() => textDelta(new URL(import.meta.url).pathname)).toThrow(/is not a 64-bit ELF file/);
  });
});
