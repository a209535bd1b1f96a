import type { Knex } from 'knex';
import { num, type Row, pagedRows, type PageRequest } from './rows.js';

export interface Connection {
  id: string;
  name: string;
  strategy: string;
  createdAt: number;
}

function toConnection(row: Row): Connection {
  return { id: String(row.id), name: String(row.name), strategy: String(row.strategy), createdAt: num(row.created_at) };
}

export class ConnectionsRepository {
  constructor(private readonly db: Knex) {}

  async findByName(name: string): Promise<Connection | null> {
    const row = (await this.db('connections').where({ name }).first()) as Row | undefined;
    return row ? toConnection(row) : null;
  }

  async list(): Promise<Connection[]> {
    const rows = (await this.db('connections').orderBy('created_at')) as Row[];
    return rows.map(toConnection);
  }

  /** Inserts the connection unless one with that name exists (several instances may start at once). */
  async ensure(connection: Connection): Promise<Connection> {
    await this.db('connections').insert({
      id: connection.id,
      name: connection.name,
      strategy: connection.strategy,
      created_at: connection.createdAt,
    }).onConflict('name').ignore();
    const stored = await this.findByName(connection.name);
    if (!stored) throw new Error(`Connection ${connection.name} could not be stored`);
    return stored;
  }

  async findById(id: string): Promise<Connection | null> {
    const row = (await this.db('connections').where({ id }).first()) as Row | undefined;
    return row ? toConnection(row) : null;
  }

  async search(filter: { name?: string; strategy?: string }, page: PageRequest): Promise<{ items: Connection[]; total: number }> {
    const { rows, total } = await pagedRows(this.db, 'connections', { name: filter.name, strategy: filter.strategy }, page);
    return { items: rows.map(toConnection), total };
  }

  async insert(connection: Connection, enabledClients: string[]): Promise<void> {
    await this.db.transaction(async (trx) => {
      await trx('connections').insert({ id: connection.id, name: connection.name, strategy: connection.strategy, created_at: connection.createdAt });
      if (enabledClients.length > 0) {
        await trx('connection_clients').insert(enabledClients.map((clientId) => ({ connection_id: connection.id, client_id: clientId })));
      }
    });
  }

  /** Deletes the connection and, by cascade in the same statement, its users and client links. */
  async delete(id: string): Promise<boolean> {
    return (await this.db('connections').where({ id }).delete()) > 0;
  }

  async enabledClients(connectionId: string): Promise<string[]> {
    const rows = (await this.db('connection_clients').where({ connection_id: connectionId }).orderBy('client_id').select('client_id')) as Row[];
    return rows.map((r) => String(r.client_id));
  }

  /** Turns clients on or off for the connection, all in one transaction. */
  async setClientStatus(connectionId: string, changes: { clientId: string; enabled: boolean }[]): Promise<void> {
    await this.db.transaction(async (trx) => {
      for (const change of changes) {
        if (change.enabled) {
          await trx('connection_clients').insert({ connection_id: connectionId, client_id: change.clientId }).onConflict(['connection_id', 'client_id']).ignore();
        } else {
          await trx('connection_clients').where({ connection_id: connectionId, client_id: change.clientId }).delete();
        }
      }
    });
  }

  async replaceEnabledClients(connectionId: string, clientIds: string[]): Promise<void> {
    await this.db.transaction(async (trx) => {
      await trx('connection_clients').where({ connection_id: connectionId }).delete();
      if (clientIds.length > 0) await trx('connection_clients').insert(clientIds.map((clientId) => ({ connection_id: connectionId, client_id: clientId })));
    });
  }

  async isClientEnabled(connectionId: string, clientId: string): Promise<boolean> {
    const row = await this.db('connection_clients').where({ connection_id: connectionId, client_id: clientId }).first();
    return row !== undefined;
  }

  async enableClientOnAll(clientId: string, trx: Knex = this.db): Promise<void> {
    const connections = (await trx('connections').select('id')) as Row[];
    if (connections.length === 0) return;
    await trx('connection_clients')
      .insert(connections.map((c) => ({ connection_id: c.id, client_id: clientId })))
      .onConflict(['connection_id', 'client_id'])
      .ignore();
  }
}
