import { AppError } from "../../shared/errors.ts";
import { NOT_BUILT } from "../web/web.routes.ts";

/** The operations routes' errors, each with its stable code (docs/api.md). */
export const opsErrors = {
  /** GET /metrics from outside SEALBIN_METRICS_ALLOW without SEALBIN_METRICS_TOKEN. */
  metricsForbidden: () =>
    new AppError({
      status: 403,
      code: "metrics_forbidden",
      message: "Forbidden",
      extra: { hint: "see SEALBIN_METRICS_ALLOW and SEALBIN_METRICS_TOKEN" },
    }),
  /** GET /client (and the page scripts, web.routes.ts) on a checkout whose build has not run. */
  clientsNotBuilt: () => new AppError({ status: 503, code: "clients_not_built", message: NOT_BUILT }),
};
