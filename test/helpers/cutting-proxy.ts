/**
 * A TCP proxy on 127.0.0.1 in front of a test server that can cut a connection part way through an
 * answer, as a dropped network would: `cutAfter(n)` closes every connection once it has carried n
 * bytes from the server (counted per connection), `cutAfter(undefined)` lets everything through;
 * with `stall`, the connection is held open with nothing more sent instead (a network gone quiet).
 */
import { connect, createServer, type Server, type Socket } from "node:net";

export interface CuttingProxy {
  readonly url: string;
  cutAfter(bytes: number | undefined, options?: { stall?: boolean }): void;
  /** Connections cut so far. */
  readonly cuts: number;
  close(): Promise<void>;
}

export async function startCuttingProxy(target: string): Promise<CuttingProxy> {
  const { hostname, port } = new URL(target);
  let limit: number | undefined;
  let stall = false;
  let cuts = 0;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    open.add(client);
    open.add(upstream);
    let carried = 0;
    const cut = () => {
      cuts++;
      client.destroy();
      upstream.destroy();
    };
    client.on("data", (d: Buffer) => upstream.write(d));
    upstream.on("data", (d: Buffer) => {
      if (limit !== undefined && carried + d.length > limit) {
        client.write(d.subarray(0, Math.max(0, limit - carried)), stall ? undefined : cut);
        carried = limit;
        upstream.pause();
        return;
      }
      carried += d.length;
      if (!client.write(d)) {
        upstream.pause();
        client.once("drain", () => upstream.resume());
      }
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("close", end);
    upstream.on("close", end);
    client.on("error", end);
    upstream.on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no proxy address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    cutAfter(bytes, options) {
      limit = bytes;
      stall = options?.stall === true;
    },
    get cuts() {
      return cuts;
    },
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
