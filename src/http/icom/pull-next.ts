/** The ICOM face's PI-Pull-Next: the one place its path is built. Clients follow it without assuming its format. */
export const PI_PULL_NEXT = 'PI-Pull-Next';
export const PI_RESOURCE_ID = 'PI-ResourceId';

export function icomPullNextPath(ispb: string, iterationId: string): string {
  return `/api/v1/out/${ispb}/stream/${iterationId}`;
}
