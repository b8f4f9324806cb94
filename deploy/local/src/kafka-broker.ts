/**
 * A real single-node Apache Kafka broker (KRaft: broker and controller in one JVM) for local runs and
 * tests. Its jars come from Maven Central through deploy/kafka/pom.xml and are copied once into
 * .cache/kafka/<version>/lib; the broker itself is `java kafka.Kafka server.properties`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheDir, repoRoot } from './paths.js';
import { waitForPort, isPortFree } from './ports.js';
import { startProcess, type SupervisedProcess } from './processes.js';
import { withProgress } from './progress.js';
import { StartupError } from './startup-error.js';

const run = promisify(execFile);
const pomFile = path.join(repoRoot, 'deploy/kafka/pom.xml');
const log4jConfig = path.join(repoRoot, 'deploy/kafka/log4j2.properties');

export interface BrokerOptions {
  /** Holds the KRaft metadata and the topic logs; kept between runs unless `fresh`. */
  dataDir: string;
  port: number;
  controllerPort: number;
  /** Wipe `dataDir` first (tests start from an empty broker). */
  fresh?: boolean;
  heap?: string;
  onLog?: (line: string) => void;
  /** Progress lines for a person watching (the first-run Maven download takes a while). */
  report?: (line: string) => void;
  /** Authenticated (and optionally TLS, authorizing) client listener on `port`; unset: PLAINTEXT. */
  security?: BrokerSecurity;
  /** More JVM options, e.g. a `-javaagent:` (the JMX Prometheus exporter: jmxExporterAgent). */
  jvmOptions?: string[];
}

/** The Prometheus JMX exporter's Java agent, what Strimzi's `metricsConfig: jmxPrometheusExporter` runs in its broker pods. */
export const JMX_EXPORTER_VERSION = '1.0.1';

/**
 * The JMX exporter agent's jar, fetched once from Maven Central (io.prometheus.jmx:jmx_prometheus_javaagent,
 * about 3 MB) into .cache/jmx-exporter/<version>. Start a broker with
 * `-javaagent:<jar>=127.0.0.1:<port>:<rules.yml>` to serve its MBeans as Prometheus series by those rules.
 */
