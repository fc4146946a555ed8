import type { FunctionClient, FunctionClientStore } from "../store.types.ts";
import type { Driver } from "./driver.ts";

/** The statements of the function-API clients, prepared once. */
function prepare(db: Driver) {
  return {
    put: db.prepare(
      `INSERT INTO function_clients (public_key, secret_hash, created_at) VALUES (?, ?, ?)
       ON CONFLICT (public_key) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at`,
    ),
    remove: db.prepare("DELETE FROM function_clients WHERE public_key = ?"),
    purge: db.prepare("DELETE FROM function_clients"),
    list: db.prepare(
      "SELECT public_key, secret_hash, created_at FROM function_clients ORDER BY created_at, public_key",
    ),
  };
}

/** The sealed function API's clients. */
export class SqlFunctions implements FunctionClientStore {
  private readonly q: ReturnType<typeof prepare>;

  constructor(db: Driver) {
    this.q = prepare(db);
  }

  async putFunctionClient(c: FunctionClient): Promise<void> {
    await this.q.put.run(c.publicKey, c.secretHash, c.createdAt);
  }

  async removeFunctionClient(publicKey: string): Promise<boolean> {
    return (await this.q.remove.run(publicKey)) === 1;
  }

  purgeFunctionClients(): Promise<number> {
    return this.q.purge.run();
  }

  async listFunctionClients(): Promise<FunctionClient[]> {
    return (await this.q.list.all()).map((row) => ({
      publicKey: row.public_key as string,
      secretHash: row.secret_hash as string,
      createdAt: Number(row.created_at),
    }));
  }
}
