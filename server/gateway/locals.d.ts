import type { AuthContext } from "../modules/auth/auth.types";

declare global {
  namespace Express {
    interface Locals {
      requestId: string;
      auth?: AuthContext;
    }
  }
}

export {};
