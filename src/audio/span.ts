/** A stretch of time in seconds; `end` is exclusive. */
export interface Span {
  start: number;
  end: number;
}
