/**
 * `npm run dlq -- <command>`: the dead-letter topics, for operators (see the README's runbooks).
 *
 *   list [<dlq topic>...]                      what each dead-letter topic holds (default: all of them)
 *   replay <dlq topic> [--group <consumer group>] [--event <event id>]... [--dry-run]
 *                                              publish the selected entries to their original topic again
 *
 * Reads KAFKA_BROKERS and KAFKA_TOPIC_PREFIX like the services.
 */
import { parseCommand, refuse, runCli } from '@commerce/kit/cli';
import { env, loadConfig } from '@commerce/kit/config';
import { createKafka } from '@commerce/kit/events/kafka';
import { createLogger } from '@commerce/kit/logger';
import { kafkaClientRules, kafkaClientShape, kafkaFileRules } from '@commerce/kit/service-config';
import { deadLetterTopics, readDeadLetters, replayDeadLetters, selectDeadLetters, type DeadLetter } from './dead-letters.js';

const spec = {
  command: 'npm run dlq',
  summary: 'Lists what the dead-letter topics hold, or publishes selected entries to their original topic again.',
  positionals: 'list [<dlq topic>...] | replay <dlq topic>',
  details: ['list [<dlq topic>...]                  every entry of these dead-letter topics (default: all of them)', 'replay <dlq topic> [--group] [--event]... [--dry-run]   publish the selected entries again'],
  options: {
    group: { type: 'string', valueName: '<consumer group>', description: 'replay: only entries this consumer group failed' },
    event: { type: 'string', multiple: true, valueName: '<event id>', description: 'replay: only this event' },
    'dry-run': { type: 'boolean', default: false, description: 'replay: print what would be replayed, send nothing' },
  },
  environment: [
    ['KAFKA_BROKERS', 'comma-separated brokers (default 127.0.0.1:9092)'],
    ['KAFKA_TOPIC_PREFIX', 'prefix of every topic name (default none)'],
    ['KAFKA_SSL, KAFKA_SASL_*', 'TLS and SASL to the brokers, as the services take them (default none)'],
  ],
  exitCodes: { 1: 'a bad variable, or the brokers failed' },
} as const;

const { positionals, values } = parseCommand(spec);
const [command, ...topics] = positionals;
if (command === 'replay' && topics.length !== 1) refuse(spec, 'replay takes exactly one dead-letter topic');
if (command !== 'list' && command !== 'replay') refuse(spec, command === undefined ? 'a command is required: list or replay' : `unknown command "${command}"`);

const config = loadConfig('dlq', {
  ...kafkaClientShape,
  KAFKA_TOPIC_PREFIX: env.matching(/^[A-Za-z0-9._-]*$/, '', 'letters, digits, dots, dashes, underscores'),
}, process.env, [...kafkaClientRules, ...kafkaFileRules]);
runCli(spec, async () => {
  const kafka = createKafka('dlq-cli', config, createLogger('dlq', 'error'));
  if (command === 'list') {
    for (const topic of topics.length > 0 ? topics : deadLetterTopics(config.KAFKA_TOPIC_PREFIX)) {
      const letters = await readDeadLetters(kafka, topic);
      console.log(`${topic}: ${letters.length} dead-lettered`);
      for (const letter of letters) console.log(`  ${describe(letter)}`);
    }
    return;
  }
  const selected = selectDeadLetters(await readDeadLetters(kafka, topics[0] as string), { group: values.group, eventIds: values.event });
  for (const letter of selected) console.log(`${values['dry-run'] ? 'would replay' : 'replaying'} ${describe(letter)}`);
  if (values['dry-run']) {
    console.log(`${selected.length} would be replayed (dry run: nothing sent)`);
    return;
  }
  console.log(`replayed ${await replayDeadLetters(kafka, selected)} of ${selected.length} selected`);
});

function describe(letter: DeadLetter): string {
  const h = letter.headers;
  return [
    `${letter.topic}/${letter.partition}/${letter.offset}`,
    `event=${letter.eventId ?? '-'} type=${letter.eventType ?? '-'} key=${letter.key ?? '-'}`,
    `from=${h['dlq-original-topic'] ?? '?'}/${h['dlq-original-partition'] ?? '?'}/${h['dlq-original-offset'] ?? '?'}`,
    `group=${h['dlq-consumer-group'] ?? '?'} failedAt=${h['dlq-failed-at'] ?? '?'}`,
    `error=${JSON.stringify(h['dlq-error'] ?? '')}`,
  ].join(' ');
}
