/**
 * How the ICOM face writes what is its own: PI-Pull-Next (the one place its
 * path is built; clients follow it without assuming its format), the
 * PI-ResourceId header, and errors as RFC 7807 application/problem+xml.
 */
import { PROBLEM_XML_CONTENT_TYPE, renderProblemXml } from '../../iso20022/problem-xml.js';
import { problemType, type ProblemRenderer } from '../problem.js';

export const PI_PULL_NEXT = 'PI-Pull-Next';
export const PI_RESOURCE_ID = 'PI-ResourceId';

export function icomPullNextPath(ispb: string, iterationId: string): string {
  return `/api/v1/out/${ispb}/stream/${iterationId}`;
}

// XML 1.0 cannot carry these at all; a detail echoing a client's bytes must still render.
const NOT_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const xmlSafe = (text: string) => text.replace(NOT_XML_CHARS, '\uFFFD');

export const renderProblemXmlAnswer: ProblemRenderer = ({ status, title, detail }, instance) => ({
  contentType: PROBLEM_XML_CONTENT_TYPE,
  body: renderProblemXml({ type: problemType(title), title, status, detail: xmlSafe(detail), instance: xmlSafe(instance) }),
});
