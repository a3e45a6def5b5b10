/**
 * Start-up of the configured PKCS#11 HSM: the PIN read from its file, the library loaded, every
 * slot logged in. Failures are StorageErrors with a message saying what to fix (the server then
 * refuses to start); the PIN never appears in them nor in the logs.
 */
import { readFileSync } from "node:fs";
import { Hsm, HsmError } from "../hsm/pkcs11.ts";
import { HsmMasterKey } from "../store/hsm-master-key.ts";
import { parseHsmUid } from "../operations/hsm/uid.ts";
import type { HsmConfig } from "./config.ts";
import type { Logger } from "./log.ts";
import { StorageError } from "./storage.ts";

export async function openHsm(c: HsmConfig, log: Logger): Promise<Hsm> {
  let pin: string;
  try {
    pin = readFileSync(c.passwordFile!, "utf8").replace(/\r?\n$/, "");
  } catch (e) {
    throw new StorageError(
      `cannot read the HSM password file ${c.passwordFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  if (pin === "") throw new StorageError(`the HSM password file ${c.passwordFile} is empty`);
  try {
    const hsm = await Hsm.open({ model: c.model!, module: c.module!, slots: c.slots, pin });
    log.info("HSM ready", { model: c.model, module: c.module, slots: c.slots.join(","), admins: c.admins.join(",") });
    return hsm;
  } catch (e) {
    if (e instanceof HsmError) throw new StorageError(`HSM (${c.model}, ${c.module}): ${e.message}`);
    throw e;
  }
}

/** The HSM key-encryption key as the store's master key (it may not exist yet: see HsmMasterKey). */
export function hsmMasterKey(hsm: Hsm, uid: string, log: Logger): HsmMasterKey {
  const ref = parseHsmUid(uid);
  if (!hsm.hasSlot(ref.slot))
    throw new StorageError(
      `the key-encryption key ${uid} is in slot ${ref.slot}, which is not configured (--hsm-slot ${hsm.slots.join(",")})`,
    );
  const key = new HsmMasterKey(uid, hsm, ref.slot, ref.keyId);
  if (!key.exists())
    log.warn("the key-encryption key does not exist in the HSM yet: nothing can be stored until it is created", {
      keyEncryptionKey: uid,
    });
  return key;
}
