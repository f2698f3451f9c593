/** Plain-text and Markdown tables for benchmarks whose rows are not fan-out scenarios. */
export interface SimpleTable {
  headers: string[];
  rows: string[][];
  /** Right-align every column but the first (numbers). */
  numeric?: boolean;
}

export function textOf(table: SimpleTable): string {
  const cells = [table.headers, ...table.rows];
  const widths = table.headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)));
  return cells
    .map((row) => row.map((c, i) => (i === 0 || table.numeric === false ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd())
    .join("\n");
}

export function markdownOf(table: SimpleTable): string {
  const rule = table.headers.map((_, i) => (i === 0 || table.numeric === false ? "---" : "---:"));
  return [table.headers, rule, ...table.rows].map((row) => `| ${row.join(" | ")} |`).join("\n");
}
