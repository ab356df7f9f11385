// The market's side of an embedded PGlite database owned by a worker thread (pglite-worker.ts): each statement is
// posted to the thread and its rows, or its PostgreSQL error with its code and fields, come back. The PGlite dialect
// drives it exactly as it drives a PGlite in this thread (docs/decisions/019-pglite-on-a-worker-thread.md).
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from './module-worker.ts';
import type { PGliteSession } from './pglite-dialect.ts';
import {
  fromCrossingError,
  type PGliteWorkerData,
  type PGliteWorkerReply,
  type PGliteWorkerRequest,
  type PGliteWorkerStart,
} from './pglite-worker-protocol.ts';

type Pending = { resolve: (reply: PGliteWorkerReply) => void; reject: (error: Error) => void };

/** The worker's module beside this one, TypeScript or compiled as this one is. */
const workerEntry = (): URL => new URL(`./pglite-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

function waitForStart(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      worker.off('message', started).off('exit', exited);
      reject(error);
    };
    const exited = (code: number) =>
      fail(new Error(`the PGlite worker thread stopped as it started (exit code ${code})`));
    const started = (message: PGliteWorkerStart) => {
      worker.off('error', fail).off('exit', exited);
      if ('ready' in message) return resolve();
      void worker.terminate();
      reject(fromCrossingError(message.failed));
    };
    worker.once('message', started).once('error', fail).once('exit', exited);
  });
}

export async function openPGliteOnWorker(dataDir: string, templateDir: string | undefined): Promise<PGliteSession> {
  const worker = startModuleWorker(workerEntry(), { workerData: { dataDir, templateDir } satisfies PGliteWorkerData });
  await waitForStart(worker);

  const pending = new Map<number, Pending>();
  let nextId = 0;
  let stopped: Error | undefined;
  // As PGlite in this thread, an idle database keeps no process alive: the worker counts only while it answers.
  worker.unref();
  const stop = (error: Error) => {
    stopped ??= error;
    for (const { reject } of pending.values()) reject(stopped);
    pending.clear();
  };
  worker.on('message', (reply: PGliteWorkerReply) => {
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    waiting?.resolve(reply);
  });
  worker.on('error', stop);
  worker.on('exit', (code) => stop(new Error(`the PGlite worker thread has stopped (exit code ${code})`)));

  const send = (request: PGliteWorkerRequest): Promise<PGliteWorkerReply> => {
    if (stopped) return Promise.reject(stopped);
    // Parameters that cannot be cloned fail here, before anything waits for an answer.
    worker.postMessage(request);
    if (pending.size === 0) worker.ref();
    return new Promise((resolve, reject) => pending.set(request.id, { resolve, reject }));
  };
  return {
    async query<R>(sql: string, params: unknown[]) {
      const reply = await send({ id: nextId++, sql, params });
      if ('error' in reply) throw fromCrossingError(reply.error);
      return { rows: reply.rows as R[], affectedRows: reply.affectedRows };
    },
    async close() {
      const reply = await send({ id: nextId++, close: true });
      await worker.terminate();
      if ('error' in reply) throw fromCrossingError(reply.error);
    },
  };
}
