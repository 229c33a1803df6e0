import { Client } from 'pg';
import { preparingClient } from './prepared-statements';

describe('the pool client class', () => {
  it('hears a dropped connection’s error itself: an error event nobody else listens to does not throw', () => {
    // a plain client throws (an EventEmitter's unheard 'error'): what ended the process on a restart
    expect(() => new Client().emit('error', new Error('terminating connection due to administrator command'))).toThrow(
      'terminating connection',
    );
    for (const max of [0, 100]) {
      const ClientClass = preparingClient(max);
      const c = new ClientClass();
      expect(() => c.emit('error', new Error('terminating connection due to administrator command'))).not.toThrow();
      // and the pool's or a query runner's listener still hears it
      const heard: string[] = [];
      c.on('error', (e: Error) => heard.push(e.message));
      c.emit('error', new Error('again'));
      expect(heard).toEqual(['again']);
    }
  });
});
