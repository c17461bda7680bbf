// The HBM model: bytes -> whole transactions -> cycles on the channels.
//
// Every fetch is rounded up to whole transactions (32 B). Transactions are interleaved over the
// channels every transaction, so a burst of T transactions occupies ceil(T / channels) slots of
// each channel. A channel moves min(peak, outstanding x transaction / latency) bytes per cycle:
// with too few requests in flight to cover the latency (Little's law) it cannot reach its peak.
import type { HardwareConfig } from './hardwareConfig';

/** Bytes actually moved for `payloadBytes` of data: rounded up to whole transactions. */
export function transactionRoundedBytes(payloadBytes: number, c: HardwareConfig): number {
  if (payloadBytes <= 0) return 0;
  return Math.ceil(payloadBytes / c.transactionBytes) * c.transactionBytes;
}

/** Payload bytes of `vectors` vectors of `dim` elements at `bits` bits each. */
export function tensorBytes(vectors: number, dim: number, bits: number): number {
  return (vectors * dim * bits) / 8;
}

/** Sustained bytes per cycle of one channel (peak, or the outstanding-request cap if lower). */
export function channelBytesPerCycle(c: HardwareConfig): number {
  if (c.dramLatencyCycles <= 0) return c.channelBytesPerCycle;
  return Math.min(c.channelBytesPerCycle, (c.outstandingPerChannel * c.transactionBytes) / c.dramLatencyCycles);
}

/** Cycles the channels are busy moving `roundedBytes` (already transaction-rounded). */
export function dramTransferCycles(roundedBytes: number, c: HardwareConfig): number {
  if (roundedBytes <= 0) return 0;
  const transactions = Math.ceil(roundedBytes / c.transactionBytes);
  const perChannel = Math.ceil(transactions / c.hbmChannels);
  return Math.ceil((perChannel * c.transactionBytes) / channelBytesPerCycle(c));
}
