/**
 * The authorization matrix: the status every kind of caller gets from every route
 * (authz-matrix.test.ts checks it against a running app, and fails for a route of
 * `GET /api/openapi.json` without a row here, or a row without its route).
 *
 * How to read a row: `'METHOD /api/path': 'c1 c2 … c9'`, one column per caller in the order
 * of {@link MATRIX_ROLES}:
 *
 *   anonymous · outsider · delegate · siteOperator · secretary · chair · otherUnitAdmin ·
 *   hostUnitAdmin · systemAdmin
 *
 * - outsider: daibieu2, a member of a department under the host, not invited;
 * - delegate: daibieu1, invited in person; siteOperator: diemcau.tamhop, operating the
 *   meeting's one site; secretary: thuky; chair: chutich;
 * - otherUnitAdmin: quantri.vinhyen, administrator of TP. Vĩnh Yên (not above the host);
 * - hostUnitAdmin: quantri.tinh, administrator of the host unit (the province);
 * - systemAdmin: admin.
 *
 * A cell is one status for every meeting, or `public/internal/confidential` when the
 * visibility of the meeting changes it. Routes outside `/api/meetings/{id}` run once and
 * have one status per cell. The meetings are scheduled (not live) and hosted by the province.
 *
 * What the requests are: a JSON body of `[]` wherever the route takes a body (so that a
 * caller who passes authorization gets 400 and nothing changes), ids of sub-resources that
 * do not exist (404 once authorized), `{kind}` = minutes, `{format}` = pdf; `/users/{id}` is a
 * member of Sở Nội vụ created for the test, `/units/{id}` is Sở Nội vụ. Requests without a
 * body that may act run one at a time, in this order, after the others.
 *
 * So: 401 = no session; 404 in the confidential column = the meeting stays hidden; 403 = seen
 * but not allowed; 400/404/409/415 = authorized, then stopped by validation or state. A
 * 400 where a 403 belongs means validation ran before authorization: a defect.
 */
export const MATRIX_ROLES = [
  'anonymous',
  'outsider',
  'delegate',
  'siteOperator',
  'secretary',
  'chair',
  'otherUnitAdmin',
  'hostUnitAdmin',
  'systemAdmin',
] as const;
/** One of {@link MATRIX_ROLES}. */
export type MatrixRole = (typeof MATRIX_ROLES)[number];

/** The visibilities of the three fixture meetings, in the order of a split cell. */
export const MATRIX_VISIBILITIES = ['public', 'internal', 'confidential'] as const;

/** The cells of a row: per role, one status or three (public, internal, confidential). */
export function parseRow(row: string): number[][] {
  const cells = row.trim().split(/\s+/);
  if (cells.length !== MATRIX_ROLES.length) {
    throw new Error(`a row has ${MATRIX_ROLES.length} cells, not ${cells.length}: "${row}"`);
  }
  return cells.map((cell) => {
    const statuses = cell.split('/').map(Number);
    if ((statuses.length !== 1 && statuses.length !== 3) || statuses.some((s) => !(s >= 100))) {
      throw new Error(`a cell is a status or public/internal/confidential: "${cell}"`);
    }
    return statuses;
  });
}

