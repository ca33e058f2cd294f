import { z } from 'zod';

/**
 * Field types for KMS wire requests, with AWS's constraint wording. A value of the wrong JSON type
 * becomes a SerializationException and a value that breaks a constraint a ValidationException,
 * as in AWS (see wire-validation.ts).
 */
const lengthMsg = (min: number, max: number) => ({
  min: `Member must have length greater than or equal to ${min}`,
  max: `Member must have length less than or equal to ${max}`,
});

export const str = (min: number, max: number) => z.string().min(min, lengthMsg(min, max).min).max(max, lengthMsg(min, max).max);

export const int = (min: number, max: number) =>
  z.number().int('Member must be an integer')
    .min(min, `Member must have value greater than or equal to ${min}`)
    .max(max, `Member must have value less than or equal to ${max}`);

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.string().refine((v): v is T[number] => (values as readonly string[]).includes(v), `Member must satisfy enum value set: [${values.join(', ')}]`) as unknown as z.ZodType<T[number], string>;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A base64 blob decoded to bytes, with AWS's length limits on the decoded size. */
export const blob = (min: number, max: number) =>
  z.string()
    .refine((s) => BASE64.test(s), { message: 'Base64 encoded value is not valid', params: { serialization: true } })
    .transform((s) => Buffer.from(s, 'base64'))
    .refine((b) => b.length >= min, lengthMsg(min, max).min)
    .refine((b) => b.length <= max, lengthMsg(min, max).max);

export const keyId = str(1, 2048);
export const encryptionContext = z.record(z.string().max(8192), z.string().max(8192)).optional();
export const grantTokens = z.array(str(1, 8192)).max(10, 'Member must have length less than or equal to 10').optional();
export const limit = int(1, 1000).optional();
export const marker = str(1, 1024).optional();
export const policyName = z.string().regex(/^[\w]+$/, 'Member must satisfy regular expression pattern: [\\w]+').max(128).optional();
export const policyDocument = str(1, 131072);
export const tagList = z.array(z.object({ TagKey: str(1, 128), TagValue: str(0, 256) })).optional();
export const encryptionAlgorithm = oneOf(['SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SM2PKE'] as const).optional();
export const dryRun = z.boolean().optional();
