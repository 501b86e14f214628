// SNMPv2c on the shared UDP client (udp.ts): a request by community, the answer accepted only
// with the same community, and handed on undecoded past its header (ber.ts).
import { BerError, BerReader, encodeRequest, readResponse, type RequestOid, type ResponseHeader } from './ber.js';
import type { UdpClient } from './udp.js';

export interface V2cTarget {
  address: string;
  port: number;
  community: Buffer;
  timeoutMs: number;
  retries: number;
}

/** A GetResponse: its header, and a reader on its first varbind. */
export interface V2cResponse {
  header: ResponseHeader;
  /** Positioned on the first varbind. */
  reader: BerReader;
}

/** One request on a device, by PDU type, a and b (see encodeRequest) and varbind names. */
export type Requester = (pdu: number, a: number, b: number, oids: readonly RequestOid[]) => Promise<V2cResponse>;

export function v2cRequester(udp: UdpClient, t: V2cTarget): Requester {
  return (pdu, a, b, oids) =>
    udp.request({
      address: t.address,
      port: t.port,
      timeoutMs: t.timeoutMs,
      retries: t.retries,
      build: (id) => encodeRequest(pdu, t.community, id, a, b, oids),
      accept: (buf) => {
        const reader = new BerReader(buf);
        let header: ResponseHeader;
        try {
          header = readResponse(reader);
        } catch (e) {
          if (e instanceof BerError) return undefined; // not a v2c answer of ours: ignored
          throw e;
        }
        const c = t.community;
        if (header.communityEnd - header.communityStart !== c.length || buf.compare(c, 0, c.length, header.communityStart, header.communityEnd) !== 0) return undefined;
        return { header, reader };
      },
    });
}
