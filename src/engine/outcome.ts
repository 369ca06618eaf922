// How an activation settles. Results and break values are JSON text, never parsed into
// JavaScript numbers, so int8 and numeric values stay exact end to end.
export type Outcome =
  | { kind: 'completed'; result: string }
  | { kind: 'failed'; error: string }
  | { kind: 'break'; value: string };

export const completed = (result: string): Outcome => ({ kind: 'completed', result });
export const failed = (error: string): Outcome => ({ kind: 'failed', error });
export const broke = (value: string): Outcome => ({ kind: 'break', value });

export const BREAK_OUTSIDE_LOOP = 'df.break() was called outside of a loop';
