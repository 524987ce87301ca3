/** The challenge face's Pull-Next: the one place its path is built. */
export const PULL_NEXT = 'Pull-Next';

export function pullNextPath(ispb: string, iterationId: string): string {
  return `/api/pix/${ispb}/stream/${iterationId}`;
}
