/** The error every problem with a model file ends in: what is wrong, where, and its kind. */

export type ModelFileProblem =
  /** Not a model.json: no `modelTopology`, or not JSON. */
  | 'not-a-model'
  /** A layer class, activation or initialiser gradwell does not know. */
  | 'unknown-class'
  /** A graph gradwell cannot run as a stack of layers (branches, several inputs or outputs). */
  | 'not-sequential'
  /** A weight is missing, or the manifest's shape disagrees with the layer's. */
  | 'weight-mismatch'
  /** The weight file holds fewer (or more) bytes than the manifest describes. */
  | 'weights-size'
  /** A weight holds NaN or ±Infinity. */
  | 'non-finite-weights'
  /** No handler for the destination or source. */
  | 'no-handler';

export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
  constructor(
    readonly problem: ModelFileProblem,
    message: string,
  ) {
    super(message);
  }
}
