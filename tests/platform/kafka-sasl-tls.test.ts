import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type AclEntry } from 'kafkajs';
import { parseConfig } from '@commerce/kit/config';
import type { EventType } from '@commerce/kit/events/catalog';
import { createKafka, createProducer, ensureTopics, entityCacheGroupPrefix, kafkaAccessOf, routerKafkaAccess, type Kafka } from '@commerce/kit/events/kafka';
import { derivingServices } from '@commerce/kit/events/samples';
import { createLogger } from '@commerce/kit/logger';
import { kafkaClientRules, kafkaFileRules, SERVICES, subgraphConfigRules } from '@commerce/kit/service-config';
import { brokerKeystore, startBroker, type Broker } from '@commerce/stack/kafka-broker';
import { freePort } from '@commerce/stack/ports';
import { configShape as routerShape } from '../../router/src/config.js';
import { configShape as ordersShape } from '../../subgraphs/orders/src/config.js';
import { orderHandlers } from '../../subgraphs/orders/src/events/consume.js';
import { runWith } from '../support/exit.js';

/**
 * The services' Kafka client against a broker configured as the prod overlay's Strimzi cluster is: a
 * SASL_SSL listener (a keytool keystore), SCRAM-SHA-512 users made when the storage is formatted, and
 * KRaft's StandardAuthorizer with no access unless an ACL grants it. The orders service's settings go
 * through its own config schema (KAFKA_SASL_*, KAFKA_SSL, KAFKA_SSL_CA_FILE, the password as a file as a
 * Kubernetes Secret mount gives it) into the kit's createKafka, as in production.
 */
const log = createLogger('kafka-sasl-test', 'silent');
const ADMIN = { name: 'admin', password: 'admin-secret-0123' };
const ORDERS = { name: 'orders', password: 'orders-secret-4567' };
const ROUTER = { name: 'router', password: 'router-secret-8901' };
const dir = mkdtempSync(path.join(tmpdir(), 'kafka-sasl-'));
let broker: Broker;
let caFile: string;
let brokers: string;
let admin: Kafka;

/** The orders subgraph's environment for this broker, parsed by its own schema and rules. */
function ordersSettings(overrides: Record<string, string | undefined> = {}) {
  const passwordFile = path.join(dir, 'orders-password');
  writeFileSync(passwordFile, `${ORDERS.password}\n`);
  return parseConfig(
    ordersShape,
    {
      KAFKA_BROKERS: brokers,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: ORDERS.name,
      KAFKA_SASL_PASSWORD_FILE: passwordFile,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: caFile,
      ...overrides,
    },
    subgraphConfigRules,
  );
}

/** The router's environment for this broker (its entity cache's client), parsed by its own schema and rules. */
function routerSettings() {
  const passwordFile = path.join(dir, 'router-password');
  writeFileSync(passwordFile, `${ROUTER.password}\n`);
  const environment = { KAFKA_BROKERS: brokers, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: ROUTER.name, KAFKA_SASL_PASSWORD_FILE: passwordFile, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: caFile };
  return parseConfig(routerShape, environment, [...kafkaClientRules, ...kafkaFileRules]);
}

/** One ACL as Strimzi's User Operator would create it for a KafkaUser (simple authorization). */
const aclEntry =
  (principal: string) =>
  (resourceType: AclResourceTypes, resourceName: string, operation: AclOperationTypes, resourcePatternType = ResourcePatternTypes.LITERAL): AclEntry => ({
    resourceType,
    resourceName,
    resourcePatternType,
    principal: `User:${principal}`,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  });

/** The router's access as the prod overlay's `router` KafkaUser grants it (kafka-users.yaml). */
function routerAcls(principal: string, access: ReturnType<typeof routerKafkaAccess>): AclEntry[] {
  const entry = aclEntry(principal);
  return [
    ...access.read.flatMap((topic) => [entry(AclResourceTypes.TOPIC, topic, AclOperationTypes.READ), entry(AclResourceTypes.TOPIC, topic, AclOperationTypes.DESCRIBE)]),
    entry(AclResourceTypes.GROUP, access.groupPrefix, AclOperationTypes.READ, ResourcePatternTypes.PREFIXED),
    ...access.describeGroups.map((group) => entry(AclResourceTypes.GROUP, group, AclOperationTypes.DESCRIBE)),
  ];
}

/** A KafkaAccess as the ACLs Strimzi's User Operator would create for a KafkaUser (simple authorization). */
function aclsOf(principal: string, access: ReturnType<typeof kafkaAccessOf>): AclEntry[] {
  const entry = aclEntry(principal);
  return [
    ...access.write.flatMap((topic) => [entry(AclResourceTypes.TOPIC, topic, AclOperationTypes.WRITE), entry(AclResourceTypes.TOPIC, topic, AclOperationTypes.DESCRIBE)]),
    ...access.read.flatMap((topic) => [entry(AclResourceTypes.TOPIC, topic, AclOperationTypes.READ), entry(AclResourceTypes.TOPIC, topic, AclOperationTypes.DESCRIBE)]),
    ...access.groups.map((group) => entry(AclResourceTypes.GROUP, group, AclOperationTypes.READ)),
  ];
}

