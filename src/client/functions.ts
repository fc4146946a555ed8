/**
 * A call of the sealed function API (mini-share-point's /v1, docs/functions.md): the call sealed
 * with src/protocol/sealed-call.ts, the answer opened with the same shared key.
 */
import { openReply, sealCall, sharedKey } from "../protocol/sealed-call.ts";
import type { SealbinClient } from "./client.ts";
import { ClientError, jsonObjectOf, refusal } from "./errors.ts";

/** A 200 answer whose `value` does not open with the shared key (a wrong server key, or forged). */
export class SealedReplyError extends Error {
  constructor() {
    super("the answer could not be decrypted with the server's key");
    this.name = "SealedReplyError";
  }
}

export interface FunctionCall {
  /** The client's secret, the hex text `appendclient` printed. */
  readonly secretHex: string;
  /** The function's name. */
  readonly entry: string;
  /** The client's X25519 secret key (32 bytes). */
  readonly clientSecretKey: Uint8Array;
  /** The server's X25519 public key (32 bytes). */
  readonly serverPublicKey: Uint8Array;
  /** The time to seal into the call, in milliseconds since the epoch (default: now). */
  readonly now?: number;
}

/**
 * Calls `call.entry` at `url` (the /v1 endpoint, absolute or a path of the client's server) and
 * returns the function's answer. A refusal (always 401 from the server) is a ClientError "refused",
 * an answer that does not open a SealedReplyError.
 */
export async function callFunction(client: SealbinClient, url: string, call: FunctionCall): Promise<string> {
  const shared = sharedKey(call.serverPublicKey, call.clientSecretKey);
  const body = sealCall(
    {
      secretHex: call.secretHex,
      entry: call.entry,
      unixSeconds: Math.floor((call.now ?? Date.now()) / 1000),
    },
    shared,
  );
  const res = await client.request(url, { method: "POST", json: body });
  if (res.status !== 200) throw refusal(res);
  const answer = jsonObjectOf(res.body);
  if (!answer) {
    throw new ClientError("bad-answer", "the server's answer is not JSON: is this a sealbin server?", {
      status: res.status,
    });
  }
  const plain = openReply(answer.value, shared);
  if (!plain) throw new SealedReplyError();
  return new TextDecoder().decode(plain);
}
