/**
 * Get/Export format conversion of private and public keys (KMIP 2.1 §2.1.7), shared by the
 * asymmetric schemes: without a KeyFormatType, or with the stored one, the key stays as stored;
 * otherwise the scheme reads the key and writes its material in the format asked.
 */
import type { KeyBlock } from "../../kmip/objects.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import type { StoredObject } from "../../store/store.ts";

export interface AsymmetricKeyCodec<K> {
  /** The scheme's key held by `o`, or undefined when `o` is not one of its keys. */
  read(o: StoredObject): K | undefined;
  privateMaterial(k: K, format: string): Uint8Array | KmipRecord;
  publicMaterial(k: K, format: string): Uint8Array | KmipRecord;
}

/** `kb` (the key block of `o`) converted to `format`; undefined = as stored, or not the codec's key. */
export function convertAsymmetricKey<K>(
  codec: AsymmetricKeyCodec<K>,
  o: StoredObject,
  kb: KeyBlock,
  format: string | undefined,
): KeyBlock | undefined {
  if (format === undefined || format === kb.KeyFormatType) return undefined;
  if (o.objectType !== "PrivateKey" && o.objectType !== "PublicKey") return undefined;
  const k = codec.read({ ...o, object: { ...o.object, KeyBlock: kb } });
  if (k === undefined) return undefined;
  const material = o.objectType === "PrivateKey" ? codec.privateMaterial(k, format) : codec.publicMaterial(k, format);
  const { KeyCompressionType: _, ...rest } = kb;
  return { ...rest, KeyFormatType: format, KeyValue: { KeyMaterial: material } } as KeyBlock;
}
