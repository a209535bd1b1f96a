/** Database connections (sources of users) and which applications may sign users in through them. */
import type { AuthContext } from '../context.js';
import type { Connection } from '../store/connectionsRepository.js';
import { ConflictError, MissingReferenceError } from './errors.js';
import { newId } from './ids.js';

export class ConnectionService {
  constructor(private readonly ctx: AuthContext) {}

  private async checkClients(clientIds: string[]): Promise<void> {
    for (const clientId of clientIds) {
      if (!(await this.ctx.repos.clients.findById(clientId))) throw new MissingReferenceError('client', `The client "${clientId}" does not exist.`);
    }
  }

  async create(name: string, enabledClients: string[]): Promise<Connection> {
    if (await this.ctx.repos.connections.findByName(name)) throw new ConflictError(`A connection named "${name}" already exists.`);
    await this.checkClients(enabledClients);
    const connection: Connection = { id: newId('con'), name, strategy: 'auth0', createdAt: Date.now() };
    await this.ctx.repos.connections.insert(connection, [...new Set(enabledClients)]);
    return connection;
  }

  async replaceEnabledClients(connectionId: string, clientIds: string[]): Promise<void> {
    await this.checkClients(clientIds);
    await this.ctx.repos.connections.replaceEnabledClients(connectionId, [...new Set(clientIds)]);
  }

  async setClientStatus(connectionId: string, changes: { clientId: string; enabled: boolean }[]): Promise<void> {
    await this.checkClients(changes.map((c) => c.clientId));
    await this.ctx.repos.connections.setClientStatus(connectionId, changes);
  }
}
