import { z } from "zod";

/** GET /healthz. */
export const HealthzResponseSchema = z.object({ status: z.literal("ok") });

/** GET /readyz when ready (otherwise 503 service_unavailable). */
export const ReadyzResponseSchema = z.object({
  status: z.literal("ready"),
  checks: z.object({
    database: z.literal("ok"),
    redis: z
      .literal("ok")
      .optional()
      .meta({ description: "With REDIS_URL only; every Redis connection answered its last health ping within REDIS_COMMAND_TIMEOUT_MS." }),
  }),
});
