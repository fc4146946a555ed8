/** What every `<name>.command.ts` exports: its usage text, its options, and parse → call → print. */
import type { ParseArgsOptionsConfig } from "node:util";

/**
 * Exit codes: 1 the server refused (or a limit it states), 2 usage, configuration or a local file,
 * 3 no complete answer (the server was not reached, or the connection broke), 4 decryption (or
 * ciphertext without its key).
 */
export class CliError extends Error {
  readonly code: number;
  /** What to do next, one line each (printed as `hint:` lines). */
  readonly hints: readonly string[];
  constructor(code: number, message: string, hints: readonly string[] = []) {
    super(message);
    this.code = code;
    this.hints = hints;
  }
}

/** The parsed option values (strings and booleans, as node:util's parseArgs gives them). */
export type Values = Record<string, string | boolean | undefined>;

export interface Command {
  readonly usage: string;
  readonly options: ParseArgsOptionsConfig;
  readonly allowPositionals?: boolean;
  run(values: Values, positionals: string[]): Promise<number | undefined>;
}

/** An option's string value ("" and undefined are absent). */
export const str = (values: Values, name: string): string | undefined => {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
};

export const flag = (values: Values, name: string): boolean => values[name] === true;
