/** The challenge face's error format: RFC 9457 application/problem+json. */
import { problemType, type ProblemRenderer } from '../problem.js';

export const PROBLEM_JSON = 'application/problem+json';

export const renderProblemJson: ProblemRenderer = ({ status, title, detail }, instance) => ({
  contentType: PROBLEM_JSON,
  body: JSON.stringify({ type: problemType(title), title, status, detail, instance }),
});
