import type { DatabaseSync } from "node:sqlite";
import type { Row } from "../rows.ts";
import type { FunctionClient } from "../store.types.ts";

/** The statements of SqliteFunctions, prepared once per process. */
function prepareFunctions(db: DatabaseSync) {
  return {
    putFunctionClient: db.prepare(
      `INSERT INTO function_clients (public_key, secret_hash, created_at) VALUES (?, ?, ?)
       ON CONFLICT (public_key) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at`,
    ),
    removeFunctionClient: db.prepare("DELETE FROM function_clients WHERE public_key = ?"),
    purgeFunctionClients: db.prepare("DELETE FROM function_clients"),
    listFunctionClients: db.prepare(
      "SELECT public_key, secret_hash, created_at FROM function_clients ORDER BY created_at, public_key",
    ),
  };
}

type FunctionsStatements = ReturnType<typeof prepareFunctions>;

/** The sealed function API's clients, on SQLite. */
export class SqliteFunctions {
  private readonly stmt: FunctionsStatements;

  constructor(db: DatabaseSync) {
    this.stmt = prepareFunctions(db);
  }

  async putFunctionClient(c: FunctionClient): Promise<void> {
    this.stmt.putFunctionClient.run(c.publicKey, c.secretHash, c.createdAt);
  }

  async removeFunctionClient(publicKey: string): Promise<boolean> {
    return Number(this.stmt.removeFunctionClient.run(publicKey).changes) === 1;
  }

  async purgeFunctionClients(): Promise<number> {
    return Number(this.stmt.purgeFunctionClients.run().changes);
  }

  async listFunctionClients(): Promise<FunctionClient[]> {
    return (this.stmt.listFunctionClients.all() as Row[]).map((row) => ({
      publicKey: row.public_key as string,
      secretHash: row.secret_hash as string,
      createdAt: Number(row.created_at),
    }));
  }
}