beforeAll(async () => {
  const keystore = await brokerKeystore(path.join(dir, 'tls'), 'keystore-secret');
  caFile = keystore.caFile;
  const [port, controllerPort, interBrokerPort] = [await freePort(), await freePort(), await freePort()];
  broker = await startBroker({
    dataDir: path.join(dir, 'broker'),
    port,
    controllerPort,
    fresh: true,
    security: { users: [ADMIN, ORDERS, ROUTER], superUser: ADMIN.name, interBrokerPort, keystore, authorizer: true },
  });
  brokers = broker.brokers.join(',');
  admin = createKafka('sasl-admin', { KAFKA_BROKERS: broker.brokers, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: ADMIN.name, KAFKA_SASL_PASSWORD: ADMIN.password, KAFKA_SSL: true, KAFKA_SSL_CA_FILE: caFile }, log);
  await ensureTopics(admin, '', 1);
  const client = admin.admin();
  await client.connect();
  try {
    await client.createAcls({ acl: aclsOf(ORDERS.name, kafkaAccessOf('orders', Object.keys(orderHandlers) as EventType[])) });
    await client.createAcls({ acl: routerAcls(ROUTER.name, routerKafkaAccess(derivingServices())) });
  } finally {
    await client.disconnect();
  }
}, 180_000);

