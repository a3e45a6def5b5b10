/**
 * Scheme modules: each registers its hooks (create, key pairs, ciphers, formats, wrapping, extra
 * operations) when imported. One line per scheme.
 */
import "./covercrypt/index.ts";
import "./ec/index.ts";
import "./fpe/index.ts";
import "./pqc/index.ts";
import "./rsa/index.ts";
