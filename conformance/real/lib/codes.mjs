// ascp management error codes and whether a retry can cure them: the engine's table (schema/facts.json,
// newest aspera-cli's numbering and retryable set; docs/protocol.md §8). ascp 3.9 (the one PyPI's
// cos-aspera ships) has the same numbering for 1..59 in its debug info (as_mgmt_error_code_t);
// there, 60 is ERR_UNDEFINED.
import { ASCP_ERROR_ROWS } from '../../generated/facts.mjs';

/** @type {Record<number, {name: string, retryable: boolean}>} */
export const ERROR_CODES = Object.fromEntries(ASCP_ERROR_ROWS.map(([name, retryable], code) => [code, { name, retryable }]));

export const isRetryable = (code) => ERROR_CODES[code]?.retryable === true;
