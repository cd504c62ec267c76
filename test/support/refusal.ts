import type { DomainError } from '../../src/domain/errors.ts';

/** The DomainError a promise is refused with; fails the test if it is not refused. */
export async function refusal(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    return e as DomainError;
  }
  throw new Error('expected a refusal');
}
