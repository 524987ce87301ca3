/**
 * How the challenge face writes what is its own: the Pull-Next header (the one
 * place its path is built) and errors as RFC 9457 application/problem+json.
 */
import { problemType, type ProblemRenderer } from '../problem.js';

export const PULL_NEXT = 'Pull-Next';

export function pullNextPath(ispb: string, iterationId: string): string {
  return `/api/pix/${ispb}/stream/${iterationId}`;
}

export const PROBLEM_JSON = 'application/problem+json';

export const renderProblemJson: ProblemRenderer = ({ status, title, detail }, instance) => ({
  contentType: PROBLEM_JSON,
  body: JSON.stringify({ type: problemType(title), title, status, detail, instance }),
});
