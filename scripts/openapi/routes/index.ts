import type { Route } from "../types";
import { adminRoutes } from "./admin";
import { adminActionsRoutes } from "./admin-actions";
import { authRoutes } from "./auth";
import { chatRoutes } from "./chat";
import { fleetRoutes } from "./fleet";
import { gameLobbiesRoutes } from "./game-lobbies";
import { matchesRoutes } from "./matches";
import { operationsRoutes } from "./operations";
import { socialRoutes } from "./social";

/** Every HTTP route, in the order docs/openapi.yaml lists them. */
export const routes: Route[] = [...authRoutes, ...socialRoutes, ...chatRoutes, ...matchesRoutes, ...gameLobbiesRoutes, ...adminRoutes, ...adminActionsRoutes, ...fleetRoutes, ...operationsRoutes];
