import { describe, expect, it } from "vitest";
import { ConfigError, checkStoreUrl } from "../src/index";

const postgres = { store: "postgres", schemes: ["postgres", "postgresql"], example: "postgres://user:password@localhost:5432/app" };

describe("checkStoreUrl", () => {
  it("passes a well-formed URL through", () => {
    expect(checkStoreUrl("postgresql://latch:secret@db:5432/app", postgres)).toBe("postgresql://latch:secret@db:5432/app");
  });

  it("says an unset variable is unset", () => {
    expect(() => checkStoreUrl(undefined, postgres)).toThrow(
      new ConfigError(
        "postgres store: the URL is undefined (is the environment variable that holds it set?); expected postgres: or postgresql: URL such as postgres://user:password@localhost:5432/app",
      ),
    );
    expect(() => checkStoreUrl("", postgres)).toThrow(/the URL is "" \(is the environment variable/);
  });

  it("names the scheme it got and the one it wants, never the value", () => {
    const error = (() => {
      try {
        checkStoreUrl("mysql://root:hunter2@db/app", postgres);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toBe(
      "postgres store: got a mysql: URL; expected postgres: or postgresql: URL such as postgres://user:password@localhost:5432/app",
    );
    expect(() => checkStoreUrl("localhost:5432", postgres)).toThrow(/got a localhost: URL/);
    expect(() => checkStoreUrl("db.example.com", postgres)).toThrow(/got a value without a scheme/);
  });

  it("explains a malformed URL without repeating its password", () => {
    expect(() => checkStoreUrl("postgres://latch:p@ss word@[db:5432/app", postgres)).toThrow(
      /^postgres store: the postgres: URL is malformed \(characters such as @ : \/ # in the password must be percent-encoded\)/,
    );
    expect(() => checkStoreUrl("postgres://latch:p@ss word@[db:5432/app", postgres)).not.toThrow(/ss word/);
  });
});
