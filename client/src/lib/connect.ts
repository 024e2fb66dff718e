/**
 * The live link: a socket.io client that joins one lab, feeds the LabClient, and rejoins after
 * every reconnect (the server then sends a fresh snapshot, which replaces the chart history).
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServer, ServerToClient } from '../../../shared/protocol.js';
import type { LabClient, LabSocket } from './lab.svelte.js';
import { decodeFrameMessage } from './decode.js';
import { controlToken } from './api.js';

export function connectLab(client: LabClient): () => void {
  const token = controlToken();
  const socket: Socket<ServerToClient, ClientToServer> = io({
    transports: ['websocket'],
    auth: token ? { token } : {},
    reconnectionDelay: 500,
    reconnectionDelayMax: 4000,
  });
  client.attach(socket as unknown as LabSocket);
  client.setStatus('connecting');

  socket.on('connect', () => {
    client.setStatus('connected');
    socket.emit('join', { lab: client.labId }, (r) => {
      if (!r.ok) client.lastError = r.error;
    });
  });
  socket.on('disconnect', () => client.setStatus('disconnected'));
  socket.on('connect_error', () => client.setStatus('disconnected'));
  socket.on('snapshot', (msg) => client.applyWireSnapshot(msg));
  socket.on('frame', (msg) => {
    const fm = decodeFrameMessage(msg);
    if (fm) client.applyFrame(fm);
  });
  socket.on('event', (msg) => client.applyEvent(msg));
  socket.on('error', (err) => (client.lastError = err));

  return () => {
    socket.removeAllListeners();
    socket.disconnect();
    client.attach(null);
  };
}
