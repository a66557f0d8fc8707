import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDurablePipeline } from '../../../harness/pipeline/durable-pipeline.js';
import { repairJournal } from '../../../harness/pipeline/journal-repair.js';
import { JOURNAL_FILE, openJournal } from '../../../harness/pipeline/journal.js';
import { encodeIngestRequest } from '../../../wire/envelope.js';
import { taggedBatch } from '../../helpers/batches.js';

/*
 * Damage that is not a torn tail: refused with the file, the offset and the repair, never cut
 * off; and the repair, which keeps every intact record (journal.test.ts covers torn tails).
 */

const dir = (): string => mkdtempSync(join(tmpdir(), 'smsim-damage-'));
const payload = (i: number): Buffer => Buffer.alloc(100, i + 1);
/** Offset of record i (0-based) in a journal of 100-byte payloads: 8-byte magic, 108 bytes each. */
const at = (i: number): number => 8 + i * 108;

async function write(d: string, payloads: readonly Uint8Array[]): Promise<void> {
  const { journal } = openJournal(d, { onRecord: () => undefined });
  for (const p of payloads) journal.append(p);
  await journal.close();
}

function flip(bytes: Buffer, offset: number, mask: number): void {
  bytes[offset] = (bytes[offset] as number) ^ mask;
}

function edit(d: string, change: (bytes: Buffer) => void): void {
  const f = join(d, JOURNAL_FILE);
  const bytes = readFileSync(f);
  change(bytes);
  writeFileSync(f, bytes);
}

