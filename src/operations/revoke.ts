/**
 * Revoke (KMIP 2.1 §6.1.43): KeyCompromise/CACompromise -> Compromised, any other reason ->
 * Deactivated. Revoking a key pair half revokes the other half (Cascade, default on).
 * Revoking a Deactivated key again for a non-compromise reason, or a destroyed one, changes nothing.
 */
import { KmipError } from "../kmip/error.ts";
import { enumName } from "../kmip/enums.ts";
import type { Revoke } from "../kmip/requests.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { StoredObject } from "../store/store.ts";
import type { OperationContext } from "./context.ts";
import { isDestroyed, now, withState } from "./common/lifecycle.ts";
import { retrieve } from "./common/retrieve.ts";
import { linkedPairs } from "./common/links.ts";

const COMPROMISE = new Set(["KeyCompromise", "CACompromise"]);

export async function revoke(req: Revoke, ctx: OperationContext): Promise<KmipRecord> {
  const raw = req.RevocationReason?.RevocationReasonCode ?? "Unspecified";
  const code = typeof raw === "number" ? enumName("RevocationReasonCode", raw) : raw;
  if (!code) throw new KmipError("Invalid_Field", `Revoke: unknown RevocationReasonCode ${raw}`);
  const message = req.RevocationReason?.RevocationMessage;
  return ctx.store.atomic(async () => {
    const o = await retrieve(ctx, req.UniqueIdentifier, "revoke");
    const targets = [o, ...(req.Cascade === false ? [] : await linkedPairs(ctx, o, "revoke"))];
    for (const target of targets) await revokeOne(ctx, target, code, message, req.CompromiseOccurrenceDate);
    ctx.log.debug("revoked", { op: "Revoke", id: o.id, reason: code });
    return { UniqueIdentifier: o.id };
  });
}

async function revokeOne(
  ctx: OperationContext,
  o: StoredObject,
  code: string,
  message: string | undefined,
  occurred: Date | undefined,
): Promise<void> {
  if (isDestroyed(o)) return; // nothing left to revoke (Cosmian answers success too)
  const t = now();
  const reason = { RevocationReasonCode: code, ...(message ? { RevocationMessage: message } : {}) };
  if (COMPROMISE.has(code)) {
    await ctx.store.update(
      withState(o, "Compromised", {
        CompromiseDate: t,
        CompromiseOccurrenceDate: occurred ?? t,
        RevocationReason: reason,
      }),
    );
  } else if (o.state === "Active" || o.state === "PreActive") {
    await ctx.store.update(withState(o, "Deactivated", { DeactivationDate: t, RevocationReason: reason }));
  }
}
