/**
 * CoverCrypt Encrypt (master public key) and Decrypt (user decryption key), single and bulk
 * (docs/covercrypt-format.md, "In the KMS").
 *
 * Encrypt returns a complete CoverCrypt 14 ciphertext `header ‖ AES-GCM(nonce ‖ ct ‖ tag)`, which
 * cloudproof_js's WASM decrypts; the AAD (AuthenticatedEncryptionAdditionalData) authenticates the
 * header metadata and the body. Bulk (CryptographicParameters.CryptographicAlgorithm
 * CoverCryptBulk) encapsulates once and repeats the header before each chunk's DEM block, so each
 * item is a standalone ciphertext; bulk decrypt opens each header once per distinct header and
 * returns the metadata of the last item, as Cosmian does.
 */
import { fail } from "../../kmip/error.ts";
import type { Decrypt, Encrypt } from "../../kmip/requests.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import type { StoredObject } from "../../store/store.ts";
import { concatBytes, equalBytes, wipe } from "../../crypto/bytes.ts";
import * as cc from "../../crypto/covercrypt/index.ts";
import { BULK_ALGORITHM, ALGORITHM, ccError, ensureRole, isCoverCryptKey, keyBytes, policyOf } from "./keys.ts";
import { encodeDecrypted, encodeList, parseDataToEncrypt, parseList } from "./framing.ts";
import { runHeavy } from "../common/heavy.ts";

const isBulk = (req: Encrypt | Decrypt) => req.CryptographicParameters?.CryptographicAlgorithm === BULK_ALGORITHM;

function requireData(req: Encrypt | Decrypt, op: string): Uint8Array {
  if (req.Data === undefined) fail("Invalid_Message", `${op}: missing data (Data)`);
  return req.Data;
}

function aadOf(req: Encrypt | Decrypt): Uint8Array | undefined {
  const aad = req.AuthenticatedEncryptionAdditionalData;
  return aad && aad.length > 0 ? aad : undefined;
}

export async function encrypt(key: StoredObject, req: Encrypt): Promise<KmipRecord> {
  const op = "Encrypt";
  ensureRole(key, "master-public", op, "; CoverCrypt encrypts with the master public key");
  const bulk = isBulk(req);
  const { accessPolicy, headerMetadata, plaintext } = parseDataToEncrypt(requireData(req, op), bulk);
  const policy = policyOf(key, op);
  const authenticationData = aadOf(req);
  let data: Uint8Array;
  try {
    const mpk = keyBytes(key);
    cc.serialize.deserializeMasterPublicKey(mpk); // a malformed key fails here, before any work is queued
    const options = { headerMetadata: headerMetadata ?? null, authenticationData };
    // One encapsulation per partition the access policy covers: up to thousands, so on a worker thread.
    const { key: dek, header } = await runHeavy("coverCryptEncryptHeader", policy, mpk, accessPolicy, options);
    try {
      data = !bulk
        ? concatBytes(header, cc.hybrid.demEncrypt(dek, plaintext as Uint8Array, authenticationData))
        : encodeList(
            (plaintext as Uint8Array[]).map((chunk) =>
              concatBytes(header, cc.hybrid.demEncrypt(dek, chunk, authenticationData)),
            ),
          );
    } finally {
      wipe(dek);
    }
  } catch (e) {
    throw ccError(op, e, "Invalid_Field", `cannot encrypt for "${accessPolicy}"`);
  }
  const response: KmipRecord = { UniqueIdentifier: key.id, Data: data };
  if (req.CorrelationValue) response.CorrelationValue = req.CorrelationValue;
  return response;
}

export async function decrypt(key: StoredObject, req: Decrypt): Promise<KmipRecord> {
  const op = "Decrypt";
  ensureRole(key, "user", op, "; CoverCrypt decrypts with a user decryption key");
  const data = requireData(req, op);
  const authenticationData = aadOf(req);
  const ciphertexts = isBulk(req) ? parseList(data, op) : undefined;
  let out: Uint8Array;
  let usk: cc.UserSecretKey | undefined;
  try {
    if (!ciphertexts) {
      const { headerMetadata, plaintext } = cc.decrypt(keyBytes(key), data, { authenticationData });
      out = encodeDecrypted(headerMetadata, plaintext);
    } else {
      usk = cc.serialize.deserializeUserSecretKey(keyBytes(key));
      const plaintexts: Uint8Array[] = [];
      let metadata: Uint8Array = new Uint8Array(0);
      let opened: { header: Uint8Array; key: Uint8Array; headerMetadata: Uint8Array } | undefined;
      try {
        for (const ct of ciphertexts) {
          const { header, headerLength, body } = cc.hybrid.parseCiphertext(ct);
          const headerBytes = ct.subarray(0, headerLength);
          if (!opened || !equalBytes(opened.header, headerBytes)) {
            if (opened) wipe(opened.key);
            opened = { header: headerBytes, ...cc.hybrid.decryptHeader(usk, header, authenticationData) };
          }
          plaintexts.push(cc.hybrid.demDecrypt(opened.key, body, authenticationData));
          metadata = opened.headerMetadata;
        }
      } finally {
        if (opened) wipe(opened.key);
      }
      out = encodeDecrypted(metadata, encodeList(plaintexts));
    }
  } catch (e) {
    throw ccError(op, e, "Invalid_Field", "cannot decrypt");
  } finally {
    if (usk) cc.serialize.wipeUserSecretKey(usk);
  }
  const response: KmipRecord = { UniqueIdentifier: key.id, Data: out };
  if (req.CorrelationValue) response.CorrelationValue = req.CorrelationValue;
  return response;
}

/** CoverCrypt keys, and any key a request asks to use with CoverCrypt (to refuse it clearly). */
export function coverCryptHandles(key: StoredObject, req: Encrypt | Decrypt): boolean {
  const algorithm = req.CryptographicParameters?.CryptographicAlgorithm;
  return isCoverCryptKey(key) || algorithm === ALGORITHM || algorithm === BULK_ALGORITHM;
}
