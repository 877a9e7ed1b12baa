// Generated from schema/ by `npm run gen`. Do not edit.
import type { ErrorObject } from "ajv";
export interface ValidateFunction { (data: unknown): boolean; errors?: ErrorObject[] | null }
export declare const sessionSpec: ValidateFunction;
export declare const commandStart: ValidateFunction;
export declare const commandRate: ValidateFunction;
export declare const commandDone: ValidateFunction;
export declare const commandCancel: ValidateFunction;
export declare const commandStatus: ValidateFunction;
