export * from "./codes";
export * from "./limits";
export * from "./rooms";
export * from "./schemas/common";
export * from "./schemas/auth";
export * from "./schemas/lobby";