export async function jmxExporterAgent(): Promise<string> {
  const dir = path.join(cacheDir, 'jmx-exporter', JMX_EXPORTER_VERSION);
  const jar = path.join(dir, `jmx_prometheus_javaagent-${JMX_EXPORTER_VERSION}.jar`);
  if (existsSync(jar)) return jar;
  await run('mvn', ['-q', '-B', 'dependency:copy', `-Dartifact=io.prometheus.jmx:jmx_prometheus_javaagent:${JMX_EXPORTER_VERSION}`, `-DoutputDirectory=${dir}`], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
  return jar;
}

/**
 * A broker as production runs one (Strimzi's TLS listener with SCRAM-SHA-512 and `authorization:
 * simple`), for the tests of the clients' SASL/TLS settings. Clients authenticate with SCRAM-SHA-512
 * on `port`; the broker talks to itself on `interBrokerPort` (SASL_PLAINTEXT as `superUser`); the
 * controller listener stays PLAINTEXT on loopback, its ANONYMOUS principal a super user as KRaft needs.
 */
export interface BrokerSecurity {
  /** SCRAM-SHA-512 credentials written when the storage is formatted (`kafka-storage format --add-scram`). */
  users: { name: string; password: string }[];
  /** The one of `users` the broker itself uses, and a super user (an administrator's principal). */
  superUser: string;
  interBrokerPort: number;
  /** A PKCS12 keystore for the client listener (brokerKeystore): SASL_SSL; unset: SASL_PLAINTEXT. */
  keystore?: { file: string; password: string };
  /** KRaft's StandardAuthorizer with no access unless an ACL grants it (`allow.everyone.if.no.acl.found=false`). */
  authorizer?: boolean;
}

/**
 * A self-signed certificate for 127.0.0.1/localhost in a PKCS12 keystore (keytool, Java's), and the
 * same certificate as PEM for the clients' KAFKA_SSL_CA_FILE.
 */
export async function brokerKeystore(dir: string, password: string): Promise<{ file: string; password: string; caFile: string }> {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'broker.p12');
  const caFile = path.join(dir, 'ca.pem');
  rmSync(file, { force: true });
  const store = ['-keystore', file, '-storetype', 'PKCS12', '-storepass', password];
  await run('keytool', ['-genkeypair', '-alias', 'broker', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=localhost', '-ext', 'SAN=ip:127.0.0.1,dns:localhost', '-validity', '2', ...store, '-keypass', password]);
  await run('keytool', ['-exportcert', '-rfc', '-alias', 'broker', ...store, '-file', caFile]);
  return { file, password, caFile };
}

const jaas = (user?: { name: string; password: string }) =>
  `org.apache.kafka.common.security.scram.ScramLoginModule required${user ? ` username="${user.name}" password="${user.password}"` : ''};`;

function securityProperties(options: BrokerOptions, security: BrokerSecurity): string[] {
  const admin = security.users.find((user) => user.name === security.superUser);
  if (!admin) throw new Error(`the broker's super user ${security.superUser} is not among its SCRAM users`);
  return [
    `listeners=CLIENT://127.0.0.1:${options.port},BROKER://127.0.0.1:${security.interBrokerPort},CONTROLLER://127.0.0.1:${options.controllerPort}`,
    `advertised.listeners=CLIENT://127.0.0.1:${options.port},BROKER://127.0.0.1:${security.interBrokerPort}`,
    'inter.broker.listener.name=BROKER',
    `listener.security.protocol.map=CLIENT:${security.keystore ? 'SASL_SSL' : 'SASL_PLAINTEXT'},BROKER:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT`,
    'sasl.enabled.mechanisms=SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    `listener.name.client.scram-sha-512.sasl.jaas.config=${jaas()}`,
    `listener.name.broker.scram-sha-512.sasl.jaas.config=${jaas(admin)}`,
    ...(security.keystore
      ? [`ssl.keystore.location=${security.keystore.file}`, `ssl.keystore.password=${security.keystore.password}`, 'ssl.keystore.type=PKCS12']
      : []),
    ...(security.authorizer
      ? ['authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer', `super.users=User:${admin.name};User:ANONYMOUS`, 'allow.everyone.if.no.acl.found=false']
      : []),
  ];
}

export interface Broker {
  brokers: string[];
  /** Stops the broker process (SIGTERM, then SIGKILL after a grace period). */
  stop: () => Promise<void>;
  /** The running JVM's pid (0 while it restarts), for fault tests that stop, kill and restart the broker. */
  readonly pid: number;
  /** The JVM under its monitor: `supervise()` makes a crashed broker restart on the same data directory. */
  process: SupervisedProcess;
}

export function kafkaVersion(): string {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(pomFile, 'utf8'));
  if (!match?.[1]) throw new Error(`no <kafka.version> in ${pomFile}`);
  return match[1];
}

/**
 * Copies the broker's jars from Maven (and its ~/.m2 cache) once per Kafka version. The first run
 * downloads about 45 MB: `report` gets a line when it starts and a progress line every 10 s.
 */
export async function ensureKafkaJars(report: (line: string) => void = () => undefined): Promise<string> {
  const lib = path.join(cacheDir, 'kafka', kafkaVersion(), 'lib');
  if (existsSync(lib) && readdirSync(lib).some((f) => f.startsWith('kafka_2.13-'))) return lib;
  await assertJava();
  try {
    report(`fetching the Kafka ${kafkaVersion()} broker's jars from Maven Central into ${path.relative(repoRoot, lib)} (about 45 MB, first run only)`);
    await withProgress(report, `still fetching the broker's jars with Maven`, () =>
      run(
        'mvn',
        ['-q', '-B', '-f', pomFile, 'dependency:copy-dependencies', `-DoutputDirectory=${lib}`, '-DincludeScope=runtime'],
        { maxBuffer: 16 * 1024 * 1024 },
      ),
    );
  } catch (error) {
    rmSync(lib, { recursive: true, force: true });
    const output = (error as { stdout?: string; stderr?: string }).stdout ?? '';
    throw new StartupError(
      `Could not fetch the Kafka broker from Maven Central (mvn dependency:copy-dependencies -f ${pomFile}).\n${output.slice(-2000)}`,
      'Check that Maven is installed and can reach Maven Central, or set KAFKA_BROKERS to use a broker you already run.',
    );
  }
  return lib;
}

async function assertJava(): Promise<void> {
  try {
    const { stderr } = await run('java', ['-version']);
    const major = /version "(\d+)/.exec(stderr)?.[1];
    if (major && Number(major) < 17) {
      throw new StartupError(`Java ${major} found; Kafka ${kafkaVersion()} needs Java 17 or newer.`, 'Install Java 17 or newer (e.g. apt install openjdk-17-jre-headless), or set KAFKA_BROKERS to use a broker you already run.');
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new StartupError('Java is not installed, and the local Kafka broker runs on Java.', 'Install Java 17+ and Maven (e.g. apt install openjdk-17-jre-headless maven), or set KAFKA_BROKERS to use a broker you already run.');
    }
    throw error;
  }
}

function serverProperties(options: BrokerOptions, logDir: string): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${options.controllerPort}`,
    'controller.listener.names=CONTROLLER',
    ...(options.security
      ? securityProperties(options, options.security)
      : [
          `listeners=PLAINTEXT://127.0.0.1:${options.port},CONTROLLER://127.0.0.1:${options.controllerPort}`,
          `advertised.listeners=PLAINTEXT://127.0.0.1:${options.port}`,
          'inter.broker.listener.name=PLAINTEXT',
          'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        ]),
    `log.dirs=${logDir}`,
    'num.partitions=3',
    // One node: internal topics cannot have more replicas, and fewer partitions start faster.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    // Topics are created explicitly with their partition counts; a typo must not create one.
    'auto.create.topics.enable=false',
    'log.retention.hours=168',
    '',
  ].join('\n');
}

