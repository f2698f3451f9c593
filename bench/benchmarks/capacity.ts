import type { Benchmark } from "../lib/report";

/** Placeholder: being written (issue 10). */
export const capacityBench: Benchmark = {
  name: "capacity",
  description: "(being written)",
  run: () => Promise.reject(new Error("the capacity benchmark is not written yet")),
};
