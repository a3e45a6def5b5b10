import { describe, expect, test } from "vitest";
import { isHsmUid, parseHsmUid } from "./uid.ts";

describe("HSM object ids", () => {
  test("hsm::<slot>::<key_id> and hsm::<model>::<slot>::<key_id>; key ids may hold ::", () => {
    expect(parseHsmUid("hsm::0::kek")).toEqual({ uid: "hsm::0::kek", slot: "0", keyId: "kek" });
    expect(parseHsmUid("hsm::1234567890::vec_rk::1")).toEqual({
      uid: "hsm::1234567890::vec_rk::1",
      slot: "1234567890",
      keyId: "vec_rk::1",
    });
    expect(parseHsmUid("hsm::softhsm2::7::k")).toEqual({ uid: "hsm::softhsm2::7::k", slot: "7", keyId: "k" });
  });

  test("malformed ids are refused with the expected form", () => {
    for (const bad of [
      "hsm::",
      "hsm::0",
      "hsm::0::",
      "hsm::x::0",
      "hsm::softhsm2::x::k",
      `hsm::0::${"a".repeat(129)}`,
    ]) {
      expect(() => parseHsmUid(bad)).toThrow(/hsm::<slot_id>::<key_id>/);
    }
  });

  test("only the hsm:: prefix marks an HSM id", () => {
    expect(isHsmUid("hsm::0::k")).toBe(true);
    for (const other of [undefined, "", "hsm-keyset", "HSM::0::k", "x-hsm::0::k"]) expect(isHsmUid(other)).toBe(false);
  });
});
