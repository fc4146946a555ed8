import { availableParallelism } from "node:os";
import ipaddr from "ipaddr.js";

/** The machinery of the configuration schema: a setting's shape, the value forms and the constructor. */

export interface Setting<T> {
  /** NAME in SEALBIN_NAME. */
  readonly name: string;
  /** Whether FLASKPASTE_NAME, documented by the FlaskPaste seeds, is accepted as an alias. */
  readonly flaskpaste: boolean;
  readonly doc: string;
  /** The expected form, as shown in error messages and the docs. */
  readonly form: string;
  readonly default: T;
  /** How the default is shown in the docs when it is not simply the value. */
  readonly defaultDoc?: string;
  /** Never printed: not in logs and not in error messages. */
  readonly secret?: boolean;
  /** Further environment names accepted, as the seeds spell them elsewhere. */
  readonly aliases?: readonly string[];
  /** Returns the value, or throws an Error whose message is the expected form. */
  parse(raw: string): T;
}

class FormError extends Error {}

export function integer(min: number, max: number) {
  const form = `an integer from ${min} to ${max}`;
  return {
    form,
    parse(raw: string): number {
      const trimmed = raw.trim();
      if (!/^-?[0-9]+$/.test(trimmed)) throw new FormError(form);
      const value = Number(trimmed);
      if (!Number.isSafeInteger(value) || value < min || value > max) throw new FormError(form);
      return value;
    },
  };
}

export function decimal(min: number, max: number) {
  const form = `a decimal number from ${min} to ${max}`;
  return {
    form,
    parse(raw: string): number {
      const trimmed = raw.trim();
      if (!/^[0-9]+(\.[0-9]+)?$/.test(trimmed)) throw new FormError(form);
      const value = Number(trimmed);
      if (value < min || value > max) throw new FormError(form);
      return value;
    },
  };
}

export function boolean() {
  const form = "a boolean: 1/0, true/false or yes/no";
  return {
    form,
    parse(raw: string): boolean {
      const value = raw.trim().toLowerCase();
      if (value === "1" || value === "true" || value === "yes") return true;
      if (value === "0" || value === "false" || value === "no") return false;
      throw new FormError(form);
    },
  };
}

export function text(form = "a string", pattern?: RegExp) {
  return {
    form,
    parse(raw: string): string {
      if (pattern && !pattern.test(raw)) throw new FormError(form);
      return raw;
    },
  };
}

export function cidrList() {
  const form = "comma-separated IP networks in CIDR form (10.0.0.0/8, ::1/128), or empty";
  return {
    form,
    parse(raw: string): string[] {
      const list = raw
        .split(",")
        .map((c) => c.trim())
        .filter((c) => c !== "");
      for (const cidr of list) {
        try {
          ipaddr.parseCIDR(cidr);
        } catch {
          throw new FormError(form);
        }
      }
      return list;
    },
  };
}

export function workerCount() {
  const form = "auto (one per core) or an integer from 1 to 64";
  return {
    form,
    parse(raw: string): number {
      const v = raw.trim().toLowerCase();
      if (v === "auto") return Math.max(1, Math.min(64, availableParallelism()));
      if (!/^[0-9]+$/.test(v) || Number(v) < 1 || Number(v) > 64) throw new FormError(form);
      return Number(v);
    },
  };
}

export function oneOf<const T extends string>(values: readonly T[]) {
  const form = `one of ${values.join(", ")}`;
  return {
    form,
    parse(raw: string): T {
      const value = raw.trim().toLowerCase();
      const found = values.find((v) => v === value);
      if (found === undefined) throw new FormError(form);
      return found;
    },
  };
}

/** One setting, described once: its variable, its form, its default and its documentation. */
export function setting<T>(spec: {
  /** The variable's name after SEALBIN_ (and FLASKPASTE_ when `flaskpaste`). */
  readonly name: string;
  /** Whether FlaskPaste has it too, so that FLASKPASTE_<name> is read as well. */
  readonly flaskpaste: boolean;
  readonly kind: { form: string; parse(raw: string): T };
  readonly default: T;
  readonly doc: string;
  readonly secret?: boolean;
  readonly defaultDoc?: string;
  readonly aliases?: readonly string[];
}): Setting<T> {
  const { kind, ...rest } = spec;
  return { ...rest, form: kind.form, parse: kind.parse };
}

export const DAY = 86_400;
export const MIB = 1024 * 1024;
export const BYTES_MAX = 1024 * MIB;

/** The value forms, exported for their tests and for keys that later features add. */
export const forms = { integer, decimal, boolean, text, oneOf };
