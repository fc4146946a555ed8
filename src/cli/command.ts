/** What every `<name>.command.ts` exports: its usage text, its options, and parse → call → print. */
import type { ParseArgsOptionsConfig } from "node:util";

/** Exit codes: 1 the server refused, 2 usage or configuration, 3 server unreachable, 4 decryption. */
export class CliError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
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