/** Expected status by route and caller (see the header for how to read a row). */
export const AUTHZ_MATRIX: Record<string, string> = {
  'GET /api/health': '200 200 200 200 200 200 200 200 200',
  'POST /api/auth/login': '400 400 400 400 400 400 400 400 400',
  'POST /api/auth/refresh': '400 400 400 400 400 400 400 400 400',
  'POST /api/auth/logout': '400 400 400 400 400 400 400 400 400',
  'GET /api/auth/me': '401 200 200 200 200 200 200 200 200',
  'POST /api/auth/password': '401 400 400 400 400 400 400 400 400',
  'POST /api/tickets': '401 400 400 400 400 400 400 400 400',
  'GET /api/units': '401 200 200 200 200 200 200 200 200',
  'POST /api/units': '401 403 403 403 403 403 400 400 400',
  'GET /api/units/tree': '401 200 200 200 200 200 200 200 200',
  'GET /api/units/{id}': '401 200 200 200 200 200 200 200 200',
  'PATCH /api/units/{id}': '401 403 403 403 403 403 400 400 400',
  'POST /api/units/{id}/deactivate': '401 403 403 403 403 403 400 400 400',
  'GET /api/users': '401 200 200 200 200 200 200 200 200',
  'POST /api/users': '401 403 403 403 403 403 400 400 400',
  'GET /api/users/{id}': '401 200 200 200 200 200 200 200 200',
  'PATCH /api/users/{id}': '401 403 403 403 403 403 400 400 400',
  'POST /api/users/{id}/deactivate': '401 403 403 403 403 403 403 200 200',
  'POST /api/users/{id}/activate': '401 403 403 403 403 403 403 200 200',
  'POST /api/users/{id}/password': '401 403 403 403 403 403 400 400 400',
  'GET /api/meetings': '401 200 200 200 200 200 200 200 200',
  'POST /api/meetings': '401 400 400 400 400 400 400 400 400',
  'GET /api/meetings/{id}': '401 200/200/404 200 200 200 200 200/200/404 200 200',
  'PATCH /api/meetings/{id}': '401 403/403/404 403 403 400 400 403/403/404 400 400',
  'POST /api/meetings/{id}/transitions': '401 403/403/404 403 403 400 400 403/403/404 400 400',
  'GET /api/meetings/{id}/access': '401 200/200/404 200 200 200 200 200/200/404 200 200',
  'GET /api/meetings/{id}/participants': '401 200/200/404 200 200 200 200 200/200/404 200 200',
  'GET /api/meetings/{id}/sites': '401 200/200/404 200 200 200 200 200/200/404 200 200',
  'POST /api/meetings/{id}/invitations': '401 403/403/404 403 403 400 400 403/403/404 400 400',
  'PATCH /api/meetings/{id}/participants/{userId}':
    '401 403/403/404 403 403 400 400 403/403/404 400 400',
  'DELETE /api/meetings/{id}/participants/{userId}':
    '401 403/403/404 403 403 404 404 403/403/404 404 404',
  'PATCH /api/meetings/{id}/sites/{siteId}': '401 403/403/404 403 403 400 400 403/403/404 400 400',
  'DELETE /api/meetings/{id}/sites/{siteId}': '401 403/403/404 403 403 404 404 403/403/404 404 404',
  'GET /api/meetings/{id}/agenda': '401 200/200/404 200 200 200 200 200/200/404 200 200',
  'POST /api/meetings/{id}/agenda': '401 403/403/404 403 403 400 400 403/403/404 400 400',
  'PATCH /api/meetings/{id}/agenda/{itemId}': '401 403/403/404 403 403 400 400 403/403/404 400 400',
  'DELETE /api/meetings/{id}/agenda/{itemId}':
    '401 403/403/404 403 403 404 404 403/403/404 404 404',
  'PUT /api/meetings/{id}/agenda/order': '401 403/403/404 403 403 400 400 403/403/404 400 400',
  'PUT /api/meetings/{id}/agenda/current': '401 403/403/404 403 403 403 400 403/403/404 403 403',
  'GET /api/meetings/{id}/documents': '401 403/403/404 200 200 200 200 403/403/404 200 200',
  'POST /api/meetings/{id}/documents': '401 403/403/404 403 403 415 415 403/403/404 415 415',
  'GET /api/meetings/{id}/documents/{documentId}':
    '401 403/403/404 404 404 404 404 403/403/404 404 404',
  'PATCH /api/meetings/{id}/documents/{documentId}':
    '401 403/403/404 403 403 400 400 403/403/404 400 400',
  'DELETE /api/meetings/{id}/documents/{documentId}':
    '401 403/403/404 403 403 404 404 403/403/404 404 404',
  'POST /api/meetings/{id}/documents/{documentId}/versions':
    '401 403/403/404 403 403 404 404 403/403/404 404 404',
  'GET /api/meetings/{id}/documents/{documentId}/content':
    '401 403/403/404 404 404 404 404 403/403/404 404 404',
  'GET /api/meetings/{id}/documents/{documentId}/notes/mine':
    '401 403/403/404 404 404 404 404 403/403/404 404 404',
  'PUT /api/meetings/{id}/documents/{documentId}/notes/mine':
    '401 403/403/404 400 400 400 400 403/403/404 400 400',
  'DELETE /api/meetings/{id}/documents/{documentId}/notes/mine':
    '401 403/403/404 204 204 204 204 403/403/404 204 204',
  'GET /api/meetings/{id}/attendance': '401 200/200/404 200 200 200 200 200/200/404 200 200',
  'POST /api/meetings/{id}/attendance/check-in':
    '401 403/403/404 200 403 200 200 403/403/404 403 403',
  'PUT /api/meetings/{id}/attendance/participants/{userId}':
    '401 403/403/404 403 403 400 400 403/403/404 403 403',
  'PUT /api/meetings/{id}/attendance/sites/{siteId}':
    '401 403/403/404 403 403 400 400 403/403/404 403 403',
  'POST /api/meetings/{id}/participants/{userId}/absence':
    '401 403/403/404 403 403 400 400 403/403/404 403 403',
  'GET /api/meetings/{id}/floor': '401 200/200/404 200 200 200 200 200/200/404 200 200',
  'POST /api/meetings/{id}/floor': '401 403/403/404 400 400 400 400 403/403/404 403 403',
  'POST /api/meetings/{id}/floor/{entryId}/withdraw': '401 404 404 404 404 404 404 404 404',
  'POST /api/meetings/{id}/floor/{entryId}/grant':
    '401 403/403/404 403 403 403 400 403/403/404 403 403',
  'POST /api/meetings/{id}/floor/{entryId}/end': '401 404 404 404 404 404 404 404 404',
  'PUT /api/meetings/{id}/floor/order': '401 403/403/404 403 403 403 400 403/403/404 403 403',
  'GET /api/meetings/{id}/floor/report': '401 200/200/404 200 200 200 200 200/200/404 200 200',
  'GET /api/meetings/{id}/polls': '401 200/200/404 200 200 200 200 200/200/404 200 200',
  'POST /api/meetings/{id}/polls': '401 403/403/404 403 403 403 400 403/403/404 403 403',
  'GET /api/meetings/{id}/polls/{pollId}': '401 404 404 404 404 404 404 404 404',
  'POST /api/meetings/{id}/polls/{pollId}/open':
    '401 403/403/404 403 403 403 409 403/403/404 403 403',
  'POST /api/meetings/{id}/polls/{pollId}/close':
    '401 403/403/404 403 403 403 404 403/403/404 403 403',
  'POST /api/meetings/{id}/polls/{pollId}/ballots':
    '401 403/403/404 400 400 400 400 403/403/404 403 403',
  'GET /api/meetings/{id}/polls/{pollId}/ballots/mine': '401 404 404 404 404 404 404 404 404',
  'GET /api/meetings/{id}/polls/{pollId}/voters': '401 404 404 404 404 404 404 404 404',
  'GET /api/meetings/{id}/live/state': '401 200/200/404 200 200 200 200 200/200/404 200 200',
  'GET /api/meetings/{id}/live': '401 200/200/404 200 200 200 200 200/200/404 200 200',
  'GET /api/meetings/{id}/audit': '401 403/403/404 403 403 200 200 403/403/404 200 200',
  'GET /api/meetings/{id}/audit/verify': '401 403/403/404 403 403 200 200 403/403/404 200 200',
  'POST /api/collab/authorize': '401 400 400 400 400 400 400 400 400',
  'GET /api/meetings/{id}/drafts': '401 403/403/404 200 200 200 200 403/403/404 200 200',
  'POST /api/meetings/{id}/drafts': '401 403/403/404 400 403 400 400 403/403/404 400 400',
  'PATCH /api/meetings/{id}/drafts/{draftId}':
    '401 403/403/404 400 403 400 400 403/403/404 400 400',
  'GET /api/collab/versions': '401 400 400 400 400 400 400 400 400',
  'POST /api/collab/versions': '401 400 400 400 400 400 400 400 400',
  'GET /api/collab/versions/{versionId}': '401 400 400 400 400 400 400 400 400',
  'POST /api/collab/versions/{versionId}/restore': '401 400 400 400 400 400 400 400 400',
  'POST /api/meetings/{id}/conference/token': '401 400/400/404 400 400 400 400 400/400/404 400 400',
  'GET /api/meetings/{id}/conference/room': '401 403/403/404 409 409 409 409 403/403/404 403 403',
  'GET /api/meetings/{id}/conference/status': '401 403/403/404 200 200 200 200 403/403/404 403 403',
  'POST /api/meetings/{id}/conference/end': '401 403/403/404 403 403 403 409 403/403/404 403 403',
  'POST /api/meetings/{id}/conference/reopen':
    '401 403/403/404 403 403 403 409 403/403/404 403 403',
  'GET /api/meetings/{id}/conference/roll-call':
    '401 403/403/404 403 403 409 409 403/403/404 403 403',
  'POST /api/meetings/{id}/conference/roll-call/{siteId}/present-by-phone':
    '401 403/403/404 403 403 404 404 403/403/404 403 403',
  'POST /api/meetings/{id}/conference/floor': '401 403/403/404 403 403 403 400 403/403/404 403 403',
  'POST /api/meetings/{id}/conference/floor/end':
    '401 403/403/404 403 403 403 400 403/403/404 403 403',
  'POST /api/meetings/{id}/conference/mute': '401 403/403/404 403 403 403 400 403/403/404 403 403',
  'POST /api/meetings/{id}/conference/ask-unmute':
    '401 403/403/404 403 403 403 400 403/403/404 403 403',
  'POST /api/meetings/{id}/conference/mute-all':
    '401 403/403/404 403 403 403 409 403/403/404 403 403',
  'POST /api/meetings/{id}/conference/spotlight':
    '401 403/403/404 403 403 403 400 403/403/404 403 403',
  'GET /api/meetings/{id}/conference/removed':
    '401 403/403/404 403 403 200 200 403/403/404 403 403',
  'POST /api/meetings/{id}/conference/readmit':
    '401 403/403/404 403 403 403 400 403/403/404 403 403',
  'POST /api/meetings/{id}/conference/remove':
    '401 403/403/404 403 403 403 400 403/403/404 403 403',
  'GET /api/meetings/{id}/conference/recording':
    '401 403/403/404 200 200 200 200 403/403/404 200 200',
  'POST /api/meetings/{id}/conference/recording/start':
    '401 403/403/404 403 403 403 409 403/403/404 403 403',
  'POST /api/meetings/{id}/conference/recording/stop':
    '401 403/403/404 403 403 403 409 403/403/404 403 403',
  'GET /api/meetings/{id}/conference/video-recording':
    '401 403/403/404 200 200 200 200 403/403/404 200 200',
  'POST /api/meetings/{id}/conference/video-recording/start':
    '401 403/403/404 403 403 403 409 403/403/404 403 403',
  'POST /api/meetings/{id}/conference/video-recording/stop':
    '401 403/403/404 403 403 403 409 403/403/404 403 403',
  'POST /api/meetings/{id}/conference/egress':
    '401 403/403/404 403 403 403 409 403/403/404 403 403',
  'GET /api/meetings/{id}/conference/recordings':
    '401 403/403/404 200 200 200 200 403/403/404 200 200',
  'GET /api/meetings/{id}/conference/recordings/{recordingId}/content':
    '401 403/403/404 404 404 404 404 403/403/404 404 404',
  'GET /api/meetings/{id}/minutes': '401 403/403/404 200 200 200 200 403/403/404 200 200',
  'GET /api/meetings/{id}/minutes/{kind}/content':
    '401 403/403/404 200 200 200 200 403/403/404 200 200',
  'POST /api/meetings/{id}/minutes/{kind}/template':
    '401 403/403/404 403 403 400 400 403/403/404 403 403',
  'POST /api/meetings/{id}/minutes/{kind}/rebuild':
    '401 403/403/404 403 403 400 400 403/403/404 403 403',
  'PUT /api/meetings/{id}/minutes/{kind}/meta':
    '401 403/403/404 403 403 400 400 403/403/404 403 403',
  'GET /api/meetings/{id}/minutes/snippets/attendance':
    '401 403/403/404 200 200 200 200 403/403/404 200 200',
  'GET /api/meetings/{id}/minutes/snippets/speakers':
    '401 403/403/404 200 200 200 200 403/403/404 200 200',
  'GET /api/meetings/{id}/minutes/snippets/polls/{pollId}':
    '401 403/403/404 404 404 404 404 403/403/404 404 404',
  'POST /api/meetings/{id}/minutes/{kind}/append':
    '401 403/403/404 403 403 400 400 403/403/404 403 403',
  'POST /api/meetings/{id}/minutes/{kind}/submit':
    '401 403/403/404 403 403 409 403 403/403/404 403 403',
  'POST /api/meetings/{id}/minutes/{kind}/approve':
    '401 403/403/404 403 403 403 409 403/403/404 403 403',
  'POST /api/meetings/{id}/minutes/{kind}/return':
    '401 403/403/404 403 403 403 400 403/403/404 403 403',
  'POST /api/meetings/{id}/minutes/{kind}/publish':
    '401 403/403/404 403 403 409 409 403/403/404 403 403',
  'POST /api/meetings/{id}/minutes/{kind}/correct':
    '401 403/403/404 403 403 400 403 403/403/404 403 403',
  'GET /api/minutes/published': '200 200 200 200 200 200 200 200 200',
  'GET /api/minutes/published/{versionId}': '404 404 404 404 404 404 404 404 404',
  'PUT /api/minutes/published/{versionId}': '404 404 404 404 404 404 404 404 404',
  'PATCH /api/minutes/published/{versionId}': '404 404 404 404 404 404 404 404 404',
  'DELETE /api/minutes/published/{versionId}': '404 404 404 404 404 404 404 404 404',
  'GET /api/minutes/published/{versionId}/files/{format}': '404 404 404 404 404 404 404 404 404',
  'POST /api/minutes/verify': '400 400 400 400 400 400 400 400 400',
  'GET /api/meetings/{id}/chat':
    '401 200/200/404 200 200 200 200 200/200/404 200/200/403 200/200/403',
  'POST /api/meetings/{id}/chat': '401 403/403/404 400 400 400 400 403/403/404 403 403',
  'POST /api/meetings/{id}/chat/{messageId}/hide':
    '401 403/403/404 403 403 403 404 403/403/404 403 403',
  'POST /api/meetings/{id}/chat/{messageId}/minutes':
    '401 403/403/404 403 403 404 403 403/403/404 403 403',
  'GET /api/stats/usage': '401 403 403 403 403 403 200 200 200',
  'GET /api/stats/usage.csv': '401 403 403 403 403 403 200 200 200',
  'POST /api/tasks/{id}/attachments': '401 404 404 404 404 404 404 404 404',
  'GET /api/tasks/{id}/attachments/{fileId}': '401 404 404 404 404 404 404 404 404',
  'GET /api/tasks': '401 200 200 200 200 200 200 200 200',
  'GET /api/tasks/export.csv': '401 200 200 200 200 200 200 200 200',
  'GET /api/tasks/summary': '401 200 200 200 200 200 200 200 200',
  'GET /api/tasks/summary.csv': '401 200 200 200 200 200 200 200 200',
  'GET /api/tasks/{id}': '401 404 404 404 404 404 404 404 404',
  'POST /api/tasks/{id}/reports': '401 404 404 404 404 404 404 404 404',
  'POST /api/tasks/{id}/review': '401 404 404 404 404 404 404 404 404',
  'POST /api/tasks/{id}/extension': '401 404 404 404 404 404 404 404 404',
  'POST /api/tasks/{id}/extension/decision': '401 404 404 404 404 404 404 404 404',
  'GET /api/meetings/{id}/task-marks': '401 200/200/404 200 200 200 200 200/200/404 200 200',
  'PUT /api/meetings/{id}/task-marks': '401 403/403/404 403 403 400 400 403/403/404 403 403',
  'POST /api/meetings/{id}/agenda/overdue-tasks':
    '401 403/403/404 403 403 200 200 403/403/404 200 200',
  'GET /api/units/{id}/task-reminders': '401 200 200 200 200 200 200 200 200',
  // Only Sở Nội vụ's own administrators (none among the callers) and system administrators.
  'PUT /api/units/{id}/task-reminders': '401 403 403 403 403 403 403 403 400',
  'GET /api/notifications': '401 200 200 200 200 200 200 200 200',
  'POST /api/notifications/{id}/read': '401 404 404 404 404 404 404 404 404',
};