/**
 * Starts the broker on `options.dataDir` (formatted on first use) and resolves once its port accepts
 * connections. It is not restarted when it exits until `broker.process.supervise()` is called.
 */
export async function startBroker(options: BrokerOptions): Promise<Broker> {
  const lib = await ensureKafkaJars(options.report);
  for (const port of [options.port, options.controllerPort, ...(options.security ? [options.security.interBrokerPort] : [])]) {
    if (!(await isPortFree(port))) {
      throw new StartupError(
        `Port ${port} is taken, so the local Kafka broker cannot start.`,
        `Stop what uses port ${port} (another Kafka?), choose other ports with KAFKA_PORT / KAFKA_CONTROLLER_PORT, or set KAFKA_BROKERS to use that broker.`,
      );
    }
  }
  if (options.fresh) rmSync(options.dataDir, { recursive: true, force: true });
  const logDir = path.join(options.dataDir, 'kraft');
  mkdirSync(logDir, { recursive: true });
  const propertiesFile = path.join(options.dataDir, 'server.properties');
  writeFileSync(propertiesFile, serverProperties(options, logDir));
  const classpath = `${lib}/*`;
  const jvmArgs = [
    `-Xms${options.heap ?? '256m'}`,
    `-Xmx${options.heap ?? '512m'}`,
    '-XX:+UseG1GC',
    '-XX:TieredStopAtLevel=1',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4jConfig}`,
    `-Dkafka.logs.dir=${options.dataDir}`,
    '-cp',
    classpath,
  ];

  if (!existsSync(path.join(logDir, 'meta.properties'))) {
    // Like Kafka's own Uuid, never one starting with '-': the storage tool would read it as an option.
    let clusterId = '';
    while (!clusterId || clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url').slice(0, 22);
    const scram = (options.security?.users ?? []).flatMap((user) => ['--add-scram', `SCRAM-SHA-512=[name=${user.name},password=${user.password}]`]);
    await run('java', [...jvmArgs, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propertiesFile, ...scram]);
  }

  const broker = startProcess({
    name: 'kafka',
    command: ['java', ...(options.jvmOptions ?? []), ...jvmArgs, 'kafka.Kafka', propertiesFile],
    env: {},
    logFile: path.join(options.dataDir, 'server.log'),
    onOutput: options.onLog ?? (() => undefined),
    stopGraceMs: 20_000,
    isReady: () => waitForPort(options.port, 1_000).then(() => true, () => false),
  });
  try {
    await Promise.race([
      waitForPort(options.port, 60_000),
      broker.exited.then((code) => {
        throw new StartupError(
          `The Kafka broker exited with code ${code} while starting.`,
          `Read ${path.join(options.dataDir, 'server.log')}; if its data is damaged, stop everything and delete ${options.dataDir}.`,
        );
      }),
    ]);
  } catch (error) {
    await broker.stop();
    throw error;
  }
  return {
    brokers: [`127.0.0.1:${options.port}`],
    get pid() {
      return broker.pid;
    },
    process: broker,
    stop: () => broker.stop(),
  };
}
