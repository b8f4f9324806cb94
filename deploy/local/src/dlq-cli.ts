/**
 * `npm run dlq -- <command>`: the dead-letter topics, for operators (see the README's runbooks).
 *
 *   list [<dlq topic>...]                      what each dead-letter topic holds (default: all of them)
 *   replay <dlq topic> [--group <consumer group>] [--event <event id>]... [--dry-run]
 *                                              publish the selected entries to their original topic again
 *
 * Reads KAFKA_BROKERS and KAFKA_TOPIC_PREFIX like the services.
 */
import { parseArgs } from 'node:util';
import { env, loadConfig } from '@commerce/kit/config';
import { createKafka } from '@commerce/kit/events/kafka';
import { createLogger } from '@commerce/kit/logger';
import { deadLetterTopics, readDeadLetters, replayDeadLetters, selectDeadLetters, type DeadLetter } from './dead-letters.js';

const config = loadConfig('dlq', {
  KAFKA_BROKERS: env.list(['127.0.0.1:9092']),
  KAFKA_TOPIC_PREFIX: env.matching(/^[A-Za-z0-9._-]*$/, '', 'letters, digits, dots, dashes, underscores'),
});

const USAGE = 'usage: npm run dlq -- list [<dlq topic>...] | replay <dlq topic> [--group <group>] [--event <id>]... [--dry-run]';

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

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { group: { type: 'string' }, event: { type: 'string', multiple: true }, 'dry-run': { type: 'boolean', default: false } },
  });
  const [command, ...topics] = positionals;
  const kafka = createKafka('dlq-cli', config.KAFKA_BROKERS, createLogger('dlq', 'error'));

  if (command === 'list') {
    for (const topic of topics.length > 0 ? topics : deadLetterTopics(config.KAFKA_TOPIC_PREFIX)) {
      const letters = await readDeadLetters(kafka, topic);
      console.log(`${topic}: ${letters.length} dead-lettered`);
      for (const letter of letters) console.log(`  ${describe(letter)}`);
    }
    return;
  }
  if (command === 'replay' && topics.length === 1) {
    const selected = selectDeadLetters(await readDeadLetters(kafka, topics[0] as string), { group: values.group, eventIds: values.event });
    for (const letter of selected) console.log(`${values['dry-run'] ? 'would replay' : 'replaying'} ${describe(letter)}`);
    if (values['dry-run']) {
      console.log(`${selected.length} would be replayed (dry run: nothing sent)`);
      return;
    }
    console.log(`replayed ${await replayDeadLetters(kafka, selected)} of ${selected.length} selected`);
    return;
  }
  throw new Error(USAGE);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
