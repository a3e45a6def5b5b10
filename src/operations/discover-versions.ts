/** DiscoverVersions (KMIP 2.1 §6.1.16): the protocol versions both sides support, ours in preference order. */
import type { DiscoverVersions } from "../kmip/requests.ts";
import type { KmipRecord } from "../kmip/struct.ts";

const SUPPORTED = [
  [2, 1],
  [2, 0],
  [1, 4],
  [1, 3],
  [1, 2],
  [1, 1],
  [1, 0],
] as const;

export async function discoverVersions(req: DiscoverVersions): Promise<KmipRecord> {
  const asked = req.ProtocolVersion ?? [];
  const versions =
    asked.length === 0
      ? SUPPORTED
      : SUPPORTED.filter(([M, m]) => asked.some((v) => v.ProtocolVersionMajor === M && v.ProtocolVersionMinor === m));
  return { ProtocolVersion: versions.map(([M, m]) => ({ ProtocolVersionMajor: M, ProtocolVersionMinor: m })) };
}
