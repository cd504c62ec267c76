/**
 * Ids are chosen by organizations and used as keys of plain objects (votes by question, by position). Names that
 * every JavaScript object already has (`constructor`, `toString`, …) would read as present when absent, so they are
 * refused at every boundary.
 */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

const RESERVED = new Set(Object.getOwnPropertyNames(Object.prototype));

export function isReservedId(id: string): boolean {
  return RESERVED.has(id);
}

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id) && !RESERVED.has(id);
}
