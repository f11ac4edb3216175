import { connect, filter, merge, mergeMap, type MonoTypeOperatorFunction, type Observable } from 'rxjs';

/**
 * One stage of the topology as an operator with its own bound: at most `concurrency` items are in
 * `work` at once, the rest wait in this operator's buffer (bounded from outside by the intake's
 * credits). Items already `settled` (a failure, a duplicate, a release in an earlier stage) pass
 * straight through, so they neither wait for nor take a slot of a stage they skip.
 * `work` must never error (isolate inside it): an error here would end the whole stream.
 */
export function stageOperator<T>(concurrency: number, settled: (item: T) => boolean, work: (item: T) => Observable<T>): MonoTypeOperatorFunction<T> {
  return connect((items) =>
    merge(
      items.pipe(filter((item) => settled(item))),
      items.pipe(
        filter((item) => !settled(item)),
        mergeMap(work, concurrency),
      ),
    ),
  );
}