afterAll(async () => {
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Kafka client over SASL_SSL with SCRAM-SHA-512, against a broker that authorizes by ACL', () => {
  it("connects with the service's credentials and CA, and writes its own topic", async () => {
    const producer = createProducer(createKafka('orders', ordersSettings(), log));
    await producer.connect();
    try {
      const [sent] = await producer.send({ topic: 'orders.events', acks: -1, messages: [{ key: 'k', value: '{}' }] });
      expect(sent?.errorCode).toBe(0);
    } finally {
      await producer.disconnect();
    }
  });

  it('reads the topics it consumes in its own consumer group', async () => {
    const consumer = createKafka('orders', ordersSettings(), log).consumer({ groupId: 'orders' });
    await consumer.connect();
    try {
      const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
      await consumer.subscribe({ topics: ['products.events'], fromBeginning: true });
      await consumer.run({ eachMessage: async () => undefined });
      await joined;
    } finally {
      await consumer.disconnect();
    }
  });

  // The router's entity cache (router/src/entity-cache/invalidation.ts) with exactly routerKafkaAccess:
  // its own per-process group under the prefix ACL, every service's topic, and the committed offsets of
  // the groups it waits for (admin.fetchOffsets: Describe on the group and the topic is enough).
  it("lets the router's entity cache join a group of its own, read every event topic and read the deriving services' offsets", async () => {
    const kafka = createKafka('router-entity-cache', routerSettings(), log);
    const consumer = kafka.consumer({ groupId: `${entityCacheGroupPrefix()}test-host.1.0a1b2c3d` });
    const client = kafka.admin();
    await Promise.all([consumer.connect(), client.connect()]);
    try {
      const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
      await consumer.subscribe({ topics: SERVICES.map((service) => `${service}.events`), fromBeginning: false });
      await consumer.run({ eachMessage: async () => undefined });
      await joined;
      for (const service of derivingServices()) {
        const offsets = await client.fetchOffsets({ groupId: service, topics: ['reviews.events'] });
        expect(offsets.map((entry) => entry.topic), service).toEqual(['reviews.events']);
      }
      // No more: another group's offsets (FindCoordinator refused without Describe, which KafkaJS reports
      // as below), a write.
      const polled = new Set<string>(derivingServices());
      for (const service of SERVICES.filter((s) => !polled.has(s))) {
        await expect(client.fetchOffsets({ groupId: service, topics: ['reviews.events'] }), service).rejects.toThrow('Failed to find group coordinator');
      }
      const producer = createProducer(kafka);
      await producer.connect();
      try {
        await expect(producer.send({ topic: 'orders.events.dlq', acks: -1, messages: [{ key: 'k', value: '{}' }] })).rejects.toThrow('Not authorized to access topics');
      } finally {
        await producer.disconnect();
      }
    } finally {
      await Promise.all([consumer.disconnect(), client.disconnect()]);
    }
  });

  it("refuses the router a subgraph's consumer group: it may only describe it", async () => {
    const consumer = createKafka('router-entity-cache', routerSettings(), log).consumer({ groupId: 'products', retry: { retries: 0 } });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: ['reviews.events'], fromBeginning: false });
      const crashed = new Promise<Error>((resolve) => consumer.on(consumer.events.CRASH, ({ payload }) => resolve(payload.error)));
      await consumer.run({ eachMessage: async () => undefined });
      expect((await crashed).message).toBe('Not authorized to access group: Group authorization failed');
    } finally {
      await consumer.disconnect();
    }
  });

  it('is refused with a wrong password, the error naming SASL authentication', async () => {
    const producer = createProducer(createKafka('orders', ordersSettings({ KAFKA_SASL_PASSWORD_FILE: undefined, KAFKA_SASL_PASSWORD: 'not-the-password' }), log));
    await expect(producer.connect()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed.*invalid credentials/i);
  });

  it('refuses a broker certificate its CA file does not vouch for', async () => {
    const producer = createProducer(createKafka('orders', ordersSettings({ KAFKA_SSL_CA_FILE: undefined }), log));
    await expect(producer.connect()).rejects.toThrow(/self[- ]signed certificate/i);
  });

  it("is refused another service's topic: the ACLs grant exactly what the service's code uses", async () => {
    const producer = createProducer(createKafka('orders', ordersSettings(), log));
    await producer.connect();
    try {
      await expect(producer.send({ topic: 'users.events', acks: -1, messages: [{ key: 'k', value: '{}' }] })).rejects.toThrow(
        'Not authorized to access topics: [Topic authorization failed]',
      );
    } finally {
      await producer.disconnect();
    }
  });

  // The same client as the test that joins `orders` above, in another service's group. KafkaJS 2.2.4
  // reports the broker's GROUP_AUTHORIZATION_FAILED answer to FindCoordinator only in its debug log, and
  // throws "Failed to find group coordinator" (cluster/index.js, findGroupCoordinatorMetadata).
  it('is refused a consumer group that is not its own', async () => {
    const consumer = createKafka('orders', ordersSettings(), log).consumer({ groupId: 'reviews', retry: { retries: 0 } });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: ['products.events'], fromBeginning: true });
      const crashed = new Promise<Error>((resolve) => consumer.on(consumer.events.CRASH, ({ payload }) => resolve(payload.error)));
      await consumer.run({ eachMessage: async () => undefined });
      expect((await crashed).message).toBe('Failed to find group coordinator');
    } finally {
      await consumer.disconnect();
    }
  });

  it('applies to the operator commands too: kafka:topics creates topics as the admin, and is refused as a service', async () => {
    const as = (user: { name: string; password: string }) => ({
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_PREFIX: 'cli.',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: user.name,
      KAFKA_SASL_PASSWORD: user.password,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: caFile,
    });
    const admitted = await runWith('deploy/local/src/topics-cli.ts', as(ADMIN));
    expect(admitted, admitted.stderr).toMatchObject({ code: 0 });
    const client = admin.admin();
    await client.connect();
    try {
      expect((await client.listTopics()).filter((t) => t.startsWith('cli.')).sort()).toEqual(
        ['users', 'products', 'reviews', 'orders'].flatMap((s) => [`cli.${s}.events`, `cli.${s}.events.dlq`]).sort(),
      );
    } finally {
      await client.disconnect();
    }
    const refused = await runWith('deploy/local/src/topics-cli.ts', { ...as(ORDERS), KAFKA_TOPIC_PREFIX: 'cli2.' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('failed: Topic creation errors: Not authorized to access topics: [Topic authorization failed] (cli2.orders.events, ');
    expect(refused.stderr).toContain('cli2.users.events.dlq)');
  });

  it('stops the service at start, naming the variable, when the settings cannot work', async () => {
    const incomplete = await runWith('subgraphs/orders/src/index.ts', { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: undefined, KAFKA_SASL_PASSWORD: undefined });
    expect(incomplete.code).toBe(1);
    expect(incomplete.stderr).toContain('KAFKA_SASL_USERNAME: required when KAFKA_SASL_MECHANISM is set');
    expect(incomplete.stderr).toContain('KAFKA_SASL_PASSWORD: required when KAFKA_SASL_MECHANISM is set');

    const unknown = await runWith('subgraphs/orders/src/index.ts', { KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SSL: 'maybe' });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/KAFKA_SASL_MECHANISM: .*"gssapi"/);
    expect(unknown.stderr).toContain('KAFKA_SSL: expected true or false');

    const missingFile = await runWith('subgraphs/orders/src/index.ts', {
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'orders',
      KAFKA_SASL_PASSWORD_FILE: path.join(dir, 'no-such-file'),
    });
    expect(missingFile.code).toBe(1);
    expect(missingFile.stderr).toContain('KAFKA_SASL_PASSWORD_FILE: the file it names cannot be read');
  });
});
