import { abuseSettings } from "./config.abuse.settings.ts";
import type { Setting } from "./config.forms.ts";
import { functionsSettings } from "./config.functions.settings.ts";
import { identitySettings } from "./config.identity.settings.ts";
import { pastesSettings } from "./config.pastes.settings.ts";
import { serverSettings } from "./config.server.settings.ts";
import { webhooksSettings } from "./config.webhooks.settings.ts";

export { forms, type Setting } from "./config.forms.ts";

/** Every key the groups define: `settings` must list each of them, and nothing else. */
type GroupKey =
  | keyof typeof serverSettings
  | keyof typeof pastesSettings
  | keyof typeof abuseSettings
  | keyof typeof identitySettings
  | keyof typeof functionsSettings
  | keyof typeof webhooksSettings;

/**
 * The one configuration schema. Every key has its documentation, its form, its default and its
 * environment name (SEALBIN_<NAME>; FLASKPASTE_<NAME> too where the FlaskPaste documents name it).
 * The keys are defined by area in config.<area>.settings.ts, on the machinery of config.forms.ts;
 * this object gathers them in the order docs/configuration.md lists them. docs/configuration.md is
 * generated from it (`npm run docs:config`), and a test keeps it so.
 */
export const settings = {
  databaseUrl: serverSettings.databaseUrl,
  databasePool: serverSettings.databasePool,
  host: serverSettings.host,
  port: serverSettings.port,
  db: serverSettings.db,
  trustProxyHops: serverSettings.trustProxyHops,
  urlPrefix: serverSettings.urlPrefix,
  idLength: pastesSettings.idLength,
  maxAnon: pastesSettings.maxAnon,
  maxAuth: pastesSettings.maxAuth,
  maxFile: pastesSettings.maxFile,
  minSize: pastesSettings.minSize,
  expiryAnon: pastesSettings.expiryAnon,
  expiryUntrusted: pastesSettings.expiryUntrusted,
  expiryTrusted: pastesSettings.expiryTrusted,
  maxExpiry: pastesSettings.maxExpiry,
  shortIdLength: pastesSettings.shortIdLength,
  shortUrlMax: pastesSettings.shortUrlMax,
  functionsModules: functionsSettings.functionsModules,
  functionsRequestTtl: functionsSettings.functionsRequestTtl,
  functionsIpTtl: functionsSettings.functionsIpTtl,
  functionsTimeout: functionsSettings.functionsTimeout,
  jwtTtl: identitySettings.jwtTtl,
  imagesMax: identitySettings.imagesMax,
  downloadStallTimeout: identitySettings.downloadStallTimeout,
  metricsAllow: serverSettings.metricsAllow,
  metricsToken: serverSettings.metricsToken,
  tlsCert: serverSettings.tlsCert,
  tlsKey: serverSettings.tlsKey,
  tlsClientCa: serverSettings.tlsClientCa,
  identityProxies: identitySettings.identityProxies,
  proxySecret: identitySettings.proxySecret,
  powDifficulty: abuseSettings.powDifficulty,
  powTtl: abuseSettings.powTtl,
  powSecret: abuseSettings.powSecret,
  antiflood: abuseSettings.antiflood,
  antifloodWindow: abuseSettings.antifloodWindow,
  antifloodThreshold: abuseSettings.antifloodThreshold,
  antifloodStep: abuseSettings.antifloodStep,
  antifloodMax: abuseSettings.antifloodMax,
  antifloodDecay: abuseSettings.antifloodDecay,
  rateLimit: abuseSettings.rateLimit,
  rateWindow: abuseSettings.rateWindow,
  rateMax: abuseSettings.rateMax,
  rateRefusedMax: abuseSettings.rateRefusedMax,
  rateAuthMult: abuseSettings.rateAuthMult,
  rateIpv6Prefix: abuseSettings.rateIpv6Prefix,
  rateNotFoundMax: abuseSettings.rateNotFoundMax,
  ratePasswordMax: abuseSettings.ratePasswordMax,
  passwordHashesPerClient: abuseSettings.passwordHashesPerClient,
  dedupWindow: abuseSettings.dedupWindow,
  dedupMax: abuseSettings.dedupMax,
  minEntropy: abuseSettings.minEntropy,
  minEntropySize: abuseSettings.minEntropySize,
  requireBinary: abuseSettings.requireBinary,
  writes: abuseSettings.writes,
  abuseRecordDays: abuseSettings.abuseRecordDays,
  reportRetentionDays: abuseSettings.reportRetentionDays,
  pkiEnabled: identitySettings.pkiEnabled,
  pkiCaPassword: identitySettings.pkiCaPassword,
  pkiCertDays: identitySettings.pkiCertDays,
  pkiCaDays: identitySettings.pkiCaDays,
  registrationEnabled: identitySettings.registrationEnabled,
  registerPow: identitySettings.registerPow,
  webhookUrl: webhooksSettings.webhookUrl,
  webhookSecret: webhooksSettings.webhookSecret,
  webhookAllowPrivate: webhooksSettings.webhookAllowPrivate,
  workers: serverSettings.workers,
  cleanupInterval: serverSettings.cleanupInterval,
  requestTimeout: serverSettings.requestTimeout,
  headersTimeout: serverSettings.headersTimeout,
  keepAliveTimeout: serverSettings.keepAliveTimeout,
  logLevel: serverSettings.logLevel,
} as const satisfies Record<GroupKey, Setting<unknown>>;

export type Settings = typeof settings;
export type Config = { -readonly [K in keyof Settings]: Settings[K]["default"] };
