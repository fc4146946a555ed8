import pkg from "../../../package.json" with { type: "json" };
import type { Config } from "../../config/config.ts";
import type { Caller } from "../../shared/caller.ts";
import type { ProofOfWork } from "../abuse/pow.usecases.ts";
import type { WriteSwitch } from "../moderation/writes.ts";
import { defaultExpiryFor } from "../pastes/pastes.models.ts";
import { PASSWORD_MAX_CHARS } from "../pastes/pastes.password.ts";
import { maxSizeFor } from "../pastes/pastes.usecases.ts";

/** GET / describes the API and, beyond FlaskPaste, the limits clients should adapt to. */
export function apiInfo(config: Config, endpoints: Record<string, string>) {
  return {
    name: "sealbin",
    version: pkg.version,
    endpoints,
    usage: {
      raw: "curl --data-binary @file.txt http://host/",
      pipe: "cat file.txt | curl --data-binary @- http://host/",
      json: "curl -H 'Content-Type: application/json' -d '{\"content\":\"...\"}' http://host/",
      multipart: "curl -F file=@image.png http://host/",
      shorten:
        "curl -H 'Content-Type: application/json' -d '{\"url\":\"https://example.com/long\"}' http://host/s",
    },
    note: "Use --data-binary (not -d) to preserve newlines",
    limits: {
      max_size_anon: config.maxAnon,
      max_size_auth: config.maxAuth,
      max_file: Math.max(config.maxAuth, config.maxFile),
      min_size: config.minSize,
      id_length: config.idLength,
      password_max_length: PASSWORD_MAX_CHARS,
    },
    expiry: {
      anonymous: config.expiryAnon,
      untrusted: config.expiryUntrusted,
      trusted: config.expiryTrusted,
      max: config.maxExpiry,
      sliding: true,
      custom_header: "X-Expiry",
    },
  };
}

/** What a client needs to know to solve proof-of-work, with the difficulty in force now. */
async function powInfo(config: Config, pow: ProofOfWork) {
  const difficulty = await pow.difficulty();
  return {
    enabled: difficulty > 0,
    difficulty,
    base_difficulty: config.powDifficulty,
    max_difficulty: config.antiflood
      ? Math.max(config.antifloodMax, config.powDifficulty)
      : config.powDifficulty,
    ttl: config.powTtl,
    algorithm: 'SHA256(nonce + ":" + N) with at least `difficulty` leading zero bits',
    challenge: "GET /challenge",
    headers: ["X-PoW-Token", "X-PoW-Solution"],
  };
}

/**
 * GET / for API clients: the endpoints, limits and expiry (fixed once routed), the difficulty now,
 * and what applies to this caller (so that a client checks the right limit before any work).
 */
export async function describeApi(
  deps: { config: Config; pow: ProofOfWork; writes: Pick<WriteSwitch, "mode"> },
  fixed: ReturnType<typeof apiInfo>,
  caller: Caller,
) {
  return {
    ...fixed,
    pow: await powInfo(deps.config, deps.pow),
    // Who may create now (docs/moderation.md): open, identified or closed.
    writes: await deps.writes.mode(),
    caller: {
      identified: caller.fingerprint !== null,
      trust_level: caller.trustLevel,
      max_size: maxSizeFor(caller, deps.config),
      default_expiry: defaultExpiryFor(caller.trustLevel, deps.config),
    },
  };
}
