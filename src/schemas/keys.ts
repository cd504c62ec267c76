import { z } from 'zod';
import { Id, Text } from './common.ts';

export const KeyState = z.enum(['pending', 'active', 'refused', 'revoked', 'replaced']);

export const EnrolKeyInput = z
  .object({
    unitId: Id,
    publicKey: z.string().max(100).describe('standard base64 (with padding) of the raw 32-byte Ed25519 public key'),
    label: Text(100).optional().describe('what the key is on, for the officer who approves it: "phone of the secretary"'),
    replaces: Id.optional().describe("the unit's active key this one replaces once approved (a rotation)"),
  })
  .strict()
  .meta({ id: 'EnrolKeyInput' });

export const SigningKey = z
  .object({
    keyId: z.string(),
    unitId: z.string(),
    publicKey: z.string(),
    label: z.string(),
    state: KeyState,
    replaces: z.string().nullable(),
    requestedAt: z.string(),
    requestedBy: z.string(),
    decidedAt: z.string().nullable(),
    decidedBy: z.string().nullable(),
    reason: z.string().nullable(),
  })
  .meta({ id: 'SigningKey' });
export type SigningKey = z.infer<typeof SigningKey>;
export type KeyState = z.infer<typeof KeyState>;

export const KeyDecision = z.object({ reason: Text(1000, { min: 1 }) }).strict();
export const KeyApproval = z.object({ reason: Text(1000).optional() }).strict();
