/**
 * Reading what a flag names: an augmentation pipeline given on the command line (step names
 * `flipHorizontal,grayscale`, a JSON array of steps or `{ seed, steps }`, or a .json file holding either),
 * and JSON files. Shared by `gradwell train --augment` and `gradwell augment --pipeline`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { listAugmentationSteps, pipelineFromJSON, type StepSpec } from '@gradwell/augment';
import { CliError } from './errors';

/** An augmentation pipeline as JSON: its steps, and a seed of its own (else the run's). */
export interface PipelineSpec {
  seed?: number;
  steps: StepSpec[];
}

/** The text of a file a flag names, or a one-line usage error when it does not exist. */
export function readJsonFile(file: string, flag: string): string {
  if (!existsSync(file))
    throw new CliError(`${flag}: the file '${file}' does not exist`, 'check the path', 2);
  return readFileSync(file, 'utf8');
}

/**
 * A pipeline given as JSON, checked now as `compose` will check it (step types, their parameters and
 * probabilities; no tensor is made), so a typo is a usage error before data loads, not a crash later.
 */
function checkPipeline(flag: string, pipeline: PipelineSpec): void {
  if (pipeline === null || typeof pipeline !== 'object' || !Array.isArray(pipeline.steps))
    throw new CliError(
      `${flag}: a JSON pipeline is an array of steps or { "seed", "steps": [...] }, got ${JSON.stringify(pipeline)}`,
      `e.g. ${flag} '[{"type":"flipHorizontal","p":0.5}]'`,
      2,
    );
  try {
    pipelineFromJSON(pipeline);
  } catch (error) {
    throw new CliError(
      `${flag}: ${(error as Error).message}`,
      'each step is {"type": a step name, "p": its probability, "params": {...}}',
      2,
    );
  }
}

/**
 * Parses a pipeline spec. Steps given by name get probability `nameProbability` (default: the step's
 * own default, 1).
 */
export function parsePipelineSpec(
  flag: string,
  spec: string,
  { nameProbability }: { nameProbability?: number } = {},
): PipelineSpec {
  const text = (spec.endsWith('.json') ? readJsonFile(spec, flag) : spec).trim();
  if (text.startsWith('[') || text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new CliError(
        `${flag} is not valid JSON: ${(error as Error).message}`,
        `e.g. ${flag} '[{"type":"flipHorizontal","p":0.5}]'`,
        2,
      );
    }
    const pipeline = Array.isArray(parsed) ? { steps: parsed as StepSpec[] } : (parsed as PipelineSpec);
    checkPipeline(flag, pipeline);
    return pipeline;
  }
  const known = listAugmentationSteps();
  return {
    steps: text.split(',').map((name) => {
      const type = name.trim();
      if (!known.includes(type))
        throw new CliError(`${flag}: unknown step '${type}'`, `known steps: ${known.join(', ')}`, 2);
      return nameProbability === undefined ? { type } : { type, p: nameProbability };
    }),
  };
}