function refusal(d: string): { code: string; message: string; details: Record<string, unknown> } {
  try {
    const { journal } = openJournal(d, { onRecord: () => undefined });
    void journal.close();
  } catch (err) {
    return err as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error('expected the journal to be refused');
}

describe('journal damage', () => {
  const middle: Array<[string, (b: Buffer) => void, RegExp]> = [
    ['one flipped payload byte', (b) => flip(b, at(1) + 8 + 50, 0x01), /checksum mismatch in the record at byte 116/],
    ['an implausible length', (b) => b.writeUInt32LE(0x7fffffff, at(1)), /record length 2147483647 at byte 116 is not plausible/],
    ['a length past the end of the file', (b) => b.writeUInt32LE(100_000, at(1)), /record at byte 116 \(100000 bytes announced/],
  ];
  it.each(middle)(
    'refuses damage in the middle (%s), naming file, offset, intact records after it and the repair; touches nothing',
    async (_n, damage, reason) => {
      const d = dir();
      await write(d, [0, 1, 2, 3].map(payload));
      edit(d, (b) => void damage(b));
      const before = readFileSync(join(d, JOURNAL_FILE));
      const err = refusal(d);
      expect(err.code).toBe('SMSIM_ERR_JOURNAL_DAMAGED');
      expect(err.message).toMatch(reason);
      expect(err.message).toContain(join(d, JOURNAL_FILE));
      expect(err.message).toContain('2 intact records after it');
      expect(err.message).toContain(`smsim journal repair --data-dir ${d}`);
      expect(err.details).toMatchObject({ offset: at(1), intactAfter: 2 });
      expect(readFileSync(join(d, JOURNAL_FILE)).equals(before)).toBe(true);
    },
  );

  it('refuses a whole last record whose checksum does not match, or whose length field alone is damaged', async () => {
    const d = dir();
    await write(d, [0, 1].map(payload));
    edit(d, (b) => flip(b, b.length - 1, 0xff));
    expect(refusal(d)).toMatchObject({ code: 'SMSIM_ERR_JOURNAL_DAMAGED', details: { offset: at(1), intactAfter: 0 } });

    const e = dir();
    await write(e, [0, 1].map(payload));
    // The payload is whole and matches its checksum: only the length was hit, so this is no torn write.
    edit(e, (b) => void b.writeUInt32LE(150, at(1)));
    expect(refusal(e)).toMatchObject({ code: 'SMSIM_ERR_JOURNAL_DAMAGED', details: { offset: at(1) } });
  });

  it('cuts a zero-filled tail (a crash after the file grew, before its data reached the disk)', async () => {
    const d = dir();
    await write(d, [0, 1].map(payload));
    appendFileSync(join(d, JOURNAL_FILE), Buffer.alloc(300));
    const replayed: Buffer[] = [];
    const { journal, recovery } = openJournal(d, { onRecord: (p) => replayed.push(Buffer.from(p)) });
    expect(recovery).toMatchObject({ records: 2, discardedBytes: 300, discardReason: 'record length 0 at byte 224 is not plausible' });
    expect(replayed).toEqual([payload(0), payload(1)]);
    await journal.close();
  });

  it('a record whose checksum is right but that cannot be decoded is a journal error with file and offset, not BATCH_INVALID', async () => {
    const d = dir();
    const ok = encodeIngestRequest('s', 1, taggedBatch(100), 'r');
    // Field 1 as a varint: no envelope. Framed and checksummed like any record.
    await write(d, [ok, Buffer.from([0x08, 0x01]), encodeIngestRequest('s', 2, taggedBatch(200), 'r')]);
    expect(() => openDurablePipeline(d)).toThrow(
      expect.objectContaining({
        code: 'SMSIM_ERR_JOURNAL_DAMAGED',
        message: expect.stringMatching(
          new RegExp(
            `ingest.journal: damaged before its end: the record at byte ${8 + 8 + ok.length} has a valid checksum but cannot be read \\(IngestRequest: field 1 has wire type 0.*1 intact records after it`,
          ),
        ) as string,
        details: expect.objectContaining({ offset: 8 + 8 + ok.length, intactAfter: 1 }) as object,
      }),
    );
  });

  it('a journalled batch that decodes as an envelope but is an invalid batch is no damage: replay rejects it again', async () => {
    const d = dir();
    await write(d, [encodeIngestRequest('s', 1, Uint8Array.from([0xff, 0xff]), 'r'), encodeIngestRequest('s', 2, taggedBatch(300), 'r')]);
    const { runs, journal } = openDurablePipeline(d);
    expect(runs.stats('r')).toMatchObject({ rejectedBatches: 1, batchesAccepted: 1, lostBatches: 0 });
    await journal.close();
  });
});

describe('journal repair', () => {
  it('keeps every intact record before and after the damage, quarantines the rest, and marks the hole lost', async () => {
    const d = dir();
    const records = [
      encodeIngestRequest('a', 1, taggedBatch(1000), 'r'),
      encodeIngestRequest('b', 1, taggedBatch(2000), 'r'),
      encodeIngestRequest('a', 2, taggedBatch(1100), 'r'), // damaged below
      encodeIngestRequest('b', 2, taggedBatch(2100), 'r'),
      Buffer.from([0x08, 0x01]), // checksum right, content unreadable
      encodeIngestRequest('a', 3, taggedBatch(1200), 'r'),
    ];
    await write(d, records);
    const offsets: number[] = [];
    let offset = 8;
    for (const r of records) {
      offsets.push(offset);
      offset += 8 + r.length;
    }
    const damagedAt = offsets[2] as number;
    edit(d, (b) => flip(b, damagedAt + 20, 0x40));
    const result = repairJournal(d, new Date('2026-03-02T10:00:00Z'));
    expect(result).toMatchObject({
      keptRecords: 4,
      quarantined: [
        { offset: damagedAt, bytes: 8 + (records[2] as Buffer).length, reason: `checksum mismatch in the record at byte ${damagedAt}` },
        { offset: offsets[4], bytes: 10, reason: expect.stringContaining('valid checksum that cannot be read') as string },
      ],
      lost: [{ runId: 'r', streamId: 'a', from: 2, to: 2 }],
      redropped: [],
      quarantineFile: join(d, `${JOURNAL_FILE}.quarantine-2026-03-02T10-00-00-000Z`),
    });
    expect(readdirSync(d).sort()).toEqual([JOURNAL_FILE, `${JOURNAL_FILE}.quarantine-2026-03-02T10-00-00-000Z`]);
    // The quarantine file holds the bytes, with where they were.
    const q = readFileSync(result.quarantineFile as string);
    expect(q.subarray(0, 8).toString('latin1')).toBe('SMSIMQ01');
    const metaLength = q.readUInt32LE(8);
    expect(JSON.parse(q.subarray(12, 12 + metaLength).toString('utf8'))).toMatchObject({ offset: damagedAt });
    expect(statSync(join(d, JOURNAL_FILE)).size).toBe(result.bytesAfter);

    // Serve starts again: every intact record is there, the hole is counted, a's later batch is applied.
    const { runs, journal } = openDurablePipeline(d);
    expect(runs.stats('r')).toMatchObject({
      batchesAccepted: 4,
      eventsAccepted: 12,
      lostBatches: 1,
      streams: [
        { streamId: 'a', ackedThrough: 3, eventsAccepted: 6, lostBatches: 1 },
        { streamId: 'b', ackedThrough: 2, eventsAccepted: 6, lostBatches: 0 },
      ],
    });
    expect(runs.list()).toMatchObject([{ runId: 'r', lostBatches: 1 }]);
    await journal.close();
    // A second repair finds nothing to do.
    expect(repairJournal(d)).toMatchObject({ keptRecords: 5, quarantined: [], lost: [] });
  });

  it('refuses to repair under a live pipeline', async () => {
    const d = dir();
    await write(d, [payload(0)]);
    const { journal } = openJournal(d, { onRecord: () => undefined });
    expect(() => repairJournal(d)).toThrow(
      expect.objectContaining({ code: 'SMSIM_ERR_JOURNAL_FAILED', message: expect.stringContaining('is in use by process') as string }),
    );
    await journal.close();
  });
});
