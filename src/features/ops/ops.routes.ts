import type { FastifyInstance } from "fastify";
import pkg from "../../../package.json" with { type: "json" };
import type { Config } from "../../config/config.ts";
import { allowOnly } from "../../http/errors.ts";
import type { Store } from "../../store/store.ts";
import type { ProofOfWork } from "../abuse/pow.usecases.ts";
import { PASSWORD_MAX_CHARS } from "../pastes/pastes.password.ts";

/** GET / describes the API and, beyond FlaskPaste, the limits clients should adapt to. */
export function apiInfo(config: Config) {
  return {
    name: "sealbin",
    version: pkg.version,
    endpoints: {
      "GET /": "API information",
      "GET /health": "Health check",
      "GET /challenge": "Get proof-of-work challenge",
      "POST /": "Create paste",
      "GET /<id>": "Retrieve paste metadata",
      "HEAD /<id>": "Retrieve paste metadata (headers only)",
      "GET /<id>/raw": "Retrieve raw paste content",
      "HEAD /<id>/raw": "Retrieve raw paste headers (no body)",
      "DELETE /<id>": "Delete paste",
    },
    usage: {
      raw: "curl --data-binary @file.txt http://host/",
      pipe: "cat file.txt | curl --data-binary @- http://host/",
      json: "curl -H 'Content-Type: application/json' -d '{\"content\":\"...\"}' http://host/",
      multipart: "curl -F file=@image.png http://host/",
    },
    note: "Use --data-binary (not -d) to preserve newlines",
    limits: {
      max_size_anon: config.maxAnon,
      max_size_auth: config.maxAuth,
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

export async function opsRoutes(
  app: FastifyInstance,
  deps: { config: Config; store: Store; pow: ProofOfWork },
): Promise<void> {
  const info = apiInfo(deps.config);
  app.get("/", async () => ({ ...info, pow: await powInfo(deps.config, deps.pow) }));

  app.get("/health", async (request, reply) => {
    try {
      await deps.store.ping();
      return { status: "healthy", database: "ok" };
    } catch (err) {
      request.log.error({ err }, "health check: database failed");
      return reply.code(503).send({ status: "unhealthy", database: "error" });
    }
  });
  allowOnly(app, "/health", ["GET", "HEAD"]);
}
