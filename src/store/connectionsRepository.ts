import type { Knex } from 'knex';
import { num, type Row } from './rows.js';

export interface Connection {
  id: string;
  name: string;
  strategy: string;
  createdAt: number;
}

export class ConnectionsRepository {
  constructor(private readonly db: Knex) {}

  async findByName(name: string): Promise<Connection | null> {
    const row = (await this.db('connections').where({ name }).first()) as Row | undefined;
    return row ? { id: String(row.id), name: String(row.name), strategy: String(row.strategy), createdAt: num(row.created_at) } : null;
  }

  async list(): Promise<Connection[]> {
    const rows = (await this.db('connections').orderBy('created_at')) as Row[];
    return rows.map((row) => ({ id: String(row.id), name: String(row.name), strategy: String(row.strategy), createdAt: num(row.created_at) }));
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
