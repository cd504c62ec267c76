/**
 * Algorithms written once for a synchronous and an asynchronous crypto library (node:crypto on the server, WebCrypto in
 * the browser): the algorithm is a generator that yields each question it needs answered — a node hash, a signature
 * check — and is sent back the answer; `runSync` and `runAsync` answer with the library at hand. No Node import.
 */
export type Steps<Question, Answer, Result> = Generator<Question, Result, Answer>;

export function runSync<Q, A, T>(steps: Steps<Q, A, T>, answer: (question: Q) => A): T {
  let step = steps.next();
  while (!step.done) step = steps.next(answer(step.value));
  return step.value;
}

export async function runAsync<Q, A, T>(steps: Steps<Q, A, T>, answer: (question: Q) => Promise<A>): Promise<T> {
  let step = steps.next();
  while (!step.done) step = steps.next(await answer(step.value));
  return step.value;
}
