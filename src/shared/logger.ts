/**
 * The logger the rules are given: the application logger (pino, through Fastify) satisfies it, and
 * no rule needs to know that. Fields first, then the message, as pino takes them.
 */
export interface Log {
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}
