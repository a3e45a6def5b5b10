import * as chacha from "./xchacha20-poly1305.ts";
import rfc from "../../test/vectors/symmetric/xchacha20-poly1305.json" with { type: "json" };
import wycheproof from "../../test/vectors/symmetric/wycheproof/xchacha20_poly1305_test.json" with { type: "json" };
import { aeadKnownAnswers, aeadMisuse, wycheproofAead } from "../../test/helpers/aead.ts";

aeadKnownAnswers("XChaCha20-Poly1305 known answers", rfc.vectors, chacha);
wycheproofAead(
  "XChaCha20-Poly1305: Wycheproof xchacha20_poly1305_test.json",
  wycheproof,
  chacha,
  (iv) => iv.length !== chacha.NONCE_LENGTH,
);
aeadMisuse("XChaCha20-Poly1305 negative cases", rfc.vectors[0], chacha, [0, 8, 12, 23, 25]);
