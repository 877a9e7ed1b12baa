// Generated from schema/ (facts.json, client-contract.json, *.schema.json) by npm run gen; do not edit.

/** Transfer-spec keys whose values are secrets (x-ascp secret in schema/transfer-spec.schema.json). */
export const SECRET_SPEC_KEYS = Object.freeze(["content_protection_password","remote_password","token","cookie","ssh_private_key","ssh_private_key_passphrase"]);

/** Ids of the client contract's outcome rows (schema/client-contract.json): each needs a client/ case. */
export const OUTCOME_ROW_IDS = Object.freeze(["result-success","result-failed","result-cancelled","ascp-mode-exit-0","ascp-mode-exit-nonzero","no-result-exit-0","no-result-exit-nonzero"]);
