export * from "./http-client";
export * from "./lobby-client";
