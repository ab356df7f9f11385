// Whether an engine the host agent fronts can be reached around it. The agent forwards only chat, completions and
// health, but an engine listening beyond loopback is open to anyone on the network with its own routes — vLLM's
// `/pause` and `/update_weights` take no key. Two checks at start: the engine's URL resolves only to loopback
// addresses, and its port does not answer on any of this machine's other addresses (it is bound to loopback).
import { lookup } from 'node:dns/promises';
import { connect, isIPv4 } from 'node:net';
import { networkInterfaces } from 'node:os';

const isLoopback = (address: string): boolean =>
  isIPv4(address) ? address.startsWith('127.') : address === '::1' || /^::ffff:127\./i.test(address);

const BIND_ADVICE =
  'bind it to loopback (llama.cpp server --host 127.0.0.1, vLLM --host 127.0.0.1, Ollama OLLAMA_HOST=127.0.0.1:11434; docs/hosts.md)';

/** This machine's own addresses that are not loopback (link-local IPv6 needs a scope and is left out). */
function ownOutsideAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((i) => !i.internal && !isLoopback(i.address) && !i.address.toLowerCase().startsWith('fe80:'))
    .map((i) => i.address);
}

/** Whether a TCP connection to the address and port opens within the time given. */
function answers(address: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Warnings, each saying why, for an engine that can be reached without the host agent; empty when it cannot. */
export async function engineExposureWarnings(
  engineUrl: string,
  options: { probeTimeoutMs?: number } = {},
): Promise<string[]> {
  const url = new URL(engineUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const warnings: string[] = [];
  const resolved = await lookup(host, { all: true }).then(
    (found) => found.map((a) => a.address),
    () => [] as string[],
  );
  const outside = resolved.filter((a) => !isLoopback(a));
  if (outside.length > 0) {
    warnings.push(
      `the engine at ${url.origin} is reached over ${outside.join(', ')}, not loopback: anyone who reaches that address can call the engine ` +
        `around this agent (vLLM's /pause and /update_weights need no key); ${BIND_ADVICE}, and give --engine http://127.0.0.1:${port}`,
    );
  }
  const probed = ownOutsideAddresses().filter((a) => !outside.includes(a));
  const open = (
    await Promise.all(probed.map(async (a) => ((await answers(a, port, options.probeTimeoutMs ?? 500)) ? [a] : [])))
  ).flat();
  if (open.length > 0) {
    warnings.push(
      `the engine's port ${port} also answers on ${open.join(', ')}: it listens beyond loopback, so anyone on those networks can call it ` +
        `around this agent (vLLM's /pause and /update_weights need no key); ${BIND_ADVICE}`,
    );
  }
  return warnings;
}
