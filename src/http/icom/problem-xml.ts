/** The ICOM face's error format: RFC 7807 application/problem+xml. */
import { PROBLEM_XML_CONTENT_TYPE, renderProblemXml } from '../../iso20022/problem-xml.js';
import { problemType, type ProblemRenderer } from '../problem.js';

// XML 1.0 cannot carry these at all; a detail echoing a client's bytes must still render.
const NOT_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const xmlSafe = (text: string) => text.replace(NOT_XML_CHARS, '\uFFFD');

export const renderProblemXmlAnswer: ProblemRenderer = ({ status, title, detail }, instance) => ({
  contentType: PROBLEM_XML_CONTENT_TYPE,
  body: renderProblemXml({ type: problemType(title), title, status, detail: xmlSafe(detail), instance: xmlSafe(instance) }),
});
