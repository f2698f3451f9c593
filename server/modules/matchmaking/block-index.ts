/** For each account, the accounts it blocked or was blocked by, from one-sided block pairs. */
export function blockIndex(blocks: readonly { accountId: string; otherId: string }[]): Map<string, string[]> {
  const index = new Map<string, string[]>();
  const add = (from: string, to: string) => {
    const list = index.get(from);
    if (list) list.push(to);
    else index.set(from, [to]);
  };
  for (const b of blocks) {
    add(b.accountId, b.otherId);
    add(b.otherId, b.accountId);
  }
  return index;
}
