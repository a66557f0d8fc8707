import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { protoTypes } from '../../wire/proto-root.js';
import { batchRecordHead, checkPreamble, decodeRecord, encodePreamble, frameRecord } from '../../wire/recording-format.js';

/** The hand-framed batch record is the protobuf message protobufjs writes, framed as docs/recording.md says. */
describe('recording format', () => {
  const cases = [
    { shard: 0, sequence: 1, eventCount: 1, baseTimeMs: 1_772_409_600_000, batch: Buffer.from([0x08, 0x01]) },
    { shard: 177, sequence: 300, eventCount: 4000, baseTimeMs: 2 ** 52, batch: Buffer.alloc(70_000, 7) },
    { shard: 3, sequence: 2 ** 40, eventCount: 0, baseTimeMs: 0, batch: Buffer.alloc(0) },
  ];
  for (const c of cases) {
    it(`batch record of shard ${c.shard}, sequence ${c.sequence}, ${c.batch.length} batch bytes`, () => {
      const head = batchRecordHead(c.shard, c.sequence, c.eventCount, c.baseTimeMs, c.batch);
      const record = Buffer.concat([head, c.batch]);
      // proto3's canonical bytes leave zero fields out; protobufjs writes a field it is given even when zero.
      const fields = { shard: c.shard, sequence: c.sequence, eventCount: c.eventCount, baseTimeMs: c.baseTimeMs, eventBatch: c.batch };
      const nonZero = Object.fromEntries(Object.entries(fields).filter(([, v]) => (typeof v === 'number' ? v !== 0 : v.length > 0)));
      const payload = protoTypes().RecordingRecord.encode({ batch: nonZero }).finish();
      expect(record.readUInt32LE(0)).toBe(payload.length);
      expect(record.readUInt32LE(4)).toBe(crc32(payload));
      expect(record.subarray(8).equals(Buffer.from(payload))).toBe(true);
      expect(frameRecord(payload).equals(record)).toBe(true);
      const decoded = decodeRecord(record.subarray(8), 'f', 12);
      expect(decoded).toEqual({ kind: 'batch', batch: fields });
    });
  }

  it('a batch record whose inner length disagrees with the record is refused with its offset', () => {
    const batch = Buffer.from([1, 2, 3]);
    const record = Buffer.concat([batchRecordHead(1, 1, 1, 1, batch), batch]);
    expect(() => decodeRecord(record.subarray(8, -1), 'f.smrec', 1234)).toThrow(
      expect.objectContaining({ code: 'SMSIM_ERR_RECORDING_INVALID', details: { file: 'f.smrec', offset: 1234 } }),
    );
  });

  it('the preamble: SMSIMREC then version 1, little-endian', () => {
    expect(encodePreamble().toString('hex')).toBe(`${Buffer.from('SMSIMREC').toString('hex')}01000000`);
    expect(() => checkPreamble(encodePreamble().subarray(0, 5), 'f')).toThrow(
      expect.objectContaining({ code: 'SMSIM_ERR_RECORDING_TRUNCATED' }),
    );
    expect(() => checkPreamble(Buffer.from('{"json": true}'), 'f')).toThrow(
      expect.objectContaining({ code: 'SMSIM_ERR_RECORDING_FOREIGN' }),
    );
  });
});
