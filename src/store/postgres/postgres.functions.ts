import type { FunctionClient } from "../store.types.ts";
import type { PgSql } from "./postgres.common.ts";

/** The sealed function API's clients, on PostgreSQL. */
export class PostgresFunctions {
  private readonly db: PgSql;

  constructor(db: PgSql) {
    this.db = db;
  }

  async putFunctionClient(c: FunctionClient): Promise<void> {
    await this.db.run(
      `INSERT INTO function_clients (public_key, secret_hash, created_at) VALUES (?, ?, ?)
       ON CONFLICT (public_key) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at`,
      [c.publicKey, c.secretHash, c.createdAt],
    );
  }

  async removeFunctionClient(publicKey: string): Promise<boolean> {
    return (await this.db.run("DELETE FROM function_clients WHERE public_key = ?", [publicKey])) === 1;
  }

  purgeFunctionClients(): Promise<number> {
    return this.db.run("DELETE FROM function_clients");
  }

  async listFunctionClients(): Promise<FunctionClient[]> {
    const rows = await this.db.q(
      "SELECT public_key, secret_hash, created_at FROM function_clients ORDER BY created_at, public_key",
    );
    return rows.map((r) => ({
      publicKey: r.public_key as string,
      secretHash: r.secret_hash as string,
      createdAt: Number(r.created_at),
    }));
  }
}
