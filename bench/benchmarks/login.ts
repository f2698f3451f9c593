import type { Benchmark } from "../lib/report";

/** Placeholder: being written (issue 10). */
export const loginBench: Benchmark = {
  name: "login",
  description: "(being written)",
  run: () => Promise.reject(new Error("the login benchmark is not written yet")),
};
