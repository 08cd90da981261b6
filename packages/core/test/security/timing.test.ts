// OWASP ASVS v4 2.9 / 3.5.x and RFC 8725 §2.x: secrets (refresh-token hashes, HMAC tags, anti-CSRF
// tokens) are compared in constant time. A structural check, not a timing measurement: with the
// type checker, every ===, !==, == and != between two strings in packages/core/src where either
// side names a secret is reported; such comparisons must go through `timingSafeEqual`
// (src/util/crypto.ts), which the manager and the refresh-token code use.
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { bytesEqual, ComparableSecret, timingSafeEqual } from "../../src/util/crypto";
import { utf8Bytes } from "../../src/util/encoding";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "../../src");
const SECRET_NAME = /hash|token|secret|tag|nonce|csrf|key|signature|password|digest|hmac/i;
const EQUALITY = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

/** The name an operand is known by: `a.b.refreshTokenHash2` -> refreshTokenHash2, `f(x)` -> f. */
function nameOf(node: ts.Expression): string | undefined {
  if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) || ts.isAsExpression(node)) return nameOf(node.expression);
  if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  if (ts.isElementAccessExpression(node))
    return ts.isStringLiteral(node.argumentExpression) ? node.argumentExpression.text : nameOf(node.expression);
  if (ts.isCallExpression(node)) return nameOf(node.expression);
  if (ts.isAwaitExpression(node)) return nameOf(node.expression);
  return undefined;
}

function isConstant(node: ts.Expression): boolean {
  return (
    ts.isLiteralExpression(node) ||
    ts.isNoSubstitutionTemplateLiteral(node) ||
    node.kind === ts.SyntaxKind.NullKeyword ||
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword ||
    (ts.isIdentifier(node) && node.text === "undefined") ||
    ts.isTypeOfExpression(node)
  );
}

/** Non-constant-time string comparisons of secret-named values in the program's files under `root`. */
function findSecretComparisons(program: ts.Program, root: string): string[] {
  const checker = program.getTypeChecker();
  const isString = (node: ts.Expression) => {
    const type = checker.getTypeAtLocation(node);
    return (
      (type.flags & ts.TypeFlags.StringLike) !== 0 || (type.isUnion() && type.types.some((t) => (t.flags & ts.TypeFlags.StringLike) !== 0))
    );
  };
  const findings: string[] = [];
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.startsWith(root) || file.isDeclarationFile) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isBinaryExpression(node) && EQUALITY.has(node.operatorToken.kind)) {
        const { left, right } = node;
        const named = [nameOf(left), nameOf(right)].some((name) => name !== undefined && SECRET_NAME.test(name));
        if (named && !isConstant(left) && !isConstant(right) && isString(left) && isString(right)) {
          const { line } = file.getLineAndCharacterOfPosition(node.getStart());
          findings.push(`${file.fileName.slice(root.length + 1)}:${line + 1}: ${node.getText()}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return findings;
}

function programFor(files: string[], virtual: Record<string, string> = {}): ts.Program {
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, strict: true, noEmit: true };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, language, ...rest) =>
    name in virtual ? ts.createSourceFile(name, virtual[name] ?? "", language) : getSourceFile.call(host, name, language, ...rest);
  host.fileExists = (name) => name in virtual || fileExists.call(host, name);
  host.readFile = (name) => virtual[name] ?? readFile.call(host, name);
  return ts.createProgram({ rootNames: [...files, ...Object.keys(virtual)], options, host });
}

describe("secret comparisons are constant-time", () => {
  it("no === or !== between strings naming a secret anywhere in packages/core/src", { timeout: 60_000 }, () => {
    expect(findSecretComparisons(programFor(sourceFiles(SRC)), SRC)).toEqual([]);
  });

  it("the check finds such comparisons (so the test above can fail)", { timeout: 60_000 }, () => {
    const root = "/virtual";
    const findings = findSecretComparisons(
      programFor([], {
        "/virtual/bad.ts": [
          "declare const record: { refreshTokenHash2: string; count: number };",
          "declare const presented: { hash2: string };",
          "declare const antiCsrfHeader: string | undefined; declare const expected: string;",
          "export const a = presented.hash2 === record.refreshTokenHash2;",
          "export const b = antiCsrfHeader !== expected;",
          // Not secret comparisons: literals, typeof, numbers, non-secret names.
          "export const c = antiCsrfHeader === undefined || typeof antiCsrfHeader === 'string' || record.count === 1;",
          "declare const method: string; export const d = method === expected;",
        ].join("\n"),
      }),
      root,
    );
    expect(findings).toEqual(["bad.ts:4: presented.hash2 === record.refreshTokenHash2", "bad.ts:5: antiCsrfHeader !== expected"]);
  });

  it("timingSafeEqual compares correctly, whatever the lengths and characters", () => {
    expect(timingSafeEqual("abc", "abc")).toBe(true);
    expect(timingSafeEqual("abc", "abd")).toBe(false);
    expect(timingSafeEqual("abc", "ab")).toBe(false);
    expect(timingSafeEqual("ab", "abc")).toBe(false);
    expect(timingSafeEqual("", "")).toBe(true);
    expect(timingSafeEqual("", "a")).toBe(false);
    expect(timingSafeEqual("é", "e")).toBe(false);
    expect(timingSafeEqual("\u0000", "")).toBe(false);
  });
});

describe("ComparableSecret (the verified-token cache's compare)", () => {
  it("a secret without U+FFFD equals exactly itself, whatever the candidate (lone surrogates included)", () => {
    const secrets = ["eyJ.a.b", "é", "", "x".repeat(900)];
    for (const value of secrets) {
      const secret = new ComparableSecret(value);
      for (const candidate of [...secrets, "\uD800", "\uDFFF", "\uFFFD", `${value}x`, `${value}\uD800`, value.slice(1)]) {
        expect(secret.equals(candidate), `${JSON.stringify(value)} vs ${JSON.stringify(candidate)}`).toBe(candidate === value);
      }
    }
    const withoutSurrogates = fc.string({ unit: "binary" }).filter((text) => !/[\uD800-\uDFFF\uFFFD]/.test(text));
    fc.assert(
      fc.property(withoutSurrogates, fc.string({ unit: "binary" }), (a, b) => {
        expect(new ComparableSecret(a).equals(b)).toBe(a === b);
        expect(new ComparableSecret(a).equals(a)).toBe(true);
        const [left, right] = [utf8Bytes(a), utf8Bytes(b)];
        if (left.length === right.length) expect(bytesEqual(left, right)).toBe(left.every((byte, i) => byte === right[i]));
      }),
    );
  });
});
