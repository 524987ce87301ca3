/**
 * application/problem+xml, the XML form of problem details defined in RFC
 * 7807 Appendix A and kept unchanged by RFC 9457 Appendix B (which obsoletes
 * 7807): root element `problem` in namespace `urn:ietf:rfc:7807`, one child
 * per member, `status` as an integer. The ICOM face answers errors in XML
 * because its clients speak XML; the challenge face keeps problem+json.
 *
 * A member left undefined is omitted (RFC: consumers treat a missing `type`
 * as "about:blank"). Text goes through escapeText, so a detail quoting bad
 * input (`<`, `&`, quotes) stays well-formed, and characters XML cannot
 * carry raise XmlCharError rather than produce a broken document.
 */
import { escapeText } from './xml.js';

export const PROBLEM_XML_NAMESPACE = 'urn:ietf:rfc:7807';
export const PROBLEM_XML_CONTENT_TYPE = 'application/problem+xml; charset=utf-8';

export interface ProblemXml {
  /** A URI reference naming the problem kind. */
  type?: string;
  title: string;
  /** The HTTP status code of the response carrying it. */
  status: number;
  detail?: string;
  /** A URI reference naming this occurrence. */
  instance?: string;
}

function member(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeText(value)}</${name}>`;
}

/** The whole document, XML declaration included. */
export function renderProblemXml(problem: ProblemXml): string {
  const { status } = problem;
  // HTTP status codes are three digits, 100–599 (RFC 9110 §15).
  if (!Number.isInteger(status) || status < 100 || status > 599) throw new RangeError(`status ${status} is not an HTTP status code`);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<problem xmlns="${PROBLEM_XML_NAMESPACE}">` +
    member('type', problem.type) +
    member('title', problem.title) +
    `<status>${status}</status>` +
    member('detail', problem.detail) +
    member('instance', problem.instance) +
    `</problem>`
  );
}
