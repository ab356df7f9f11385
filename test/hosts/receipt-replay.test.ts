// A host's receipt is evidence for one answer only: it binds the market's request id and the digests of the exact
// bytes, so a valid receipt replayed on another request (by a host covering a new answer, or by anyone framing the
// host) does not verify, and the market keeps no signature for it.
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadOrCreateHostIdentity,
  verifyHostSignature,
  type HostIdentity,
} from '../../src/adapters/keys/host-identity.ts';
import { receiptMessage } from '../../src/contracts/hosts/response-receipt.ts';

const dir = mkdtempSync(join(tmpdir(), 'agora-receipt-'));
let host: HostIdentity;
beforeAll(async () => {
  host = await loadOrCreateHostIdentity(join(dir, 'host.key'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const digest = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `sha256:${Buffer.from(b).toString('hex')}`);
const receipt = fc.record({ requestId: fc.stringMatching(/^req_[0-9a-z]{1,20}$/), request: digest, response: digest });

describe('receipts', () => {
  it('do not verify when replayed on another request id or other bytes', () => {
    fc.assert(
      fc.property(receipt, receipt, (signed, replayedOn) => {
        const signature = host.sign(receiptMessage(signed.requestId, signed.request, signed.response));
        expect(
          verifyHostSignature(
            host.publicKey,
            receiptMessage(signed.requestId, signed.request, signed.response),
            signature,
          ),
        ).toBe(true);
        const same =
          signed.requestId === replayedOn.requestId &&
          signed.request === replayedOn.request &&
          signed.response === replayedOn.response;
        expect(
          verifyHostSignature(
            host.publicKey,
            receiptMessage(replayedOn.requestId, replayedOn.request, replayedOn.response),
            signature,
          ),
        ).toBe(same);
        expect(
          verifyHostSignature(
            host.publicKey,
            receiptMessage(replayedOn.requestId, signed.request, signed.response),
            signature,
          ),
        ).toBe(signed.requestId === replayedOn.requestId);
      }),
      { numRuns: 200 },
    );
  });
});
