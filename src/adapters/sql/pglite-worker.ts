// The worker thread that owns the market's embedded PGlite database when it runs off the request thread
// (docs/decisions/019-pglite-on-a-worker-thread.md): it opens the data directory, runs each statement the market's
// thread sends, in order, and answers with its rows or its error. Started by pglite-worker-session.ts.
import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';
import { openMarketPGlite } from './pglite-cluster.ts';
import {
  toCrossingError,
  type PGliteWorkerData,
  type PGliteWorkerReply,
  type PGliteWorkerRequest,
  type PGliteWorkerStart,
} from './pglite-worker-protocol.ts';

if (!parentPort) throw new Error('pglite-worker.ts runs only as a worker thread');
const port = parentPort;

async function serve(client: PGlite, request: PGliteWorkerRequest): Promise<PGliteWorkerReply> {
  try {
    if ('close' in request) {
      await client.close();
      return { id: request.id, rows: [], affectedRows: undefined };
    }
    const { rows, affectedRows } = await client.query(request.sql, request.params);
    return { id: request.id, rows, affectedRows };
  } catch (error) {
    return { id: request.id, error: toCrossingError(error) };
  }
}

/** Rows that cannot be cloned (no type PGlite returns today) fail their statement, not the thread. */
function answer(reply: PGliteWorkerReply): void {
  try {
    port.postMessage(reply);
  } catch (error) {
    port.postMessage({ id: reply.id, error: toCrossingError(error) } satisfies PGliteWorkerReply);
  }
}

const { dataDir, templateDir } = workerData as PGliteWorkerData;
try {
  const client = await openMarketPGlite(dataDir, templateDir);
  // PGlite queues statements itself, so each is served as it arrives (the dialect sends one at a time anyway).
  port.on('message', (request: PGliteWorkerRequest) => {
    void serve(client, request).then((reply) => {
      answer(reply);
      if ('close' in request) port.close();
    });
  });
  port.postMessage({ ready: true } satisfies PGliteWorkerStart);
} catch (error) {
  port.postMessage({ failed: toCrossingError(error) } satisfies PGliteWorkerStart);
  port.close();
}
