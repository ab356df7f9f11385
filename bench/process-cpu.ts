// CPU time of processes from /proc, as the harness reads it (10 ms ticks: meaningful over seconds, not per request).
// A process's own figure counts all its threads (a worker thread owning the database included); a tree's counts the
// process and every descendant (the PostgreSQL server is a postmaster and one backend per connection).
import { readdirSync, readFileSync } from 'node:fs';

const TICK_US = 10_000;

function stat(pid: number): { ppid: number; ticks: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null; // gone
  }
}

/** CPU µs used so far by each pid (user + system). */
export function cpuUs(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (stat(pid)?.ticks ?? 0) * TICK_US, 0);
}

/** The pid and all its descendants now (a backend that exited since is not counted: read trees over busy spans). */
export function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const ppid = stat(pid)?.ppid;
    if (ppid !== undefined) parents.set(ppid, [...(parents.get(ppid) ?? []), pid]);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(parents.get(tree[i]!) ?? []));
  return tree;
}
