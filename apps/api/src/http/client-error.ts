import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { PROBLEM_CONTENT_TYPE, problemType, STATUS_OF, TITLE_OF } from './problem-details';

/**
 * Errors Node's HTTP parser raises before any route runs (headers larger than maxHeaderSize, a
 * malformed request line) answered as problem details like every other error, instead of Node's
 * bare status line. Nothing was read, so nothing was changed.
 */
export function answerClientErrorsAsProblems(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || (socket as Socket & { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    const code = err.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : 'VALIDATION_FAILED';
    const status = STATUS_OF[code];
    const body = JSON.stringify({
      type: problemType(code),
      title: TITLE_OF[code],
      status,
      detail:
        code === 'HEADERS_TOO_LARGE'
          ? 'the request line and headers are larger than this server accepts'
          : 'the request could not be parsed as HTTP',
      code,
    });
    const reason = code === 'HEADERS_TOO_LARGE' ? 'Request Header Fields Too Large' : 'Bad Request';
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
