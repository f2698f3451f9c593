import type { Benchmark } from "../lib/report";

/** Placeholder: being written (issue 10). */
export const httpBench: Benchmark = {
  name: "http",
  description: "(being written)",
  run: () => Promise.reject(new Error("the http benchmark is not written yet")),
};
