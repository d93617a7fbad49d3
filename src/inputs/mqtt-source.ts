// An MQTT topic as a signal: known payloads set the level, unknown ones are logged and ignored.
// The mqtt client reconnects by itself; every time the link drops the level is unknown again,
// since changes published meanwhile are lost. A retained message restores it on resubscribe.
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { DEFAULT_HIGH_PAYLOADS, DEFAULT_LOW_PAYLOADS, SOURCE_DEFAULTS, type MqttSource as MqttSourceConfig } from './config.js';
import type { SourceRunner, SourceSink } from './source.js';

const CONNECT_TIMEOUT_MS = 5_000;

export class MqttSource implements SourceRunner {
  private client: MqttClient | null = null;
  /** Subscribed (or already received a message) since the last connect. */
  private live = false;
  private lastError: string | null = null;
  private readonly high: readonly string[];
  private readonly low: readonly string[];

  constructor(private readonly config: MqttSourceConfig, private readonly sink: SourceSink, private readonly inputId: string) {
    this.high = config.highPayloads ?? DEFAULT_HIGH_PAYLOADS;
    this.low = config.lowPayloads ?? DEFAULT_LOW_PAYLOADS;
  }

  start(): void {
    if (this.client) return;
    const client = mqtt.connect(this.config.url, {
      username: this.config.username,
      password: this.config.password,
      clientId: `fuseguard-di-${this.inputId}-${randomBytes(4).toString('hex')}`,
      clean: true,
      reconnectPeriod: this.config.reconnectMs ?? SOURCE_DEFAULTS.mqttReconnectMs,
      connectTimeout: CONNECT_TIMEOUT_MS,
    });
    this.client = client;
    client.on('connect', () => {
      this.lastError = null;
      client.subscribe(this.config.topic, { qos: 1 }, (error, granted) => {
        if (this.client !== client) return;
        const refused = granted?.some((g) => g.qos === 128);
        if (error || refused) {
          this.lost(`the broker refused the subscription to ${this.config.topic}${error ? `: ${error.message}` : ''}`);
          return;
        }
        if (!this.live) {
          this.live = true;
          this.sink.connected(null);
        }
      });
    });
    client.on('message', (topic, payload) => {
      if (this.client !== client || topic !== this.config.topic) return;
      const text = payload.toString('utf8').trim();
      const level = this.high.includes(text) ? true : this.low.includes(text) ? false : null;
      if (level === null) {
        this.sink.note('unknown MQTT payload ignored', { topic, payload: text.slice(0, 100) });
        return;
      }
      if (this.live) this.sink.level(level);
      else {
        // A retained message can come before the subscription is acknowledged.
        this.live = true;
        this.sink.connected(level);
      }
    });
    client.on('error', (error) => {
      this.lastError = error.message;
    });
    client.on('close', () => {
      if (this.client === client) this.lost(this.lastError ? `no connection to ${this.config.url}: ${this.lastError}` : `connection to ${this.config.url} closed`);
    });
  }

  private lost(reason: string): void {
    this.live = false;
    this.sink.failed(reason);
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.live = false;
    if (!client) return;
    // Listeners stay: a late 'error' must not become an unhandled one; they ignore a stale client.
    await client.endAsync(true);
  }
}
